"""Creating an agreement and moving it through its lifecycle:

    draft → consultation → active → under review → active again (a new version, or no change),
    and from active or under review: superseded (by a named newer agreement), expired, withdrawn.

Each move is recorded with who, when and why. Only the moves in `TRANSITIONS` are legal; any
other is refused with a message naming what is possible, and changes nothing.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from agreements.choices import AgreementAction, AgreementStatus, SignatoryStatus
from agreements.models import (
    IN_FORCE_STATUSES,
    TERMINAL_STATUSES,
    TRANSITIONS,
    Agreement,
    AgreementTransition,
    ChangeConsultation,
    Review,
    Signatory,
    actions_from,
)
from agreements.selectors.completeness import agreement_completeness
from agreements.services._common import (
    ConcurrentEdit,
    claim_version,
    require,
    require_content_editable,
    require_reason,
    today,
    write_agreement,
)
from partners.models import Membership, Organisation

A = AgreementAction
S = AgreementStatus

AGREEMENT_EDITABLE_FIELDS = (
    "title",
    "reference",
    "kind",
    "parent",
    "summary",
    "owner_name",
    "owner_job_title",
    "parties_and_roles",
    "transparency",
    "individual_rights",
    "contact_point",
    "data_quality",
    "retention",
    "security",
    "breach_arrangements",
    "training",
    "termination",
    "further_details",
    "breach_notify_days",
    "breach_report_days",
    "breach_meeting_days",
    "breach_minutes_days",
    "breach_indemnity_response_days",
    "first_review_months",
    "review_interval_months",
)
# Only the IG officer moves an agreement to another owner.
IG_ONLY_FIELDS = frozenset({"owner_organisation"})


def agreement_create(
    *,
    actor: Membership,
    title: str,
    kind: str,
    owner_organisation: Organisation,
    parent: Agreement | None = None,
    **fields,
) -> Agreement:
    """Start a new agreement as a draft."""
    require(actor, "agreements.manage")
    agreement = Agreement(
        tenant=actor.tenant,
        title=title,
        kind=kind,
        owner_organisation=owner_organisation,
        parent=parent,
        status=S.DRAFT,
    )
    _assign(agreement, fields)
    agreement.full_clean()
    agreement._history_user = actor.user
    agreement.save()
    return agreement


def agreement_update(
    *, actor: Membership, agreement: Agreement, expected_version: int, **fields
) -> Agreement:
    """Save an edit of the agreement's own fields, refused if someone saved since it began."""
    require_content_editable(actor, agreement)
    if IG_ONLY_FIELDS & fields.keys():
        require(actor, "agreements.manage")
    _assign(agreement, fields, extra=IG_ONLY_FIELDS)
    agreement.full_clean()
    with transaction.atomic():
        claim_version(agreement, expected_version)
        agreement._history_user = actor.user
        agreement.save()
    return agreement


def _assign(agreement: Agreement, fields: dict, extra: frozenset[str] = frozenset()) -> None:
    for name, value in fields.items():
        if name not in AGREEMENT_EDITABLE_FIELDS and name not in extra:
            raise TypeError(f"{name} is not an editable agreement field")
        setattr(agreement, name, value)


# --- The moves ---------------------------------------------------------------------------------


def _status_phrase(status: str) -> str:
    return "a draft" if status == S.DRAFT else S(status).label.lower()


def illegal_move_message(agreement: Agreement, action: AgreementAction) -> str:
    possible = [A(a).label for a in actions_from(agreement.status)]
    then = (
        f"Possible now: {'; '.join(possible)}."
        if possible
        else "It has ended: nothing more can be done with it."
    )
    return (
        f"You cannot {A(action).label} while the agreement is "
        f"{_status_phrase(agreement.status)}. {then}"
    )


def check_move(agreement: Agreement, action: AgreementAction) -> None:
    sources, _ = TRANSITIONS[action]
    if agreement.status not in sources:
        raise ValidationError(illegal_move_message(agreement, action))


def _move(
    *,
    actor: Membership | None,
    agreement: Agreement,
    action: AgreementAction,
    reason: str,
    expected_version: int | None = None,
    **changes,
) -> AgreementTransition:
    """Make one legal move. It is claimed with a conditional update on the status (and on the
    version the actor saw, when given), so of two people approving at once only one moves it,
    and an approval never covers edits its approver has not seen. The agreement is then re-read
    and saved (for its history row), and the transition recorded."""
    check_move(agreement, action)
    _, target = TRANSITIONS[action]
    from_status = agreement.status
    claim = Agreement.objects.filter(pk=agreement.pk, status=from_status)
    if expected_version is not None:
        claim = claim.filter(version=expected_version)
    if claim.update(status=target, version=F("version") + 1, **changes) != 1:
        raise ConcurrentEdit(
            "Someone else changed this agreement a moment ago. Nothing has been changed: "
            "reload the page to see where it stands."
        )
    agreement.refresh_from_db()
    agreement._history_user = actor.user if actor else None
    agreement.save()
    return AgreementTransition.objects.create(
        tenant_id=agreement.tenant_id,
        agreement=agreement,
        action=action,
        from_status=from_status,
        to_status=target,
        actor=actor,
        at=timezone.now(),
        reason=reason,
        document_version=agreement.document_version,
    )


