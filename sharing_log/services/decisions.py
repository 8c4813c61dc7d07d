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
from consent.access import granted_organisations, subject_is_visible_to, subject_sync_access
from consent.choices import CheckReason
from consent.models import DataSubject
from consent.selectors import ConsentCheck, consent_check, consents_preload_for_check
from notifications.services import notify
from partners.models import Membership
from partners.reminders import local_date
from sharing_log.access import override_approvers
from sharing_log.choices import (
    GOLDEN_RULE_6_CHECKS,
    SHARING_OUTCOMES,
    URGENT_BASES,
    Basis,
    OverrideKind,
)
from sharing_log.models import DecisionRecipient, SharingDecision
from sharing_log.services._common import (
    append_all_to_chain,
    append_to_chain,
    decision_link,
    long_date,
    overrides_link,
    require,
    today,
)
from sharing_log.services.checks import (
    Errors,
    check_advice_and_reconsideration,
    check_basis,
    check_checks,
    check_information,
    check_override,
    check_recipients,
    check_requester,
    check_required,
    check_training,
    clean_text,
    visible_agreement_ids,
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


# A decision's foreign keys: each set from an object the draft resolved within the tenant.
RESOLVED_RELATIONS = tuple(
    field.name for field in SharingDecision._meta.concrete_fields if field.is_relation
)


def _build(
    actor: Membership, draft: DecisionDraft, visible_agreements: set[int] | None = None
) -> tuple[SharingDecision, list]:
    """Validate the draft and return the unsaved decision and its recipients. A batch passes
    the agreements it has checked the actor may read (`visible_agreement_ids`)."""
    require(actor, "decisions.record")
    tenant = actor.tenant
    now = timezone.now()
    decided_at = draft.decided_at or now
    if timezone.is_naive(decided_at):
        raise ValidationError({"decided_at": "Give the time with its time zone."})
    on = local_date(decided_at, tenant)
    check_training(actor, today(tenant))

    errors = Errors()
    check_required(draft, errors)
    if decided_at > now + CLOCK_SKEW:
        errors.add("decided_at", "A decision cannot be recorded for a time in the future.")
    subject = draft.subject
    if subject is not None and not subject_is_visible_to(actor, subject):
        # Not "forbidden": whether the child exists is not for this member to learn.
        raise ValidationError({"subject": NO_CHILD})
    check_recipients(actor, draft, errors)
    check_requester(draft, actor, errors)
    check_information(actor, draft, errors, visible_agreements)
    check_checks(draft, errors)
    check_basis(draft, tenant.pk, errors)
    check_advice_and_reconsideration(draft, on, errors)
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
    check_override(draft, kind, errors)
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
        **{name: clean_text(getattr(draft, name)) for name in COPIED_FIELDS},
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
            organisation_name=clean_text(spec.organisation_name),
            person_name=clean_text(spec.person_name),
            person_role=clean_text(spec.person_role),
            decided_at=decided_at,
        )
        for spec in draft.recipients
    ]
    return decision, recipients


def _organisations_to_grant(
    decision: SharingDecision, recipients: Sequence[DecisionRecipient]
) -> set[int]:
    """The recipient organisations that a decision may newly involve with the child: a share
    that stands now involves its recipients. A referral waiting for its manager, or a decision
    not to share, involves nobody yet."""
    if decision.subject_id is None:
        return set()
    if not decision.shares or decision.override_kind == OverrideKind.PRIOR:
        return set()
    return {r.organisation_id for r in recipients if r.organisation_id is not None}


def _access_changes(
    built: Sequence[tuple[SharingDecision, Sequence[DecisionRecipient]]],
) -> list[bool]:
    """For each decision, whether it may change who is involved with the child: a correction may
    end an earlier share; a share may involve recipients not yet granted the record. The grants
    are read in one query for all of them."""
    wanted = [_organisations_to_grant(decision, recipients) for decision, recipients in built]
    granted = granted_organisations(
        {decision.subject_id for decision, _ in built if decision.subject_id is not None},
        set().union(*wanted),
    )
    return [
        decision.subject_id is not None
        and (
            decision.supersedes_id is not None
            or any((decision.subject_id, organisation) not in granted for organisation in orgs)
        )
        for (decision, _), orgs in zip(built, wanted, strict=True)
    ]


def _after_recording(
    actor: Membership, built: Sequence[tuple[SharingDecision, Sequence[DecisionRecipient]]]
) -> None:
    """Grant recipients access to the children's records, and refer overrides."""
    synced = set()
    for (decision, _), changes in zip(built, _access_changes(built), strict=True):
        if changes and decision.subject_id not in synced:
            subject_sync_access(subject=decision.subject)
            synced.add(decision.subject_id)
    for decision, _ in built:
        _refer_override(actor, decision)


def _refer_override(actor: Membership, decision: SharingDecision) -> None:
    """Tell the designated managers of an override waiting for their approval."""
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
    _after_recording(actor, [(decision, recipients)])
    return decision


# Decisions in one call of `decisions_record`.
MAX_BATCH = 100


class BatchInvalid(ValidationError):
    """Some decisions of a batch failed their checks: `by_index` holds each one's errors, keyed
    by its place in the batch. None of the batch was recorded."""

    def __init__(self, by_index: dict[int, ValidationError]) -> None:
        self.by_index = by_index
        super().__init__(
            {f"decisions.{index}": error.messages for index, error in by_index.items()}
        )


@transaction.atomic
def decisions_record(
    *, actor: Membership, drafts: Sequence[DecisionDraft]
) -> list[SharingDecision]:
    """Record several decisions at once (a case management system sending what its users
    decided), each checked exactly as `decision_record` checks one, and appended to the chain in
    the order given: all of them, or none when any fails (BatchInvalid, each failure by its
    place). One lock of the chain for the whole batch."""
    if not drafts:
        raise ValidationError({"decisions": "Send at least one decision."})
    if len(drafts) > MAX_BATCH:
        raise ValidationError(
            {"decisions": f"Send at most {MAX_BATCH} decisions at once, in more batches."}
        )
    consents_preload_for_check(draft.subject for draft in drafts)
    visible_agreements = visible_agreement_ids(actor, drafts)
    built, failures = [], {}
    for index, draft in enumerate(drafts):
        try:
            built.append(_build(actor, draft, visible_agreements))
        except ValidationError as error:
            failures[index] = error
    if failures:
        raise BatchInvalid(failures)
    append_all_to_chain(built)
    _after_recording(actor, built)
    return [decision for decision, _ in built]


@transaction.atomic
def decision_supersede(
    *, actor: Membership, decision: SharingDecision, draft: DecisionDraft, reason: str
) -> SharingDecision:
    """Correct a decision: record `draft` as a new decision that supersedes it, with the reason.
    Only the organisation that made the decision corrects it, and only its current version."""
    require(actor, "decisions.record")
    if decision.tenant_id != actor.tenant_id or decision.organisation_id != actor.organisation_id:
        raise PermissionDenied("Only the organisation that made a decision can correct it.")
    reason = clean_text(reason)
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
    _after_recording(actor, [(new, recipients)])
    return new


__all__ = [
    "consent_checks",
    "decision_link",
    "decision_record",
    "decision_supersede",
    "decisions_record",
    "override_kind_for",
    "recipient_label",
]
