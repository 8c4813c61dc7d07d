"""A designated manager's answer to an override of confidentiality (Haringey 4.6): approved or
rejected, with reasons, once. An urgent override (shared first) is approved retrospectively."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from consent.access import subject_sync_access
from notifications.services import notify
from partners.models import Membership
from partners.reminders import local_date
from sharing_log.access import may_decide_override
from sharing_log.choices import ApprovalOutcome, OverrideKind
from sharing_log.models import OverrideApproval, SharingDecision
from sharing_log.services._common import decision_link, long_date


@transaction.atomic
def override_decide(
    *, actor: Membership, decision: SharingDecision, outcome: str, reasons: str
) -> OverrideApproval:
    """Approve or reject an override. Only a designated manager (or manager) of the deciding
    organisation who did not make the decision; only the current version of a decision that is
    an override and has not been decided on. Tells the person who made the decision."""
    if not may_decide_override(actor, decision):
        raise PermissionDenied(
            "Only a designated manager of the organisation that made the decision, other than "
            "the person who made it, can approve or reject an override."
        )
    if decision.override_kind == OverrideKind.NONE:
        raise ValidationError("This decision does not override confidentiality.")
    if SharingDecision.objects.filter(supersedes=decision).exists():
        raise ValidationError(
            "This decision has been corrected: decide on its current version instead."
        )
    reasons = (reasons or "").strip()
    errors = {}
    if outcome not in ApprovalOutcome.values:
        errors["outcome"] = "Choose whether to approve or reject the override."
    if not reasons:
        errors["reasons"] = "Give the reasons for your decision."
    if errors:
        raise ValidationError(errors)
    approval = OverrideApproval(
        tenant_id=decision.tenant_id,
        decision=decision,
        manager=actor,
        outcome=outcome,
        reasons=reasons,
        retrospective=decision.override_kind == OverrideKind.RETROSPECTIVE,
    )
    approval.full_clean(exclude=["decision"])
    try:
        # A savepoint: two managers answering at once, the one-to-one lets the first through.
        with transaction.atomic():
            approval.save()
    except IntegrityError:
        raise ValidationError("Another manager has already decided on this override.") from None
    decision.approval = approval
    if decision.subject_id is not None:
        subject_sync_access(subject=decision.subject)
    decided = approval.get_outcome_display().lower()
    notify(
        recipients=[decision.decided_by],
        title=f"Your override of confidentiality was {decided}",
        body=(
            f"{actor.user.get_full_name() or actor.user.email} {decided} the decision to share "
            f"you recorded on {long_date(local_date(decision.decided_at, decision.tenant))}. "
            "Their reasons are on the decision."
        ),
        link=decision_link(decision),
        reason="You made the decision.",
        dedup_key=f"sharing_log.override_decided:{decision.public_id}",
    )
    return approval
