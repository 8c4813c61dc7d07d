"""Recording consent and everything that happens to it afterwards: review, withdrawal, expiry,
replacement, the signed form. Each is a new event in the consent's timeline; nothing recorded
before is changed or removed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction

from agreements.models import IN_FORCE_STATUSES, Agreement, ConsentScope
from consent.access import subject_sync_access
from consent.ages import end_of_compulsory_school_age
from consent.choices import (
    CaptureMethod,
    ConsentStatus,
    Decision,
    EventKind,
    GiverKind,
    Relationship,
    SpecialCategory,
)
from consent.models import (
    ConsentEvent,
    ConsentPurpose,
    ConsentRecipient,
    ConsentRecord,
    ConsentSettings,
    ConsentThirdParty,
    DataSubject,
)
from consent.selectors import consent_settings, needs_young_person_renewal
from consent.services._common import (
    long_date,
    require,
    require_not_future,
    require_reason,
    require_visible,
    save,
    today,
)
from consent.validators import age_on, validate_consent_form_upload
from partners.models import Membership, Organisation

# Below this age a child who decides for themselves needs a recorded competence assessment;
# from 16 they are presumed able to decide (Mental Capacity Act 2005).
PRESUMED_COMPETENT_AT = 16


@dataclass(frozen=True)
class ThirdParty:
    name: str
    description: str = ""


def default_review_due(given_on: date) -> date:
    """Golden Rule 2: consent is reviewed so that it is always current — after the partnership's
    review period (12 months unless it set another)."""
    return given_on + relativedelta(months=consent_settings().review_months)


def _event(
    consent: ConsentRecord,
    kind: EventKind,
    *,
    on: date,
    actor: Membership | None,
    reason: str = "",
    review_due: date | None = None,
) -> ConsentEvent:
    event = ConsentEvent(
        tenant_id=consent.tenant_id,
        consent=consent,
        kind=kind,
        on=on,
        recorded_by=actor,
        reason=reason,
        review_due=review_due,
    )
    event.full_clean(exclude=["tenant", "consent", "recorded_by"])
    event.save()
    return event


def _third_parties(values: Iterable[ThirdParty | tuple | dict | str]) -> list[ThirdParty]:
    parties = []
    for value in values:
        if isinstance(value, ThirdParty):
            party = value
        elif isinstance(value, dict):
            party = ThirdParty(value.get("name", ""), value.get("description", ""))
        elif isinstance(value, str):
            party = ThirdParty(value)
        else:
            party = ThirdParty(*value)
        if party.name.strip():
            parties.append(ThirdParty(party.name.strip(), party.description.strip()))
    return parties


def _agreement_for(agreement: Agreement | None, scopes: Sequence[ConsentScope], errors: dict):
    if agreement is None and scopes:
        agreements = {scope.agreement_id for scope in scopes}
        if len(agreements) == 1:
            agreement = scopes[0].agreement
        else:
            errors["scopes"] = "Choose purposes of one agreement."
            return None
    if agreement is None:
        return None
    if any(scope.agreement_id != agreement.pk for scope in scopes):
        errors["scopes"] = "Choose purposes of the agreement the consent is given under."
    if agreement.status not in IN_FORCE_STATUSES:
        errors["agreement"] = "Choose an agreement that is in force."
    return agreement


@transaction.atomic
def consent_record(
    *,
    actor: Membership,
    subject: DataSubject,
    decision: Decision | str = Decision.GIVEN,
    giver_kind: GiverKind | str,
    giver_name: str = "",
    giver_relationship: Relationship | str = "",
    giver_relationship_other: str = "",
    competence_assessment: str = "",
    competence_assessed_on: date | None = None,
    parent_decides_because: str = "",
    agreement: Agreement | None = None,
    scopes: Sequence[ConsentScope] = (),
    other_purposes: Sequence[str] = (),
    recipients: Sequence[Organisation] = (),
    third_parties: Iterable[ThirdParty | tuple | dict | str] = (),
    explicit_special_category: bool = False,
    special_categories: Sequence[SpecialCategory | str] = (),
    capture_method: CaptureMethod | str,
    signed_form=None,
    given_on: date,
    review_due: date | None = None,
    valid_until: date | None = None,
    replaces: ConsentRecord | None = None,
    notes: str = "",
) -> ConsentRecord:
    """Record a decision about sharing a child's information: consent given, or refused.

    Who decided: the young person (under 16, with the practitioner's competence assessment), or
    a person with parental responsibility, named, with their relationship (for a young person
    past compulsory school age, only with a reason such as their lacking capacity). What for:
    consent scopes of the agreement it is given under, or purposes in words. With whom:
    organisations of the partnership and named third parties; special category data only as
    explicitly consented. A scope that needs a signed form needs the signed-form method. The
    review is due after the partnership's review period unless another date is given.
    With `replaces`, the older consent ends (a young person renewing what their parent gave).
    """
    require(actor, "consent.record")
    require_visible(actor, subject)
    decision = Decision(decision)
    giver_kind = GiverKind(giver_kind)
    scopes = list(scopes)
    other_purposes = [p.strip() for p in other_purposes if p and p.strip()]
    recipients = list(dict.fromkeys(recipients))
    parties = _third_parties(third_parties)
    special_categories = list(dict.fromkeys(str(c) for c in special_categories))
    errors: dict[str, str] = {}

    require_not_future(given_on, "given_on")
    if given_on < subject.date_of_birth:
        errors["given_on"] = "The date is before the child was born."
    agreement = _agreement_for(agreement, scopes, errors)
    if not scopes and not other_purposes:
        errors["scopes"] = "Say what the consent is for."
    if any(o.tenant_id != subject.tenant_id for o in recipients):
        errors["recipients"] = "Choose organisations of this partnership."

    giver = _giver(
        subject=subject,
        actor=actor,
        giver_kind=giver_kind,
        giver_name=giver_name,
        relationship=giver_relationship,
        relationship_other=giver_relationship_other,
        competence_assessment=competence_assessment,
        competence_assessed_on=competence_assessed_on or given_on,
        parent_decides_because=parent_decides_because,
        given_on=given_on,
        errors=errors,
    )

    if decision == Decision.GIVEN:
        if not recipients and not parties:
            errors["recipients"] = "Choose who the consent allows sharing with."
        if special_categories and not explicit_special_category:
            errors["explicit_special_category"] = (
                "Special category data is shared only with explicit consent: confirm it."
            )
        if explicit_special_category and not special_categories:
            errors["special_categories"] = "Choose the special categories consented to."
        review_due = review_due or default_review_due(given_on)
        if review_due <= given_on:
            errors["review_due"] = "The review must be after the consent was given."
    else:
        explicit_special_category, special_categories = False, []
        review_due, valid_until = None, None
    if valid_until and valid_until < given_on:
        errors["valid_until"] = "The consent cannot end before it was given."

    capture_method = CaptureMethod(capture_method)
    needs_form = [scope.name for scope in scopes if scope.signed_form_required]
    if decision == Decision.GIVEN and needs_form and capture_method != CaptureMethod.SIGNED_FORM:
        errors["capture_method"] = "A signed consent form is needed for " + ", ".join(needs_form)
    if signed_form and capture_method != CaptureMethod.SIGNED_FORM:
        errors["signed_form"] = "Attach a form only to consent given on a signed form."
    if replaces is not None:
        _check_replaces(replaces, subject, given_on, errors)
    if errors:
        raise ValidationError(errors)

    consent = ConsentRecord(
        tenant_id=subject.tenant_id,
        subject=subject,
        decision=decision,
        agreement=agreement,
        explicit_special_category=explicit_special_category,
        special_categories=special_categories,
        capture_method=capture_method,
        signed_form=signed_form or "",
        given_on=given_on,
        review_due=review_due,
        valid_until=valid_until,
        replaces=replaces,
        notes=notes.strip(),
        recorded_by=actor,
        status=ConsentStatus.GIVEN if decision == Decision.GIVEN else ConsentStatus.REFUSED,
        status_on=given_on,
        **giver,
    )
    save(consent, actor)
    for scope in scopes:
        ConsentPurpose.objects.create(
            tenant_id=consent.tenant_id, consent=consent, scope=scope, description=scope.name
        )
    for purpose in other_purposes:
        ConsentPurpose(tenant_id=consent.tenant_id, consent=consent, description=purpose).save()
    for organisation in recipients:
        ConsentRecipient.objects.create(
            tenant_id=consent.tenant_id, consent=consent, organisation=organisation
        )
    for party in parties:
        ConsentThirdParty.objects.create(
            tenant_id=consent.tenant_id,
            consent=consent,
            name=party.name,
            description=party.description,
        )
    _event(
        consent,
        EventKind.GIVEN if decision == Decision.GIVEN else EventKind.REFUSED,
        on=given_on,
        actor=actor,
        review_due=review_due,
    )
    if signed_form:
        _event(consent, EventKind.FORM_ATTACHED, on=today(), actor=actor)
    if replaces is not None:
        _end(
            replaces,
            EventKind.REPLACED,
            ConsentStatus.EXPIRED,
            on=given_on,
            actor=actor,
            reason=f"Replaced by the consent recorded for {long_date(given_on)}.",
        )
    if valid_until and valid_until < today():
        _end(
            consent,
            EventKind.EXPIRED,
            ConsentStatus.EXPIRED,
            on=valid_until + timedelta(days=1),
            actor=None,
            reason=f"The consent's last day was {long_date(valid_until)}.",
        )
    subject_sync_access(subject=subject)
    return consent


def _giver(
    *,
    subject: DataSubject,
    actor: Membership,
    giver_kind: GiverKind,
    giver_name: str,
    relationship: str,
    relationship_other: str,
    competence_assessment: str,
    competence_assessed_on: date,
    parent_decides_because: str,
    given_on: date,
    errors: dict,
) -> dict:
    if giver_kind == GiverKind.YOUNG_PERSON:
        giver = {"giver_kind": giver_kind, "giver_name": giver_name.strip() or subject.full_name}
        if age_on(subject.date_of_birth, given_on) < PRESUMED_COMPETENT_AT:
            if not competence_assessment.strip():
                errors["competence_assessment"] = (
                    "Record your assessment that the child is competent to decide (Gillick)."
                )
            if competence_assessed_on > given_on or competence_assessed_on < subject.date_of_birth:
                errors["competence_assessed_on"] = (
                    "The assessment is made on or before the day the child decides."
                )
            giver |= {
                "competence_assessment": competence_assessment.strip(),
                "competence_assessed_on": competence_assessed_on,
                "competence_assessed_by": actor,
            }
        elif competence_assessment.strip():
            giver |= {
                "competence_assessment": competence_assessment.strip(),
                "competence_assessed_on": competence_assessed_on,
                "competence_assessed_by": actor,
            }
        return giver
    if not giver_name.strip():
        errors["giver_name"] = "Name the person with parental responsibility."
    if relationship not in Relationship.values:
        errors["giver_relationship"] = "Say how they hold parental responsibility."
    elif relationship == Relationship.OTHER and not relationship_other.strip():
        errors["giver_relationship_other"] = "Say how they hold parental responsibility."
    past_school_age = end_of_compulsory_school_age(subject.date_of_birth) <= given_on
    if past_school_age and not parent_decides_because.strip():
        errors["giver_kind"] = (
            "The young person is past compulsory school age, so they decide for themselves. "
            "Record their own decision, or say why a parent decides for them."
        )
    return {
        "giver_kind": giver_kind,
        "giver_name": giver_name.strip(),
        "giver_relationship": relationship,
        "giver_relationship_other": relationship_other.strip()
        if relationship == Relationship.OTHER
        else "",
        "parent_decides_because": parent_decides_because.strip(),
    }


def _check_replaces(
    replaces: ConsentRecord, subject: DataSubject, given_on: date, errors: dict
) -> None:
    if replaces.subject_id != subject.pk:
        errors["replaces"] = "A consent replaces only another consent for the same child."
    elif replaces.status != ConsentStatus.GIVEN:
        errors["replaces"] = "Only a consent that still stands can be replaced."
    elif given_on < replaces.given_on:
        errors["replaces"] = "A consent replaces only an earlier one."


def _end(
    consent: ConsentRecord,
    kind: EventKind,
    status: ConsentStatus,
    *,
    on: date,
    actor: Membership | None,
    reason: str,
) -> bool:
    """End a standing consent: claim it (a conditional update, so of two people withdrawing the
    same consent only one writes), add the event, summarise it on the record."""
    claimed = ConsentRecord.objects.filter(pk=consent.pk, status=ConsentStatus.GIVEN).update(
        status=status, status_on=on, status_reason=reason
    )
    if claimed != 1:
        return False
    _event(consent, kind, on=on, actor=actor, reason=reason)
    consent.refresh_from_db()
    # A row in the record's history for the change of status, with who made it.
    consent._history_user = actor.user if actor else None
    consent.save(update_fields=["updated_at"])
    return True


@transaction.atomic
def consent_withdraw(
    *, actor: Membership, consent: ConsentRecord, reason: str, withdrawn_on: date | None = None
) -> ConsentRecord:
    """Record that consent was withdrawn. The record and everything before stay as they were;
    the withdrawal is a new event, and recipients it named lose the child's record unless they
    are involved in another way."""
    require(actor, "consent.record")
    require_visible(actor, consent.subject)
    reason = require_reason(reason)
    withdrawn_on = withdrawn_on or today()
    require_not_future(withdrawn_on, "withdrawn_on")
    if withdrawn_on < consent.given_on:
        raise ValidationError({"withdrawn_on": "Consent cannot be withdrawn before it was given."})
    if consent.decision != Decision.GIVEN:
        raise ValidationError("Only consent that was given can be withdrawn.")
    if not _end(
        consent,
        EventKind.WITHDRAWN,
        ConsentStatus.WITHDRAWN,
        on=withdrawn_on,
        actor=actor,
        reason=reason,
    ):
        raise ValidationError(
            f"This consent no longer stands (it is {consent.get_status_display().lower()})."
        )
    subject_sync_access(subject=consent.subject)
    return consent


@transaction.atomic
def consent_review(
    *,
    actor: Membership,
    consent: ConsentRecord,
    reviewed_on: date | None = None,
    review_due: date | None = None,
    notes: str = "",
) -> ConsentRecord:
    """Golden Rule 2: the consent was reviewed with the person who gave it and still stands.
    The next review is due after the partnership's review period unless another date is given.
    A parent's consent that the young person must now renew cannot be renewed by review."""
    require(actor, "consent.record")
    require_visible(actor, consent.subject)
    reviewed_on = reviewed_on or today()
    require_not_future(reviewed_on, "reviewed_on")
    if consent.status != ConsentStatus.GIVEN:
        raise ValidationError(
            f"This consent no longer stands (it is {consent.get_status_display().lower()}): "
            "record a new consent instead."
        )
    if consent.valid_until and consent.valid_until < reviewed_on:
        raise ValidationError("This consent has ended: record a new consent instead.")
    if reviewed_on < consent.given_on:
        raise ValidationError({"reviewed_on": "A review comes after the consent was given."})
    if needs_young_person_renewal(consent, reviewed_on):
        raise ValidationError(
            "The young person is past compulsory school age and now decides: record their own "
            "consent, which replaces this one."
        )
    review_due = review_due or default_review_due(reviewed_on)
    if review_due <= reviewed_on:
        raise ValidationError({"review_due": "The next review must be after this one."})
    _event(
        consent,
        EventKind.REVIEWED,
        on=reviewed_on,
        actor=actor,
        reason=notes.strip(),
        review_due=review_due,
    )
    consent.review_due = review_due
    consent._history_user = actor.user
    consent.save(update_fields=["review_due", "updated_at"])
    return consent


@transaction.atomic
def consent_attach_form(*, actor: Membership, consent: ConsentRecord, signed_form) -> ConsentRecord:
    """Attach the scan of the signed form to consent given on one. A form once attached is never
    replaced."""
    require(actor, "consent.record")
    require_visible(actor, consent.subject)
    if consent.capture_method != CaptureMethod.SIGNED_FORM:
        raise ValidationError({"signed_form": "This consent was not given on a signed form."})
    validate_consent_form_upload(signed_form)
    if not signed_form:
        raise ValidationError({"signed_form": "Choose the scan of the signed form."})
    claimed = ConsentRecord.objects.filter(pk=consent.pk, signed_form="").update(
        signed_form="pending"
    )
    if claimed != 1:
        raise ValidationError({"signed_form": "A signed form is already attached."})
    consent.signed_form = signed_form
    consent._history_user = actor.user
    consent.save(update_fields=["signed_form", "updated_at"])
    _event(consent, EventKind.FORM_ATTACHED, on=today(), actor=actor)
    return consent


def consents_expire_due(*, on: date | None = None) -> int:
    """Mark as expired every standing consent of the active partnership whose last day has
    passed, each in its own transaction; run again, it finds nothing more. Returns how many."""
    on = on or today()
    expired = 0
    for consent in ConsentRecord.objects.filter(
        status=ConsentStatus.GIVEN, valid_until__lt=on
    ).select_related("subject"):
        with transaction.atomic():
            if _end(
                consent,
                EventKind.EXPIRED,
                ConsentStatus.EXPIRED,
                on=consent.valid_until + timedelta(days=1),
                actor=None,
                reason=f"The consent's last day was {long_date(consent.valid_until)}.",
            ):
                subject_sync_access(subject=consent.subject)
                expired += 1
    return expired


# --- Settings ------------------------------------------------------------------------------------


@transaction.atomic
def consent_settings_update(
    *, actor: Membership, review_months: int, review_at_twelve: bool
) -> ConsentSettings:
    require(actor, "consent.settings")
    settings = ConsentSettings.objects.select_for_update().first() or ConsentSettings(
        tenant=actor.tenant
    )
    settings.review_months = review_months
    settings.review_at_twelve = review_at_twelve
    save(settings, actor)
    return settings