@transaction.atomic
def agreement_circulate(
    *, actor: Membership, agreement: Agreement, reason: str, expected_version: int | None = None
) -> Agreement:
    """Send a draft to the partners for consultation."""
    require(actor, "agreements.manage")
    check_move(agreement, A.CIRCULATE)
    _move(
        actor=actor,
        agreement=agreement,
        action=A.CIRCULATE,
        reason=require_reason(reason),
        expected_version=expected_version,
    )
    return agreement


@transaction.atomic
def agreement_return_to_draft(
    *, actor: Membership, agreement: Agreement, reason: str, expected_version: int | None = None
) -> Agreement:
    require(actor, "agreements.manage")
    check_move(agreement, A.RETURN_TO_DRAFT)
    _move(
        actor=actor,
        agreement=agreement,
        action=A.RETURN_TO_DRAFT,
        reason=require_reason(reason),
        expected_version=expected_version,
    )
    return agreement


def first_review_date(agreement: Agreement, approved_on: date) -> date:
    return approved_on + relativedelta(months=agreement.first_review_months)


def following_review_date(agreement: Agreement, reviewed_on: date) -> date:
    return reviewed_on + relativedelta(months=agreement.review_interval_months)


@transaction.atomic
def agreement_approve(
    *,
    actor: Membership,
    agreement: Agreement,
    reason: str,
    approved_on: date | None = None,
    issued_on: date | None = None,
    expected_version: int | None = None,
) -> Agreement:
    """Approve the agreement: a new version number, approval and issue dates, and on the first
    approval the first review date (N months on). Refused while an ICO heading is missing, while
    its review is open or a change consultation undecided. Signatories carry over to the new
    version: they stay signed unless they withdraw. Every agreement underneath a re-approved one
    is flagged for review."""
    require(actor, "agreements.manage")
    check_move(agreement, A.APPROVE)
    reason = require_reason(reason)
    completeness = agreement_completeness(agreement)
    if not completeness.is_complete:
        missing = "; ".join(h.label.lower() for h in completeness.missing_required)
        raise ValidationError(f"This agreement cannot be approved until it covers: {missing}.")
    if Review.objects.filter(agreement=agreement, completed_on__isnull=True).exists():
        raise ValidationError("Complete the open review (its findings and report) first.")
    if ChangeConsultation.objects.filter(agreement=agreement, status="open").exists():
        raise ValidationError("Decide the open change consultation first.")
    approved_on = approved_on or today()
    if approved_on > today():
        raise ValidationError({"approved_on": "The approval date cannot be in the future."})
    first = agreement.document_version == 0
    changes = {
        "document_version": agreement.document_version + 1,
        "approval_date": approved_on,
        "issue_date": issued_on or approved_on,
    }
    if first:
        changes["next_review_date"] = first_review_date(agreement, approved_on)
    _move(
        actor=actor,
        agreement=agreement,
        action=A.APPROVE,
        reason=reason,
        expected_version=expected_version,
        **changes,
    )
    if not first:
        flag_descendants_for_review(
            agreement,
            actor=actor,
            reason=f"{agreement.title} version {agreement.document_version} was approved: {reason}",
        )
    return agreement


@transaction.atomic
def agreement_start_review(
    *,
    actor: Membership,
    agreement: Agreement,
    reason: str,
    due_on: date | None = None,
    expected_version: int | None = None,
) -> Review:
    """Put an active agreement under review and open its review record (Haringey 5.1)."""
    require(actor, "agreements.manage")
    check_move(agreement, A.START_REVIEW)
    _move(
        actor=actor,
        agreement=agreement,
        action=A.START_REVIEW,
        reason=require_reason(reason),
        expected_version=expected_version,
    )
    review = Review(
        tenant_id=agreement.tenant_id,
        agreement=agreement,
        due_on=due_on or agreement.next_review_date or today(),
        opened_by=actor,
    )
    review._history_user = actor.user
    review.save()
    return review


def close_review(*, actor: Membership, agreement: Agreement, reason: str) -> None:
    """Under review → active with no new version (a review that found nothing to change)."""
    _move(actor=actor, agreement=agreement, action=A.CLOSE_REVIEW, reason=reason)


