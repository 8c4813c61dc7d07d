"""Recording a sharing decision (Golden Rule 7) and correcting one by superseding it.

One call validates the whole record (the seeds' questions, the legal basis and its evidence, the
Golden Rule 6 checks), runs the consent check, decides whether the share overrides
confidentiality, appends the decision to the tenant's hash chain, grants the recipients access
to the child's record when the share stands, and tells the designated managers about an
override, all in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from agreements.choices import InformationLevel
from agreements.choices import LegalBasisKind as GatewayKind
from agreements.selectors import agreements_visible_to
from consent.access import VIEW_PERMISSION, subject_is_visible_to, subject_sync_access
from consent.choices import CheckReason, SpecialCategory
from consent.models import DataSubject, DataSubjectGroupObjectPermission
from consent.selectors import ConsentCheck, consent_check
from notifications.services import notify
from partners.models import Membership, TrainingPolicy
from partners.reminders import local_date
from partners.selectors import training_is_current
from sharing_log.access import override_approvers
from sharing_log.choices import (
    GOLDEN_RULE_6_CHECKS,
    SHARING_OUTCOMES,
    URGENT_BASES,
    AdviceSource,
    Basis,
    IdentityCheck,
    Outcome,
    OverrideKind,
)
from sharing_log.models import DecisionRecipient, SharingDecision
from sharing_log.services._common import (
    append_to_chain,
    decision_link,
    long_date,
    overrides_link,
    require,
    today,
)
from sharing_log.services.drafts import DecisionDraft, RecipientSpec

# A decision may be recorded a little ahead of the server's clock (a device's clock runs fast).
CLOCK_SKEW = timedelta(minutes=5)
# A consent check that finds one of these means sharing would go against the person's wishes.
REFUSALS = frozenset({CheckReason.REFUSED, CheckReason.WITHDRAWN})
NO_CHILD = "Choose a child or young person you work with."

# The plain fields copied from the draft onto the decision.
COPIED_FIELDS = (
    "outcome",
    "purpose",
    "information_level",
    "information_description",
    "reasons",
    "identity_check",
    "basis",
    "requested_by_name",
    "requested_by_organisation_name",
    "requested_by_role",
    "identity_check_details",
    "method",
    "channel",
    "record_location",
    "request_reference",
    "basis_details",
    "immediate_risk",
    "checks_note",
    "advice_given",
    "protected_identities",
    "override_reasons",
    "override_evidence",
    "third_parties_informed",
)


def _text(value) -> str:
    return (value or "").strip() if isinstance(value, str) else value


def override_kind_for(
    *,
    subject: DataSubject | None,
    outcome: str,
    basis: str,
    information_level: str,
    special_categories: Sequence[str],
    against_refusal: bool,
    immediate_risk: bool,
) -> str:
    """Whether a decision overrides confidentiality, and how it is approved (Haringey 4.6): a
    share about a child of detailed or sensitive information without consent, or of anything
    against a refusal, is referred to a designated manager first, unless it is for urgent medical
    treatment or a child is at immediate risk of harm, when it is approved afterwards."""
    if subject is None or outcome not in SHARING_OUTCOMES or basis == Basis.CONSENT:
        return OverrideKind.NONE
    sensitive = information_level == InformationLevel.DETAILED or bool(special_categories)
    if not (sensitive or against_refusal):
        return OverrideKind.NONE
    if basis in URGENT_BASES or immediate_risk:
        return OverrideKind.RETROSPECTIVE
    return OverrideKind.PRIOR


def recipient_label(recipient: RecipientSpec) -> str:
    parts = [
        recipient.person_name.strip(),
        recipient.organisation.name
        if recipient.organisation
        else recipient.organisation_name.strip(),
    ]
    return ", ".join(part for part in parts if part) or "Unnamed recipient"


def consent_checks(
    *,
    subject: DataSubject,
    purpose: str,
    recipients: Sequence[RecipientSpec],
    consent_scope=None,
    special_categories: Sequence[str] = (),
    on: date,
) -> list[tuple[str, ConsentCheck]]:
    """The consent check for each recipient: the partner organisation, or else the named
    organisation or person (a consent names third parties by name)."""
    scope = consent_scope or purpose
    results = []
    for recipient in recipients:
        target = (
            recipient.organisation
            or recipient.organisation_name.strip()
            or recipient.person_name.strip()
        )
        check = consent_check(
            subject=subject,
            scope=scope,
            recipient=target,
            data_categories=special_categories,
            on=on,
        )
        results.append((recipient_label(recipient), check))
    return results


def _snapshot(checks: list[tuple[str, ConsentCheck]], on: date, relied_on: bool) -> dict:
    """What the consent checks found, kept with the decision: the record's state may change
    later, the decision must still show what it relied on."""

    def record(consent):
        if consent is None:
            return None
        return {
            "id": str(consent.public_id),
            "decision": consent.decision,
            "status": consent.status,
            "status_on": consent.status_on.isoformat() if consent.status_on else None,
            "given_on": consent.given_on.isoformat(),
            "giver_kind": consent.giver_kind,
            "giver_name": consent.giver_name,
            "explicit_special_category": consent.explicit_special_category,
            "special_categories": list(consent.special_categories),
            "review_due": consent.review_due.isoformat() if consent.review_due else None,
            "valid_until": consent.valid_until.isoformat() if consent.valid_until else None,
        }

    return {
        "checked_on": on.isoformat(),
        "relied_on": relied_on,
        "checks": [
            {
                "recipient": label,
                "ok": check.ok,
                "reason": str(check.reason) if check.reason else None,
                "message": check.message,
                "warnings": [message for _, message in check.warnings],
                "consent": record(check.consent),
            }
            for label, check in checks
        ],
    }


class _Errors(dict):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, message)

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


def _check_training(actor: Membership, on: date) -> None:
    if actor.tenant.untrained_decision_policy != TrainingPolicy.BLOCK:
        return
    if not training_is_current(membership=actor, on=on):
        raise ValidationError(
            "Your information governance training is not current, and your partnership asks "
            "for it before anyone logs a sharing decision. Record your refresher training first."
        )


REQUIRED_TEXT = {
    "purpose": "Say why the information is (or would have been) shared.",
    "information_description": "Describe the information shared or withheld.",
    "reasons": "Give the reasons for the decision, whether or not information is shared.",
}


def _check_required(draft: DecisionDraft, errors: _Errors) -> None:
    for name, message in REQUIRED_TEXT.items():
        if not _text(getattr(draft, name)):
            errors.add(name, message)
    choices = {
        "outcome": (Outcome, "Choose whether to share, share in part or not share."),
        "information_level": (InformationLevel, "Choose the level of the information."),
        "identity_check": (
            IdentityCheck,
            "Choose how the identity of the person asking was confirmed.",
        ),
    }
    for name, (options, message) in choices.items():
        if getattr(draft, name) not in options.values:
            errors.add(name, message)
    if draft.basis and draft.basis not in Basis.values:
        errors.add("basis", "Choose the legal basis from the list.")


def _check_recipients(actor: Membership, draft: DecisionDraft, errors: _Errors) -> None:
    if not draft.recipients:
        errors.add(
            "recipients",
            "Say with whom the information is shared (or would have been): an organisation "
            "or a named person.",
        )
        return
    seen = set()
    for recipient in draft.recipients:
        names_someone = (
            recipient.organisation is not None
            or recipient.organisation_name.strip()
            or recipient.person_name.strip()
        )
        if not names_someone:
            errors.add("recipients", "Each recipient needs an organisation or a person's name.")
        if recipient.organisation is not None and (
            recipient.organisation.tenant_id != actor.tenant_id
        ):
            errors.add("recipients", "Choose organisations of your partnership.")
        key = (
            recipient.organisation.pk if recipient.organisation else None,
            recipient.organisation_name.strip().casefold(),
            recipient.person_name.strip().casefold(),
        )
        if key in seen:
            errors.add("recipients", "A recipient is listed twice.")
        seen.add(key)


def _check_requester(draft: DecisionDraft, actor: Membership, errors: _Errors) -> None:
    if draft.requested_by_organisation is not None and (
        draft.requested_by_organisation.tenant_id != actor.tenant_id
    ):
        errors.add("requested_by_organisation", "Choose an organisation of your partnership.")
    if draft.identity_check == IdentityCheck.NOT_REQUESTED:
        return
    if not _text(draft.requested_by_name):
        errors.add("requested_by_name", "Enter the name of the person who asked.")
    if draft.requested_by_organisation is None and not _text(draft.requested_by_organisation_name):
        errors.add("requested_by_organisation", "Say which organisation the person asking is from.")
    if not _text(draft.requested_by_role):
        errors.add("requested_by_role", "Enter the role of the person who asked.")
    if draft.identity_check == IdentityCheck.OTHER and not _text(draft.identity_check_details):
        errors.add("identity_check_details", "Describe how their identity was confirmed.")


def _check_information(actor: Membership, draft: DecisionDraft, errors: _Errors) -> None:
    if draft.agreement is not None and not (
        agreements_visible_to(actor).filter(pk=draft.agreement.pk).exists()
    ):
        errors.add("agreement", "Choose an agreement of your partnership.")
    if draft.data_items:
        if draft.agreement is None:
            errors.add("data_items", "Choose the agreement the data items come from.")
        elif any(item.agreement_id != draft.agreement.pk for item in draft.data_items):
            errors.add("data_items", "Choose data items of the agreement relied on.")
    if draft.consent_scope is not None and (
        draft.agreement is None or draft.consent_scope.agreement_id != draft.agreement.pk
    ):
        errors.add("consent_scope", "Choose a consent scope of the agreement relied on.")
    unknown = set(draft.special_categories) - set(SpecialCategory.values)
    if unknown:
        errors.add("special_categories", "Choose special categories from the list.")


def _check_checks(draft: DecisionDraft, errors: _Errors) -> None:
    """Golden Rule 6: each question answered yes or no; a share with a "no" explains it."""
    for name, label in GOLDEN_RULE_6_CHECKS.items():
        if not isinstance(draft.checks.get(name), bool):
            errors.add(name, f"Answer whether the information is {label.lower()}.")
    answered_no = [name for name in GOLDEN_RULE_6_CHECKS if draft.checks.get(name) is False]
    if draft.outcome in SHARING_OUTCOMES and answered_no and not _text(draft.checks_note):
        errors.add(
            "checks_note",
            "Explain why the information is shared although not every check is met.",
        )


def _check_basis(draft: DecisionDraft, tenant_id: int, errors: _Errors) -> None:
    shares = draft.outcome in SHARING_OUTCOMES
    if shares and not draft.basis:
        errors.add("basis", "Choose the legal basis for sharing.")
    if draft.basis == Basis.CONSENT and draft.subject is None:
        errors.add("basis", "Consent is a child's: choose the child, or another legal basis.")
    if draft.basis == Basis.STATUTORY_FUNCTION:
        gateway = draft.statutory_gateway
        if gateway is None:
            errors.add("statutory_gateway", "Choose the statutory gateway relied on.")
        elif (
            gateway.kind != GatewayKind.STATUTE
            or not gateway.is_active
            or gateway.tenant_id not in (None, tenant_id)
        ):
            errors.add("statutory_gateway", "Choose a statutory gateway from the list.")
    if draft.basis == Basis.POLICE_REQUEST and not _text(draft.request_reference):
        errors.add(
            "request_reference",
            "Enter the reference of the police's Section 29(3) request form: a police request "
            "is answered only on the form.",
        )
    if shares and not draft.method:
        errors.add("method", "Choose how the information is shared.")
    if shares and not draft.channel:
        errors.add("channel", "Choose the channel the information is sent through.")
    if shares and not _text(draft.record_location):
        errors.add("record_location", "Say where the record of what was shared is kept.")


def _check_advice_and_reconsideration(draft: DecisionDraft, on: date, errors: _Errors) -> None:
    if set(draft.advice_sought) - set(AdviceSource.values):
        errors.add("advice_sought", "Choose whose advice was sought from the list.")
    if draft.advice_sought and not _text(draft.advice_given):
        errors.add("advice_given", "Record the advice that was given.")
    if draft.outcome == Outcome.NOT_SHARE:
        if draft.will_reconsider is None:
            errors.add("will_reconsider", "Say whether the decision will be reconsidered.")
        elif draft.will_reconsider and draft.reconsider_on is None:
            errors.add("reconsider_on", "Enter when the decision will be reconsidered.")
        elif draft.will_reconsider and draft.reconsider_on < on:
            errors.add("reconsider_on", "The reconsideration date cannot be in the past.")


def _check_override(draft: DecisionDraft, kind: str, errors: _Errors) -> None:
    if kind == OverrideKind.NONE:
        return
    required = {
        "override_reasons": "Give the reasons for overriding confidentiality.",
        "override_evidence": "Record the evidence the override rests on.",
        "third_parties_informed": "Say which third parties have been informed (or none, and why).",
    }
    for name, message in required.items():
        if not _text(getattr(draft, name)):
            errors.add(name, message)


# A decision's foreign keys: each set from an object the draft resolved within the tenant.
RESOLVED_RELATIONS = tuple(
    field.name for field in SharingDecision._meta.concrete_fields if field.is_relation
)


def _build(actor: Membership, draft: DecisionDraft) -> tuple[SharingDecision, list]:
    """Validate the draft and return the unsaved decision and its recipients."""
    require(actor, "decisions.record")
    tenant = actor.tenant
    now = timezone.now()
    decided_at = draft.decided_at or now
    if timezone.is_naive(decided_at):
        raise ValidationError({"decided_at": "Give the time with its time zone."})
    on = local_date(decided_at, tenant)
    _check_training(actor, today(tenant))

    errors = _Errors()
    _check_required(draft, errors)
    if decided_at > now + CLOCK_SKEW:
        errors.add("decided_at", "A decision cannot be recorded for a time in the future.")
    subject = draft.subject
    if subject is not None and not subject_is_visible_to(actor, subject):
        # Not "forbidden": whether the child exists is not for this member to learn.
        raise ValidationError({"subject": NO_CHILD})
    _check_recipients(actor, draft, errors)
    _check_requester(draft, actor, errors)
    _check_information(actor, draft, errors)
    _check_checks(draft, errors)
    _check_basis(draft, tenant.pk, errors)
    _check_advice_and_reconsideration(draft, on, errors)
    errors.raise_if_any()

    shares = draft.outcome in SHARING_OUTCOMES
    checks: list[tuple[str, ConsentCheck]] = []
    consent = None
    if subject is not None and shares:
        checks = consent_checks(
            subject=subject,
            purpose=draft.purpose,
            recipients=draft.recipients,
            consent_scope=draft.consent_scope,
            special_categories=draft.special_categories,
            on=on,
        )
        if draft.basis == Basis.CONSENT:
            failed = [check for _, check in checks if not check]
            if failed:
                # A share claimed on consent that the consent record does not give is refused.
                raise ValidationError({"basis": failed[0].message})
            consent = checks[0][1].consent
    against_refusal = any(check.reason in REFUSALS for _, check in checks)
    kind = override_kind_for(
        subject=subject,
        outcome=draft.outcome,
        basis=draft.basis,
        information_level=draft.information_level,
        special_categories=draft.special_categories,
        against_refusal=against_refusal,
        immediate_risk=draft.immediate_risk,
    )
    _check_override(draft, kind, errors)
    errors.raise_if_any()

    decision = SharingDecision(
        tenant=tenant,
        subject=subject,
        organisation=actor.organisation,
        decided_by=actor,
        decided_at=decided_at,
        requested_by_organisation=draft.requested_by_organisation,
        agreement=draft.agreement,
        consent_scope=draft.consent_scope,
        consent=consent,
        consent_snapshot=_snapshot(checks, on, consent is not None) if checks else {},
        statutory_gateway=(
            draft.statutory_gateway if draft.basis == Basis.STATUTORY_FUNCTION else None
        ),
        data_items=[
            {"id": str(item.public_id), "name": item.name, "level": item.level}
            for item in draft.data_items
        ],
        special_categories=sorted(set(draft.special_categories)),
        advice_sought=sorted(set(draft.advice_sought)),
        override_kind=kind,
        will_reconsider=draft.will_reconsider if not shares else None,
        reconsider_on=(draft.reconsider_on if not shares and draft.will_reconsider else None),
        **{name: bool(draft.checks[name]) for name in GOLDEN_RULE_6_CHECKS},
        **{name: _text(getattr(draft, name)) for name in COPIED_FIELDS},
    )
    # Field checks only. The related rows were resolved inside the tenant and the checks above
    # give every message a person can act on; the database enforces the keys, the unique ids and
    # the model's check constraints again at INSERT. Django would ask it first, one query (and a
    # savepoint) per key and constraint: ten of a decision's forty (docs/performance.md, (c)).
    decision.full_clean(
        exclude=["sequence", "content_hash", "chain_hash", *RESOLVED_RELATIONS],
        validate_unique=False,
        validate_constraints=False,
    )
    recipients = [
        DecisionRecipient(
            tenant=tenant,
            organisation=spec.organisation,
            organisation_name=_text(spec.organisation_name),
            person_name=_text(spec.person_name),
            person_role=_text(spec.person_role),
            decided_at=decided_at,
        )
        for spec in draft.recipients
    ]
    return decision, recipients


def _access_changes(decision: SharingDecision, recipients: Sequence[DecisionRecipient]) -> bool:
    """Whether the decision may change who is involved with the child: a correction may end an
    earlier share; a share that stands now involves recipients not yet granted the record. A
    referral waiting for its manager, or a decision not to share, involves nobody yet."""
    if decision.subject_id is None:
        return False
    if decision.supersedes_id is not None:
        return True
    if not decision.shares or decision.override_kind == OverrideKind.PRIOR:
        return False
    organisations = {r.organisation_id for r in recipients if r.organisation_id is not None}
    if not organisations:
        return False
    granted = set(
        DataSubjectGroupObjectPermission.objects.filter(
            content_object_id=decision.subject_id,
            permission__codename=VIEW_PERMISSION,
            group__sharewell_organisation__organisation_id__in=organisations,
        ).values_list("group__sharewell_organisation__organisation_id", flat=True)
    )
    return not organisations <= granted


def _after_recording(
    actor: Membership, decision: SharingDecision, recipients: Sequence[DecisionRecipient]
) -> None:
    """Grant recipients access to the child's record, and refer an override."""
    if _access_changes(decision, recipients):
        subject_sync_access(subject=decision.subject)
    if decision.override_kind == OverrideKind.NONE:
        return
    people, reason = override_approvers(decision.organisation)
    people = [person for person in people if person.pk != actor.pk]
    if not people:
        return
    urgent = decision.override_kind == OverrideKind.RETROSPECTIVE
    # The notice names the organisation, the basis and the day; never the child.
    notify(
        recipients=people,
        title=(
            "An urgent override of confidentiality needs your approval"
            if urgent
            else "A decision to override confidentiality is waiting for you"
        ),
        body=(
            f"{actor.user.get_full_name() or actor.user.email} of {decision.organisation.name} "
            f"recorded a decision to share on "
            f"{long_date(local_date(decision.decided_at, decision.tenant))} "
            f"({decision.get_basis_display()}) without consent. "
            + (
                "It was urgent, so the information has been shared: approve or reject it now."
                if urgent
                else "It waits for a designated manager's approval before anything is shared."
            )
        ),
        link=overrides_link(),
        reason=reason,
        dedup_key=f"sharing_log.override:{decision.public_id}",
    )


