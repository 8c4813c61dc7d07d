"""Reviews (Haringey 5.1–5.5) and audit requests between partners (5.9).

A review is opened by putting the agreement under review (`agreement_start_review`). Its
findings are reported in writing at the next partners' meeting or one calendar month after the
review, whichever is sooner; the partners approve an implementation plan whose actions have
owners and due dates. Completing the review sets the next review date (the agreement's review
interval after completion) and, when nothing needs to change, returns the agreement to active
without a new version; otherwise it stays under review until the new version is approved.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from agreements.choices import AgreementStatus, AuditRequestStatus
from agreements.models import Agreement, AuditRequest, Review, ReviewAction
from agreements.services._common import (
    long_date,
    require,
    require_reason,
    today,
    write_agreement,
)
from agreements.services.lifecycle import close_review, following_review_date
from partners.models import Membership, Organisation
from partners.roles import can

REPORT_WITHIN = relativedelta(months=1)
AUDIT_NOTICE = relativedelta(months=1)


def review_report_due(*, reviewed_on: date, next_meeting_on: date | None = None) -> date:
    """Haringey 5.3: at the next meeting of the partners or one calendar month after the
    review, whichever is sooner."""
    month_after = reviewed_on + REPORT_WITHIN
    if next_meeting_on and reviewed_on <= next_meeting_on < month_after:
        return next_meeting_on
    return month_after


def _require_open(review: Review) -> None:
    if not review.is_open:
        raise ValidationError("This review has been completed; it can no longer be changed.")


def _save(actor: Membership, obj) -> None:
    obj.full_clean()
    obj._history_user = actor.user
    obj.save()


def review_record_findings(
    *,
    actor: Membership,
    review: Review,
    reviewed_on: date,
    findings: str,
    reviewers: str = "",
    next_meeting_on: date | None = None,
) -> Review:
    require(actor, "agreements.manage")
    _require_open(review)
    if reviewed_on > today():
        raise ValidationError({"reviewed_on": "The review date cannot be in the future."})
    if not findings.strip():
        raise ValidationError({"findings": "Record what the review found."})
    review.reviewed_on = reviewed_on
    review.findings = findings.strip()
    review.reviewers = reviewers.strip()
    review.next_meeting_on = next_meeting_on
    review.report_due_on = review_report_due(
        reviewed_on=reviewed_on, next_meeting_on=next_meeting_on
    )
    if review.reported_on and review.reported_on < reviewed_on:
        review.reported_on = None
    _save(actor, review)
    return review


def review_report(*, actor: Membership, review: Review, reported_on: date) -> Review:
    """Record the date the findings were reported in writing (late reports are kept, and
    shown as late against `report_due_on`)."""
    require(actor, "agreements.manage")
    _require_open(review)
    if review.reviewed_on is None:
        raise ValidationError("Record the review's findings before its report.")
    if reported_on < review.reviewed_on:
        raise ValidationError({"reported_on": "The report cannot come before the review."})
    if reported_on > today():
        raise ValidationError({"reported_on": "The date cannot be in the future."})
    review.reported_on = reported_on
    _save(actor, review)
    return review


def review_action_add(
    *,
    actor: Membership,
    review: Review,
    description: str,
    owner_organisation: Organisation,
    owner_name: str,
    due_on: date,
) -> ReviewAction:
    require(actor, "agreements.manage")
    _require_open(review)
    if owner_organisation.tenant_id != review.tenant_id:
        raise ValidationError({"owner_organisation": "Choose an organisation of the partnership."})
    action = ReviewAction(
        tenant_id=review.tenant_id,
        review=review,
        description=description.strip(),
        owner_organisation=owner_organisation,
        owner_name=owner_name.strip(),
        due_on=due_on,
    )
    _save(actor, action)
    return action


def review_action_complete(
    *, actor: Membership, action: ReviewAction, completed_on: date | None = None
) -> ReviewAction:
    """Mark an implementation plan action done (it may be done after the review closed)."""
    require(actor, "agreements.manage")
    completed_on = completed_on or today()
    if completed_on > today():
        raise ValidationError({"completed_on": "The date cannot be in the future."})
    action.completed_on = completed_on
    _save(actor, action)
    return action


@transaction.atomic
def review_complete(
    *,
    actor: Membership,
    review: Review,
    implementation_plan: str,
    changes_required: bool,
    completed_on: date | None = None,
) -> Review:
    require(actor, "agreements.manage")
    _require_open(review)
    completed_on = completed_on or today()
    errors = {}
    if not review.findings or review.reviewed_on is None:
        errors["findings"] = "Record the review's findings first."
    if review.reported_on is None:
        errors["reported_on"] = "Record when the findings were reported in writing."
    if not implementation_plan.strip():
        errors["implementation_plan"] = (
            "Record the implementation plan the partners approved (or that none is needed)."
        )
    if completed_on > today():
        errors["completed_on"] = "The date cannot be in the future."
    elif review.reported_on and completed_on < review.reported_on:
        errors["completed_on"] = "A review is completed on or after its report."
    if errors:
        raise ValidationError(errors)
    claimed = Review.objects.filter(pk=review.pk, completed_on__isnull=True).update(
        completed_on=completed_on
    )
    if claimed != 1:
        raise ValidationError("This review has just been completed by someone else.")
    review.implementation_plan = implementation_plan.strip()
    review.changes_required = changes_required
    review.completed_on = completed_on
    review.completed_by = actor
    _save(actor, review)

    agreement: Agreement = review.agreement
    # Read afresh: the schedule may have been edited since the review was loaded.
    agreement.refresh_from_db()
    write_agreement(
        agreement,
        actor=actor,
        next_review_date=following_review_date(agreement, completed_on),
        review_flagged_at=None,
        review_flag_reason="",
    )
    if not changes_required and agreement.status == AgreementStatus.UNDER_REVIEW:
        close_review(
            actor=actor,
            agreement=agreement,
            reason=f"Review completed on {long_date(completed_on)} with no changes needed.",
        )
    return review


# --- Audit requests (Haringey 5.9) -------------------------------------------------------------


def audit_request_create(
    *,
    actor: Membership,
    agreement: Agreement,
    requesting_organisation: Organisation,
    auditor: str,
    scope: str,
    notice_given_on: date,
    starts_on: date,
    audited_organisation: Organisation | None = None,
) -> AuditRequest:
    """Ask the partners' help with an audit. They assist "as long as one month's notice is
    given in writing detailing the scope", so the audit starts a calendar month after notice
    at the earliest."""
    require(actor, "agreements.request_audit")
    if not can(actor, "agreements.manage") and actor.organisation_id != requesting_organisation.pk:
        raise PermissionDenied("You can only request an audit for your own organisation.")
    errors = {}
    for name, organisation in (
        ("requesting_organisation", requesting_organisation),
        ("audited_organisation", audited_organisation),
    ):
        if organisation is not None and organisation.tenant_id != agreement.tenant_id:
            errors[name] = "Choose an organisation of the partnership."
    if not scope.strip():
        errors["scope"] = "Detail the scope of the audit; the notice must say it."
    earliest = notice_given_on + AUDIT_NOTICE
    if starts_on < earliest:
        errors["starts_on"] = (
            "Partners must be given one month's written notice: with notice given on "
            f"{long_date(notice_given_on)}, the audit can start on {long_date(earliest)} "
            "at the earliest."
        )
    if errors:
        raise ValidationError(errors)
    request = AuditRequest(
        tenant_id=agreement.tenant_id,
        agreement=agreement,
        requesting_organisation=requesting_organisation,
        audited_organisation=audited_organisation,
        auditor=auditor.strip(),
        scope=scope.strip(),
        notice_given_on=notice_given_on,
        starts_on=starts_on,
        requested_by=actor,
    )
    _save(actor, request)
    return request


def _require_acts_for_request(actor: Membership, request: AuditRequest) -> None:
    require(actor, "agreements.request_audit")
    if not can(actor, "agreements.manage") and actor.organisation_id != (
        request.requesting_organisation_id
    ):
        raise PermissionDenied("Only the requesting organisation or the IG officer can close it.")


def audit_request_complete(
    *, actor: Membership, request: AuditRequest, outcome: str, completed_on: date | None = None
) -> AuditRequest:
    _require_acts_for_request(actor, request)
    if request.status != AuditRequestStatus.REQUESTED:
        raise ValidationError("This audit request has already been closed.")
    completed_on = completed_on or today()
    if completed_on < request.starts_on:
        raise ValidationError({"completed_on": "An audit is completed after it starts."})
    request.status = AuditRequestStatus.COMPLETED
    request.completed_on = completed_on
    request.outcome = require_reason(outcome, "outcome")
    _save(actor, request)
    return request


def audit_request_cancel(*, actor: Membership, request: AuditRequest, reason: str) -> AuditRequest:
    _require_acts_for_request(actor, request)
    if request.status != AuditRequestStatus.REQUESTED:
        raise ValidationError("This audit request has already been closed.")
    request.status = AuditRequestStatus.CANCELLED
    request.outcome = require_reason(reason)
    _save(actor, request)
    return request
