"""The lifecycle: draft → consultation → active → under review → active again, or superseded,
expired, withdrawn. Only legal moves, each with who, when and why; an illegal move is refused
with a clear message and changes nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from agreements import selectors, services
from agreements.choices import AgreementAction, AgreementStatus, IcoHeading
from agreements.models import TRANSITIONS, Agreement, Purpose
from partners.roles import Role
from tests.agreements.conftest import make_active, make_draft

pytestmark = pytest.mark.django_db

A = AgreementAction
S = AgreementStatus
REASON = "Agreed at the partnership board"


def reach(status, partnership, officer) -> Agreement:
    """An agreement brought to `status` by legal moves only."""
    if status == S.DRAFT:
        return make_draft(partnership)
    if status == S.CONSULTATION:
        agreement = make_draft(partnership)
        services.agreement_circulate(actor=officer, agreement=agreement, reason=REASON)
        return agreement
    agreement = make_active(partnership, officer)
    if status == S.UNDER_REVIEW:
        services.agreement_start_review(actor=officer, agreement=agreement, reason="Annual")
    elif status == S.SUPERSEDED:
        newer = make_active(partnership, officer)
        services.agreement_supersede(
            actor=officer, agreement=agreement, superseded_by=newer, reason=REASON
        )
    elif status == S.EXPIRED:
        services.agreement_expire(actor=officer, agreement=agreement, reason=REASON)
    elif status == S.WITHDRAWN:
        services.agreement_withdraw(actor=officer, agreement=agreement, reason=REASON)
    return agreement


def perform(action, agreement, partnership, officer):
    if action == A.CIRCULATE:
        return services.agreement_circulate(actor=officer, agreement=agreement, reason=REASON)
    if action == A.RETURN_TO_DRAFT:
        return services.agreement_return_to_draft(actor=officer, agreement=agreement, reason=REASON)
    if action == A.APPROVE:
        return services.agreement_approve(actor=officer, agreement=agreement, reason=REASON)
    if action == A.START_REVIEW:
        return services.agreement_start_review(actor=officer, agreement=agreement, reason=REASON)
    if action == A.SUPERSEDE:
        newer = make_active(partnership, officer)
        return services.agreement_supersede(
            actor=officer, agreement=agreement, superseded_by=newer, reason=REASON
        )
    if action == A.EXPIRE:
        return services.agreement_expire(actor=officer, agreement=agreement, reason=REASON)
    if action == A.WITHDRAW:
        return services.agreement_withdraw(actor=officer, agreement=agreement, reason=REASON)
    raise AssertionError(action)


# Closing a review is made by completing it (test_reviews.py), not called on its own.
ACTIONS = [action for action in A if action != A.CLOSE_REVIEW]
MOVES = [(status, action) for status in S for action in ACTIONS]


def _complete_open_review(agreement, officer):
    review = agreement.reviews.get(completed_on__isnull=True)
    on = timezone.localdate()
    services.review_record_findings(actor=officer, review=review, reviewed_on=on, findings="Ok")
    services.review_report(actor=officer, review=review, reported_on=on)
    services.review_complete(
        actor=officer, review=review, implementation_plan="Update §3", changes_required=True
    )


@pytest.mark.parametrize(
    ("status", "action"), [m for m in MOVES if m[0] in TRANSITIONS[m[1]][0]], ids=str
)
def test_a_legal_move_is_made_and_recorded_with_who_when_and_why(
    in_tenant, officer, status, action
):
    agreement = reach(status, in_tenant, officer)
    if status == S.UNDER_REVIEW and action == A.APPROVE:
        _complete_open_review(agreement, officer)
    before = agreement.transitions.count()

    perform(action, agreement, in_tenant, officer)

    agreement.refresh_from_db()
    assert agreement.status == TRANSITIONS[action][1]
    move = agreement.transitions.order_by("at", "id").last()
    assert agreement.transitions.count() == before + 1
    assert (move.action, move.from_status, move.to_status) == (action, status, agreement.status)
    assert move.actor == officer
    assert move.reason == REASON
    assert move.at is not None
    latest = agreement.history.order_by("-history_date", "-history_id").first()
    assert latest.status == agreement.status
    assert latest.history_user == officer.user


@pytest.mark.parametrize(
    ("status", "action"), [m for m in MOVES if m[0] not in TRANSITIONS[m[1]][0]], ids=str
)
def test_an_illegal_move_is_refused_with_a_clear_message_and_changes_nothing(
    in_tenant, officer, status, action
):
    agreement = reach(status, in_tenant, officer)
    snapshot = Agreement.objects.values().get(pk=agreement.pk)
    moves = agreement.transitions.count()
    history = agreement.history.count()

    with pytest.raises(ValidationError) as refused:
        perform(action, agreement, in_tenant, officer)

    message = refused.value.messages[0]
    phrase = "a draft" if status == S.DRAFT else S(status).label.lower()
    assert message.startswith(f"You cannot {action.label} while the agreement is {phrase}.")
    assert Agreement.objects.values().get(pk=agreement.pk) == snapshot
    assert agreement.transitions.count() == moves
    assert agreement.history.count() == history


def test_the_message_names_the_moves_that_are_possible(in_tenant, officer, draft):
    with pytest.raises(ValidationError) as refused:
        services.agreement_approve(actor=officer, agreement=draft, reason=REASON)

    assert refused.value.messages == [
        "You cannot approve while the agreement is a draft. "
        "Possible now: send for consultation; withdraw."
    ]


def test_an_ended_agreement_can_do_nothing_more(in_tenant, officer, active):
    services.agreement_withdraw(actor=officer, agreement=active, reason="Replaced by law")

    with pytest.raises(ValidationError, match="It has ended: nothing more can be done"):
        services.agreement_start_review(actor=officer, agreement=active, reason="x")


def test_every_move_needs_a_reason(in_tenant, officer, draft):
    with pytest.raises(ValidationError) as refused:
        services.agreement_circulate(actor=officer, agreement=draft, reason="  ")

    assert "reason" in refused.value.message_dict
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


@pytest.mark.parametrize("role", [Role.MANAGER, Role.SENCO, Role.PRACTITIONER, Role.AUDITOR])
def test_only_the_ig_officer_moves_an_agreement(in_tenant, draft, role):
    with pytest.raises(PermissionDenied):
        services.agreement_circulate(actor=in_tenant.member(role), agreement=draft, reason="x")
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_approval_sets_the_version_number_and_the_document_dates(in_tenant, officer, draft):
    services.agreement_circulate(actor=officer, agreement=draft, reason="For comment")

    services.agreement_approve(
        actor=officer,
        agreement=draft,
        reason=REASON,
        approved_on=dt.date(2026, 7, 18),
        issued_on=dt.date(2026, 8, 1),
    )

    draft.refresh_from_db()
    assert draft.status == S.ACTIVE
    assert draft.document_version == 1
    assert draft.version_label == "V1.0"
    assert draft.approval_date == dt.date(2026, 7, 18)
    assert draft.issue_date == dt.date(2026, 8, 1)
    # Haringey 5.1: the first review six months after approval.
    assert draft.next_review_date == dt.date(2027, 1, 18)


@pytest.mark.parametrize(
    ("approved_on", "months", "first_review"),
    [
        (dt.date(2026, 8, 31), 6, dt.date(2027, 2, 28)),  # No 31 February: the month's last day.
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),  # A leap year.
        (dt.date(2025, 3, 31), 6, dt.date(2025, 9, 30)),
        (dt.date(2025, 2, 28), 12, dt.date(2026, 2, 28)),
    ],
)
def test_the_first_review_falls_n_calendar_months_after_approval(
    in_tenant, officer, approved_on, months, first_review
):
    agreement = make_draft(in_tenant, first_review_months=months)
    services.agreement_circulate(actor=officer, agreement=agreement, reason="For comment")

    services.agreement_approve(
        actor=officer, agreement=agreement, reason=REASON, approved_on=approved_on
    )

    agreement.refresh_from_db()
    assert agreement.next_review_date == first_review


def test_an_approval_date_in_the_future_is_refused(in_tenant, officer, draft):
    services.agreement_circulate(actor=officer, agreement=draft, reason="For comment")

    with pytest.raises(ValidationError):
        services.agreement_approve(
            actor=officer,
            agreement=draft,
            reason=REASON,
            approved_on=timezone.localdate() + dt.timedelta(days=1),
        )


def test_an_agreement_missing_a_required_heading_cannot_be_approved(in_tenant, officer, draft):
    Purpose.objects.filter(agreement=draft).delete()
    Agreement.objects.filter(pk=draft.pk).update(retention="", contact_point="")
    draft.refresh_from_db()
    services.agreement_circulate(actor=officer, agreement=draft, reason="For comment")

    with pytest.raises(ValidationError) as refused:
        services.agreement_approve(actor=officer, agreement=draft, reason=REASON)

    message = refused.value.messages[0]
    assert IcoHeading.PURPOSE.label.lower() in message
    assert IcoHeading.RIGHTS.label.lower() in message
    assert IcoHeading.GOVERNANCE.label.lower() in message
    assert IcoHeading.DATA_ITEMS.label.lower() not in message
    draft.refresh_from_db()
    assert (draft.status, draft.document_version) == (S.CONSULTATION, 0)


def test_a_re_approval_bumps_the_version_and_keeps_the_review_date_the_review_set(
    in_tenant, officer, active
):
    services.agreement_start_review(actor=officer, agreement=active, reason="Annual review")
    _complete_open_review(active, officer)
    active.refresh_from_db()
    review_date = active.next_review_date

    services.agreement_approve(actor=officer, agreement=active, reason="Version 2")

    active.refresh_from_db()
    assert (active.status, active.document_version) == (S.ACTIVE, 2)
    assert active.next_review_date == review_date


def test_an_agreement_under_review_is_not_approved_while_its_review_is_open(
    in_tenant, officer, active
):
    services.agreement_start_review(actor=officer, agreement=active, reason="Annual review")

    with pytest.raises(ValidationError, match="Complete the open review"):
        services.agreement_approve(actor=officer, agreement=active, reason="Version 2")
    active.refresh_from_db()
    assert (active.status, active.document_version) == (S.UNDER_REVIEW, 1)


def test_starting_a_review_opens_one_due_on_the_next_review_date(in_tenant, officer, active):
    review = services.agreement_start_review(actor=officer, agreement=active, reason="Due")

    assert review.due_on == active.next_review_date
    assert review.opened_by == officer


def test_a_superseded_agreement_names_the_newer_one_which_must_be_in_force(
    in_tenant, officer, active
):
    newer_draft = make_draft(in_tenant)
    with pytest.raises(ValidationError) as refused:
        services.agreement_supersede(
            actor=officer, agreement=active, superseded_by=newer_draft, reason=REASON
        )
    assert "superseded_by" in refused.value.message_dict

    newer = make_active(in_tenant, officer)
    services.agreement_supersede(
        actor=officer, agreement=active, superseded_by=newer, reason=REASON
    )
    active.refresh_from_db()
    assert (active.status, active.superseded_by) == (S.SUPERSEDED, newer)


def test_an_agreement_cannot_be_superseded_by_itself(in_tenant, officer, active):
    with pytest.raises(ValidationError):
        services.agreement_supersede(
            actor=officer, agreement=active, superseded_by=active, reason=REASON
        )


def test_a_move_made_from_a_stale_page_is_refused(in_tenant, officer, draft):
    services.agreement_circulate(actor=officer, agreement=draft, reason="For comment")
    seen = draft.version
    services.agreement_update(
        actor=officer, agreement=draft, expected_version=seen, security="Changed meanwhile"
    )

    with pytest.raises(services.ConcurrentEdit):
        services.agreement_approve(
            actor=officer, agreement=draft, reason=REASON, expected_version=seen
        )
    draft.refresh_from_db()
    assert draft.status == S.CONSULTATION


def test_two_people_approving_at_once_make_one_move(in_tenant, officer, draft):
    services.agreement_circulate(actor=officer, agreement=draft, reason="For comment")
    first_tab = Agreement.objects.get(pk=draft.pk)
    second_tab = Agreement.objects.get(pk=draft.pk)
    services.agreement_approve(actor=officer, agreement=first_tab, reason=REASON)

    with pytest.raises(services.ConcurrentEdit):
        services.agreement_approve(actor=officer, agreement=second_tab, reason=REASON)

    draft.refresh_from_db()
    assert draft.document_version == 1
    assert draft.transitions.filter(action=A.APPROVE).count() == 1


def _reapprove(officer, agreement):
    services.agreement_start_review(actor=officer, agreement=agreement, reason="Annual")
    _complete_open_review(agreement, officer)
    services.agreement_approve(actor=officer, agreement=agreement, reason="Section 3 rewritten")


def test_a_new_version_of_a_parent_flags_every_agreement_underneath(in_tenant, officer):
    parent = make_active(in_tenant, officer, title="Kent & Medway ISA")
    child = make_active(in_tenant, officer, title="SEND SOP", parent=parent)
    grandchild = make_draft(in_tenant, title="SEND appendix", parent=child)
    # The first approval of a parent flags nothing: nothing could rely on it before.
    child.refresh_from_db()
    assert child.review_flagged_at is None

    _reapprove(officer, parent)

    child.refresh_from_db()
    grandchild.refresh_from_db()
    assert child.review_flagged_at is not None
    assert grandchild.review_flagged_at is not None
    assert "Kent & Medway ISA version 2 was approved: Section 3 rewritten" in (
        child.review_flag_reason
    )
    assert child in selectors.agreements_due_for_review(on=timezone.localdate())
    flag = child.history.order_by("-history_date", "-history_id").first()
    assert flag.history_user == officer.user


@pytest.mark.parametrize("ending", ["withdraw", "expire"])
def test_a_parent_that_ends_flags_the_agreements_underneath(in_tenant, officer, ending):
    parent = make_active(in_tenant, officer)
    child = make_active(in_tenant, officer, parent=parent)

    getattr(services, f"agreement_{ending}")(actor=officer, agreement=parent, reason="Ended")

    child.refresh_from_db()
    assert child.review_flagged_at is not None


def test_agreements_fall_due_for_review_within_a_window_so_a_missed_day_catches_up(
    in_tenant, officer
):
    agreement = make_draft(in_tenant)
    services.agreement_circulate(actor=officer, agreement=agreement, reason="For comment")
    services.agreement_approve(
        actor=officer, agreement=agreement, reason=REASON, approved_on=dt.date(2026, 1, 10)
    )
    due = dt.date(2026, 7, 10)

    def listed(on, lead_days=0):
        return agreement in selectors.agreements_due_for_review(on=on, lead_days=lead_days)

    assert not listed(dt.date(2026, 7, 9))
    assert listed(dt.date(2026, 7, 9), lead_days=1)
    assert listed(due)
    assert listed(dt.date(2026, 8, 1))
    services.agreement_withdraw(actor=officer, agreement=agreement, reason="Gone")
    assert not listed(dt.date(2026, 8, 1))


def test_the_page_offers_the_ig_officer_the_moves_possible_now(in_tenant, officer, active):
    assert selectors.agreement_available_actions(viewer=officer, agreement=active) == [
        "start_review",
        "supersede",
        "expire",
        "withdraw",
    ]
    assert (
        selectors.agreement_available_actions(
            viewer=in_tenant.member(Role.MANAGER), agreement=active
        )
        == []
    )
