"""Reviews (Haringey 5.1–5.5) and audit requests (5.9)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from agreements import selectors, services
from agreements.choices import AgreementStatus, AuditRequestStatus
from agreements.models import Agreement, Review
from partners.roles import Role
from tests.agreements.conftest import make_active

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 9, 30, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("reviewed_on", "next_meeting_on", "due"),
    [
        (dt.date(2026, 3, 10), None, dt.date(2026, 4, 10)),
        (dt.date(2026, 1, 31), None, dt.date(2026, 2, 28)),  # One calendar month, at month end.
        (dt.date(2028, 1, 31), None, dt.date(2028, 2, 29)),
        (dt.date(2026, 3, 10), dt.date(2026, 3, 24), dt.date(2026, 3, 24)),  # Meeting sooner.
        (dt.date(2026, 3, 10), dt.date(2026, 5, 1), dt.date(2026, 4, 10)),  # Month sooner.
        (dt.date(2026, 3, 10), dt.date(2026, 3, 1), dt.date(2026, 4, 10)),  # A past meeting.
    ],
)
def test_findings_are_reported_at_the_next_meeting_or_within_a_month_whichever_is_sooner(
    reviewed_on, next_meeting_on, due
):
    assert (
        services.review_report_due(reviewed_on=reviewed_on, next_meeting_on=next_meeting_on) == due
    )


@pytest.fixture
def under_review(in_tenant, officer):
    with time_machine.travel(dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC), tick=False):
        agreement = make_active(in_tenant, officer)
    with time_machine.travel(TODAY, tick=False):
        review = services.agreement_start_review(
            actor=officer, agreement=agreement, reason="Six-month review (5.1)"
        )
    return agreement, review


def test_a_review_is_due_on_the_next_review_date(in_tenant, under_review):
    agreement, review = under_review

    # Approved 15 January 2026: first review six months on.
    assert review.due_on == dt.date(2026, 7, 15)
    assert agreement.status == AgreementStatus.UNDER_REVIEW


def finish(officer, review, *, changes_required, completed_on=dt.date(2026, 8, 31)):
    services.review_record_findings(
        actor=officer,
        review=review,
        reviewed_on=dt.date(2026, 8, 3),
        findings="Partners share through secure email only; one breach reported late.",
        reviewers="Officers agreed by the partners",
    )
    services.review_report(actor=officer, review=review, reported_on=dt.date(2026, 8, 20))
    return services.review_complete(
        actor=officer,
        review=review,
        implementation_plan="Remind partners of the five-day breach rule.",
        changes_required=changes_required,
        completed_on=completed_on,
    )


def test_a_review_with_no_changes_returns_the_agreement_to_active_with_its_next_date(
    in_tenant, officer, under_review
):
    agreement, review = under_review

    with time_machine.travel(TODAY, tick=False):
        finish(officer, review, changes_required=False)

    agreement.refresh_from_db()
    review.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE
    assert agreement.document_version == 1
    # Reviewed annually thereafter (5.1): twelve calendar months after completion.
    assert agreement.next_review_date == dt.date(2027, 8, 31)
    assert review.report_due_on == dt.date(2026, 9, 3)
    assert not review.reported_late
    move = agreement.transitions.last()
    assert (move.action, move.actor) == ("close_review", officer)


@pytest.mark.parametrize(
    ("interval", "completed_on", "next_review"),
    [
        (6, dt.date(2026, 8, 31), dt.date(2027, 2, 28)),
        (12, dt.date(2026, 8, 31), dt.date(2027, 8, 31)),
        (1, dt.date(2026, 8, 31), dt.date(2026, 9, 30)),
        (18, dt.date(2026, 8, 31), dt.date(2028, 2, 29)),
    ],
)
def test_completing_a_review_sets_the_next_review_date_by_calendar_months(
    in_tenant, officer, under_review, interval, completed_on, next_review
):
    agreement, review = under_review
    Agreement.objects.filter(pk=agreement.pk).update(review_interval_months=interval)

    with time_machine.travel(TODAY, tick=False):
        finish(officer, review, changes_required=False, completed_on=completed_on)

    agreement.refresh_from_db()
    assert agreement.next_review_date == next_review


def test_a_review_needing_changes_keeps_the_agreement_under_review_until_approved(
    in_tenant, officer, under_review
):
    agreement, review = under_review
    with time_machine.travel(TODAY, tick=False):
        finish(officer, review, changes_required=True)
        agreement.refresh_from_db()
        assert agreement.status == AgreementStatus.UNDER_REVIEW

        services.agreement_approve(actor=officer, agreement=agreement, reason="Version 2")

    agreement.refresh_from_db()
    assert (agreement.status, agreement.document_version) == (AgreementStatus.ACTIVE, 2)
    assert agreement.next_review_date == dt.date(2027, 8, 31)


def test_a_review_is_completed_only_with_findings_a_report_and_a_plan(
    in_tenant, officer, under_review
):
    agreement, review = under_review

    with time_machine.travel(TODAY, tick=False), pytest.raises(ValidationError) as refused:
        services.review_complete(
            actor=officer, review=review, implementation_plan="", changes_required=False
        )

    assert set(refused.value.message_dict) == {"findings", "reported_on", "implementation_plan"}
    review.refresh_from_db()
    assert review.is_open
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.UNDER_REVIEW


def test_a_late_report_is_kept_and_shown_late(in_tenant, officer, under_review):
    _, review = under_review
    with time_machine.travel(TODAY, tick=False):
        services.review_record_findings(
            actor=officer, review=review, reviewed_on=dt.date(2026, 7, 1), findings="x"
        )
        services.review_report(actor=officer, review=review, reported_on=dt.date(2026, 9, 1))

    review.refresh_from_db()
    assert review.report_due_on == dt.date(2026, 8, 1)
    assert review.reported_late


def test_the_implementation_plan_has_actions_with_owners_and_due_dates(
    in_tenant, officer, under_review
):
    agreement, review = under_review
    with time_machine.travel(TODAY, tick=False):
        action = services.review_action_add(
            actor=officer,
            review=review,
            description="Re-issue the secure email guidance",
            owner_organisation=in_tenant.school,
            owner_name="School business manager",
            due_on=dt.date(2026, 10, 31),
        )
        with pytest.raises(ValidationError) as refused:
            services.review_action_add(
                actor=officer,
                review=review,
                description="No owner",
                owner_organisation=in_tenant.school,
                owner_name="",
                due_on=dt.date(2026, 10, 31),
            )
        assert "owner_name" in refused.value.message_dict

    assert selectors.review_actions_overdue(on=dt.date(2026, 11, 1)).get() == action
    services.review_action_complete(actor=officer, action=action, completed_on=dt.date(2026, 10, 1))
    assert not selectors.review_actions_overdue(on=dt.date(2026, 11, 1)).exists()
    assert list(selectors.agreement_reviews(agreement=agreement)[0].actions.all()) == [action]


def test_completing_a_review_clears_a_flag_raised_by_a_parent(in_tenant, officer, under_review):
    agreement, review = under_review
    Agreement.objects.filter(pk=agreement.pk).update(
        review_flagged_at=TODAY, review_flag_reason="Parent changed"
    )

    with time_machine.travel(TODAY, tick=False):
        finish(officer, review, changes_required=False)

    agreement.refresh_from_db()
    assert agreement.review_flagged_at is None


def test_only_one_review_is_open_at_a_time(in_tenant, under_review):
    agreement, _ = under_review
    assert Review.objects.filter(agreement=agreement, completed_on__isnull=True).count() == 1


# --- Audit requests ----------------------------------------------------------------------------


def request_audit(actor, agreement, organisation, notice, starts):
    return services.audit_request_create(
        actor=actor,
        agreement=agreement,
        requesting_organisation=organisation,
        auditor="Internal audit",
        scope="Compliance with sections 4 and 7 of the protocol",
        notice_given_on=notice,
        starts_on=starts,
    )


@pytest.mark.parametrize(
    ("notice", "earliest"),
    [
        (dt.date(2026, 3, 10), dt.date(2026, 4, 10)),
        (dt.date(2026, 1, 31), dt.date(2026, 2, 28)),
    ],
)
def test_an_audit_needs_one_months_written_notice(in_tenant, officer, active, notice, earliest):
    with pytest.raises(ValidationError) as refused:
        request_audit(officer, active, in_tenant.council, notice, earliest - dt.timedelta(days=1))
    assert "one month's written notice" in refused.value.message_dict["starts_on"][0]

    request = request_audit(officer, active, in_tenant.council, notice, earliest)

    assert request.status == AuditRequestStatus.REQUESTED
    assert request.requested_by == officer


def test_a_manager_requests_an_audit_for_their_own_organisation_only(in_tenant, active):
    manager = in_tenant.member(Role.MANAGER)  # At the council.
    notice, starts = dt.date(2026, 3, 1), dt.date(2026, 4, 1)

    with pytest.raises(PermissionDenied):
        request_audit(manager, active, in_tenant.school, notice, starts)
    request = request_audit(manager, active, in_tenant.council, notice, starts)
    with pytest.raises(PermissionDenied):
        request_audit(in_tenant.member(Role.AUDITOR), active, in_tenant.council, notice, starts)

    services.audit_request_complete(
        actor=manager, request=request, outcome="No findings", completed_on=dt.date(2026, 5, 1)
    )
    request.refresh_from_db()
    assert request.status == AuditRequestStatus.COMPLETED
    with pytest.raises(ValidationError):
        services.audit_request_cancel(actor=manager, request=request, reason="Too late")