@transaction.atomic
def decision_record(*, actor: Membership, draft: DecisionDraft) -> SharingDecision:
    """Record a decision to share, share in part or not share, for the actor's organisation.

    Raises ValidationError (keyed by the draft's field names; Golden Rule 6 answers by their
    `check_*` names) or PermissionDenied. A share claimed on consent that `consent_check` does
    not find is refused with its message under "basis".
    """
    decision, recipients = _build(actor, draft)
    append_to_chain(decision, recipients)
    _after_recording(actor, decision, recipients)
    return decision


@transaction.atomic
def decision_supersede(
    *, actor: Membership, decision: SharingDecision, draft: DecisionDraft, reason: str
) -> SharingDecision:
    """Correct a decision: record `draft` as a new decision that supersedes it, with the reason.
    Only the organisation that made the decision corrects it, and only its current version."""
    require(actor, "decisions.record")
    if decision.tenant_id != actor.tenant_id or decision.organisation_id != actor.organisation_id:
        raise PermissionDenied("Only the organisation that made a decision can correct it.")
    reason = _text(reason)
    if not reason:
        raise ValidationError({"supersede_reason": "Give the reason for the correction."})
    if SharingDecision.objects.filter(supersedes=decision).exists():
        raise ValidationError(
            "This decision has been corrected already: correct the current version instead."
        )
    if (draft.subject.pk if draft.subject else None) != decision.subject_id:
        raise ValidationError(
            {"subject": "A correction is about the same child as the decision it corrects."}
        )
    new, recipients = _build(actor, draft)
    new.supersedes = decision
    new.supersede_reason = reason
    try:
        with transaction.atomic():
            append_to_chain(new, recipients)
    except IntegrityError as exc:
        # Two corrections of one decision at once: the unique `supersedes` lets one through.
        if SharingDecision.objects.filter(supersedes=decision).exists():
            raise ValidationError(
                "This decision has just been corrected by someone else: correct the current "
                "version instead."
            ) from exc
        raise
    # Recipients of the corrected version only keep access if the correction shares with them.
    _after_recording(actor, new, recipients)
    return new


__all__ = [
    "consent_checks",
    "decision_link",
    "decision_record",
    "decision_supersede",
    "override_kind_for",
    "recipient_label",
]