@transaction.atomic
def agreement_supersede(
    *,
    actor: Membership,
    agreement: Agreement,
    superseded_by: Agreement,
    reason: str,
    carry_over_signatories: bool = True,
    expected_version: int | None = None,
) -> Agreement:
    """Replace an agreement with a newer one in force. Its current signatories transfer to the
    newer agreement unless told otherwise (Bucks §1: "All current signatories will transfer to
    the Code of Practice unless they ask to be withdrawn")."""
    require(actor, "agreements.manage")
    check_move(agreement, A.SUPERSEDE)
    reason = require_reason(reason)
    if superseded_by.pk == agreement.pk or superseded_by.tenant_id != agreement.tenant_id:
        raise ValidationError({"superseded_by": "Choose another agreement of this partnership."})
    if superseded_by.status not in IN_FORCE_STATUSES:
        raise ValidationError(
            {"superseded_by": "The newer agreement must be approved and in force first."}
        )
    _move(
        actor=actor,
        agreement=agreement,
        action=A.SUPERSEDE,
        reason=reason,
        expected_version=expected_version,
        superseded_by=superseded_by,
    )
    if carry_over_signatories:
        _carry_over(actor=actor, old=agreement, new=superseded_by)
    flag_descendants_for_review(
        agreement, actor=actor, reason=f"{agreement.title} was superseded by {superseded_by.title}."
    )
    return agreement


def _carry_over(*, actor: Membership, old: Agreement, new: Agreement) -> None:
    current = dict(
        Signatory.objects.filter(
            agreement=new, status__in=[SignatoryStatus.INVITED, SignatoryStatus.SIGNED]
        ).values_list("organisation_id", "status")
    )
    on = today()
    for signed in Signatory.objects.filter(agreement=old, status=SignatoryStatus.SIGNED):
        if current.get(signed.organisation_id) == SignatoryStatus.SIGNED:
            continue
        # An open invitation to the newer agreement is answered by the transfer.
        row = Signatory.objects.filter(
            agreement=new, organisation_id=signed.organisation_id, status=SignatoryStatus.INVITED
        ).first() or Signatory(
            tenant_id=new.tenant_id,
            agreement=new,
            organisation_id=signed.organisation_id,
            invited_on=on,
            invited_by=actor,
        )
        row.status = SignatoryStatus.SIGNED
        row.signer_name = signed.signer_name
        row.signer_title = signed.signer_title
        row.typed_signature = signed.typed_signature
        row.signed_on = on
        row.version_signed = new.document_version
        row.carried_over_from = signed
        row.recorded_by = actor
        row._history_user = actor.user
        row.save()


def _end(
    *, actor: Membership, agreement: Agreement, action: str, reason: str, expected_version, why
) -> Agreement:
    """Expire or withdraw: the agreement ends, an open consultation is dropped, and every
    agreement under it is flagged for review with `why(agreement, reason)`."""
    require(actor, "agreements.manage")
    check_move(agreement, action)
    reason = require_reason(reason)
    _move(
        actor=actor,
        agreement=agreement,
        action=action,
        reason=reason,
        expected_version=expected_version,
    )
    _drop_open_consultation(actor=actor, agreement=agreement, reason=reason)
    flag_descendants_for_review(agreement, actor=actor, reason=why(agreement, reason))
    return agreement


@transaction.atomic
def agreement_expire(
    *, actor: Membership, agreement: Agreement, reason: str, expected_version: int | None = None
) -> Agreement:
    return _end(
        actor=actor,
        agreement=agreement,
        action=A.EXPIRE,
        reason=reason,
        expected_version=expected_version,
        why=lambda ended, _reason: f"{ended.title} expired.",
    )


@transaction.atomic
def agreement_withdraw(
    *, actor: Membership, agreement: Agreement, reason: str, expected_version: int | None = None
) -> Agreement:
    return _end(
        actor=actor,
        agreement=agreement,
        action=A.WITHDRAW,
        reason=reason,
        expected_version=expected_version,
        why=lambda ended, reason: f"{ended.title} was withdrawn: {reason}",
    )


def _drop_open_consultation(*, actor: Membership, agreement: Agreement, reason: str) -> None:
    # Nobody answers a consultation on an agreement that has ended.
    for consultation in ChangeConsultation.objects.filter(agreement=agreement, status="open"):
        consultation.status = "dropped"
        consultation.decided_by = actor
        consultation.decided_at = timezone.now()
        consultation.decision_reason = f"The agreement ended: {reason}"
        consultation._history_user = actor.user
        consultation.save()


def flag_descendants_for_review(agreement: Agreement, *, actor: Membership, reason: str) -> int:
    """Flag every agreement underneath this one (children, their children…) that has not ended,
    so that it is reviewed against the change. Returns how many were flagged."""
    flagged = 0
    now = timezone.now()
    level = [agreement.pk]
    seen = set(level)
    while level:
        children = list(Agreement.objects.filter(parent_id__in=level).exclude(pk__in=seen))
        level = [child.pk for child in children]
        seen.update(level)
        for child in children:
            if child.status in TERMINAL_STATUSES:
                continue
            write_agreement(child, actor=actor, review_flagged_at=now, review_flag_reason=reason)
            flagged += 1
    return flagged
