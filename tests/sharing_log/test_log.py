"""Reading the log: who sees which decisions, the keyset-paginated lists with their filters, the
chain of corrections, and the CSV export — each list at a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agreements.choices import InformationLevel
from partners.models import Membership
from partners.roles import Role
from sharing_log import selectors, services
from sharing_log.choices import Basis, Outcome
from sharing_log.models import SharingDecision
from sharing_log.selectors import DecisionFilters, decision_log
from sharing_log.services import RecipientSpec
from tests.factories import MembershipFactory
from tests.sharing_log.conftest import (
    draft,
    parent_consent,
    police_request,
    record,
)


def aggregate(log, actor, **changes):
    values = {
        "basis": Basis.PUBLIC_INTEREST,
        "consent_scope": None,
        "information_level": InformationLevel.AGGREGATE,
        "information_description": "Exclusions by year group.",
        **changes,
    }
    return record(log, actor, None, **values)


def public_interest(log, actor, child, **changes):
    return record(log, actor, child, basis=Basis.PUBLIC_INTEREST, consent_scope=None, **changes)


# --- Who sees what -------------------------------------------------------------------------------


def test_the_ig_officer_and_auditor_see_every_decision(log, child):
    ours = public_interest(log, log.senco, child)
    theirs = aggregate(
        log, log.nhs_practitioner, recipients=[RecipientSpec(organisation=log.police)]
    )

    for role in (Role.IG_OFFICER, Role.AUDITOR):
        assert set(selectors.decisions_visible_to(log.member(role))) == {ours, theirs}


def test_a_member_sees_what_their_organisation_made_or_received(log, child):
    made = aggregate(log, log.senco)
    received = aggregate(
        log, log.nhs_practitioner, recipients=[RecipientSpec(organisation=log.school)]
    )
    elsewhere = aggregate(
        log, log.nhs_practitioner, recipients=[RecipientSpec(organisation=log.police)]
    )

    visible = set(selectors.decisions_visible_to(log.practitioner))

    assert visible == {made, received}
    assert elsewhere not in visible
    with pytest.raises(Http404):
        selectors.decision_get_for(log.practitioner, elsewhere.public_id)


def test_a_decision_about_a_child_needs_the_child_visible(log, child):
    police_officer = MembershipFactory(
        tenant=log.partnership.tenant, organisation=log.police, role=Role.PRACTITIONER
    )
    # Received by the police, but waiting for approval: the police are not involved yet.
    decision = record(log, log.senco, child, **police_request(log, child))
    assert decision not in selectors.decisions_visible_to(police_officer)

    services.override_decide(
        actor=log.school_manager, decision=decision, outcome="approved", reasons="In order."
    )

    assert decision in selectors.decisions_visible_to(police_officer)


def test_the_deciding_organisations_manager_sees_its_decisions_about_children(log, child):
    decision = record(log, log.senco, child, **police_request(log, child))

    assert selectors.decision_get_for(log.school_manager, decision.public_id) == decision
    with pytest.raises(Http404):
        selectors.decision_get_for(log.council_manager, decision.public_id)


def test_missing_and_malformed_ids_are_the_same_404(log, child):
    for bad in ("00000000-0000-0000-0000-000000000000", "not-a-uuid"):
        with pytest.raises(Http404, match="No such sharing decision"):
            selectors.decision_get_for(log.officer, bad)


def test_another_partnership_sees_nothing(log, child, outsider):
    decision = public_interest(log, log.senco, child)

    with pytest.raises(Http404):
        selectors.decision_get_for(outsider, decision.public_id)


# --- Keyset pages -------------------------------------------------------------------------------


def decisions_at(log, actor, child, count: int, *, start: dt.datetime | None = None, **changes):
    start = start or timezone.now() - dt.timedelta(days=count + 1)
    return [
        public_interest(log, actor, child, decided_at=start + dt.timedelta(days=n), **changes)
        for n in range(count)
    ]


def test_pages_walk_newest_first_without_offsets(log, child):
    made = decisions_at(log, log.senco, child, 7)
    newest_first = list(reversed(made))

    first = decision_log(viewer=log.officer, limit=3)
    second = decision_log(viewer=log.officer, after=first.next_after, limit=3)
    third = decision_log(viewer=log.officer, after=second.next_after, limit=3)

    assert first.decisions == newest_first[:3]
    assert (first.has_previous, first.has_next) == (False, True)
    assert second.decisions == newest_first[3:6]
    assert (second.has_previous, second.has_next) == (True, True)
    assert third.decisions == newest_first[6:]
    assert third.has_next is False
    back = decision_log(viewer=log.officer, before=second.prev_before, limit=3)
    assert back.decisions == first.decisions
    assert back.has_previous is False
    assert decision_log(viewer=log.officer, before=third.prev_before, limit=3).decisions == (
        second.decisions
    )


def test_decisions_at_the_same_moment_are_paged_by_id(log, child):
    moment = timezone.now() - dt.timedelta(hours=1)
    made = [public_interest(log, log.senco, child, decided_at=moment) for _ in range(5)]

    first = decision_log(viewer=log.officer, limit=2)
    rest = decision_log(viewer=log.officer, after=first.next_after, limit=10)

    assert first.decisions + rest.decisions == sorted(made, key=lambda d: d.pk, reverse=True)


def walk_log(viewer, limit: int, **filters) -> list:
    """Every page of `viewer`'s log, following `next`, then back again following `previous`."""
    pages = [decision_log(viewer=viewer, filters=DecisionFilters(**filters), limit=limit)]
    while pages[-1].has_next:
        after = pages[-1].next_after
        pages.append(
            decision_log(
                viewer=viewer, filters=DecisionFilters(**filters), after=after, limit=limit
            )
        )
    forwards = [decision for page in pages for decision in page.decisions]
    backwards = list(pages[-1].decisions)
    page = pages[-1]
    while page.has_previous:
        page = decision_log(
            viewer=viewer, filters=DecisionFilters(**filters), before=page.prev_before, limit=limit
        )
        backwards = page.decisions + backwards
    assert backwards == forwards
    return forwards


def test_a_members_log_merges_what_their_organisation_made_and_received(log, child):
    # Each way of seeing decisions walks its own index; the pages merge them newest first.
    start = (timezone.now() - dt.timedelta(days=30)).replace(hour=12)
    made = [aggregate(log, log.senco, decided_at=start + dt.timedelta(days=n)) for n in (0, 2, 4)]
    received = [
        aggregate(
            log,
            log.nhs_practitioner,
            recipients=[
                RecipientSpec(organisation=log.school, person_name="Head teacher"),
                RecipientSpec(organisation=log.school, person_name="SENCo"),
            ],
            decided_at=start + dt.timedelta(days=n),
        )
        for n in (1, 3, 5)
    ]
    aggregate(
        log,
        log.nhs_practitioner,
        recipients=[RecipientSpec(organisation=log.police)],
        decided_at=start + dt.timedelta(days=6),
    )
    newest_first = [received[2], made[2], received[1], made[1], received[0], made[0]]

    for limit in (1, 2, 4, 50):
        assert walk_log(log.practitioner, limit) == newest_first
    assert walk_log(
        log.practitioner,
        2,
        decided_from=(start + dt.timedelta(days=1)).date(),
        decided_to=(start + dt.timedelta(days=4)).date(),
    ) == [made[2], received[1], made[1], received[0]]
    # The school's manager sees its decisions both as made there and as its approver: once.
    assert walk_log(log.school_manager, 2) == newest_first


def test_a_cursor_that_is_not_visible_is_a_404(log, child, outsider):
    decision = public_interest(log, log.senco, child)

    with pytest.raises(Http404):
        decision_log(viewer=log.elsewhere_practitioner, after=decision.public_id)


def test_filters(log, child):
    week_ago = timezone.now() - dt.timedelta(days=7)
    old = public_interest(log, log.senco, child, decided_at=week_ago)
    parent_consent(log.world, log.senco, child)
    on_consent = record(log, log.practitioner, child)
    not_shared = record(
        log,
        log.senco,
        child,
        outcome=Outcome.NOT_SHARE,
        basis="",
        will_reconsider=False,
        recipients=[RecipientSpec(organisation=log.nhs)],
    )
    aggregate_one = aggregate(log, log.senco, recipients=[RecipientSpec(organisation=log.police)])

    def shown(**filters):
        return set(decision_log(viewer=log.officer, filters=DecisionFilters(**filters)).decisions)

    assert shown() == {old, on_consent, not_shared, aggregate_one}
    assert shown(outcome=Outcome.NOT_SHARE) == {not_shared}
    assert shown(basis=Basis.CONSENT) == {on_consent}
    assert shown(recipient_organisation=log.police) == {aggregate_one}
    assert shown(recipient_organisation=log.nhs) == {not_shared}
    assert shown(decided_by=log.practitioner) == {on_consent}
    assert shown(subject=child) == {old, on_consent, not_shared}
    assert shown(organisation=log.school) == {old, on_consent, not_shared, aggregate_one}
    today = timezone.localdate()
    assert shown(decided_from=today) == {on_consent, not_shared, aggregate_one}
    assert shown(decided_to=today - dt.timedelta(days=1)) == {old}
    assert shown(recipient_organisation=log.council, decided_to=today - dt.timedelta(days=1)) == {
        old
    }


@pytest.mark.parametrize("role", [Role.IG_OFFICER, Role.AUDITOR])
def test_the_whole_log_pages_each_filter_newest_first_both_ways(log, child, role):
    """Those who see every decision walk the log by a statement of its own (selectors/keyset.py).
    Each filter's pages, followed older and then back newer, hold exactly the decisions that the
    filter's definition picks, newest first, a tie in time broken by the later id first."""
    moment = (timezone.now() - dt.timedelta(days=3)).replace(hour=9, minute=0, microsecond=0)
    yesterday = moment - dt.timedelta(days=1)
    police = [RecipientSpec(organisation=log.police, person_name="DC Jones")]
    parent_consent(log.world, log.senco, child)
    tied = [public_interest(log, log.senco, child, decided_at=moment) for _ in range(2)]
    aggregate(log, log.senco, recipients=police, decided_at=yesterday)
    aggregate(log, log.nhs_practitioner, recipients=police, decided_at=moment)
    record(log, log.practitioner, child, decided_at=yesterday)
    record(log, log.senco, child, outcome=Outcome.NOT_SHARE, basis="", will_reconsider=False)
    services.decision_supersede(
        actor=log.senco,
        decision=tied[0],
        draft=draft(log, child, basis=Basis.PUBLIC_INTEREST, consent_scope=None),
        reason="The support plan was not in fact sent.",
    )
    day = moment.date()
    cases = [
        ({}, {"superseded_by__isnull": True}),
        ({"current_only": False}, {}),
        ({"outcome": Outcome.NOT_SHARE}, {"outcome": Outcome.NOT_SHARE}),
        ({"basis": Basis.PUBLIC_INTEREST, "current_only": False}, {"basis": Basis.PUBLIC_INTEREST}),
        ({"subject": child}, {"subject": child, "superseded_by__isnull": True}),
        ({"organisation": log.nhs}, {"organisation": log.nhs}),
        ({"decided_by": log.practitioner}, {"decided_by": log.practitioner}),
        ({"recipient_organisation": log.police}, {"recipients__organisation": log.police}),
        (
            {"recipient_organisation": log.police, "decided_from": day},
            {"recipients__organisation": log.police, "decided_at__gte": moment},
        ),
        (
            {"decided_to": day - dt.timedelta(days=1), "current_only": False},
            {"decided_at__lt": moment - dt.timedelta(hours=9)},
        ),
    ]
    viewer = log.member(role)

    for filters, definition in cases:
        expected = list(
            SharingDecision.objects.filter(**definition).distinct().order_by("-decided_at", "-id")
        )
        assert expected, filters
        for limit in (1, 2, 50):
            assert walk_log(viewer, limit, **filters) == expected, (filters, limit)


def test_a_recipient_with_two_people_shows_the_decision_once(log, child):
    decision = aggregate(
        log,
        log.senco,
        recipients=[
            RecipientSpec(organisation=log.police, person_name="DC Jones"),
            RecipientSpec(organisation=log.police, person_name="DS Smith"),
        ],
    )
    page = decision_log(
        viewer=log.officer, filters=DecisionFilters(recipient_organisation=log.police)
    )

    assert page.decisions == [decision]


@pytest.mark.parametrize(
    "filters",
    [{}, {"recipient": True}, {"subject": True}],
    ids=["whole log", "by recipient", "by child"],
)
def test_a_page_takes_the_same_queries_however_long_the_log(
    log, child, filters, django_assert_num_queries
):
    def page():
        # As a request does: the member read afresh (what it keeps for one request goes with it).
        viewer = Membership.objects.get(pk=log.practitioner.pk)
        chosen = DecisionFilters(
            recipient_organisation=log.council if filters.get("recipient") else None,
            subject=child if filters.get("subject") else None,
        )
        first = decision_log(viewer=viewer, filters=chosen, limit=10)
        result = decision_log(viewer=viewer, filters=chosen, after=first.next_after, limit=10)
        for decision in result.decisions:
            [str(recipient) for recipient in decision.recipients.all()]
            selectors.override_status(decision)
            decision.decided_by.user.get_full_name()
            str(decision.subject)
        return result

    decisions_at(log, log.senco, child, 13)
    with CaptureQueriesContext(connection) as few:
        assert len(page().decisions) == 3
    decisions_at(log, log.senco, child, 30)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(page().decisions) == 10


# --- Corrections ----------------------------------------------------------------------------------


def test_a_correction_supersedes_and_the_list_shows_the_current_one(log, child):
    original = public_interest(log, log.senco, child)

    correction = services.decision_supersede(
        actor=log.practitioner,
        decision=original,
        draft=draft(
            log,
            child,
            basis=Basis.PUBLIC_INTEREST,
            consent_scope=None,
            information_description="Attendance this term only.",
        ),
        reason="The support plan was not in fact sent.",
    )

    assert correction.supersedes == original
    assert correction.supersede_reason == "The support plan was not in fact sent."
    assert decision_log(viewer=log.officer).decisions == [correction]
    assert set(
        decision_log(viewer=log.officer, filters=DecisionFilters(current_only=False)).decisions
    ) == {original, correction}
    assert selectors.decision_chain(viewer=log.officer, decision=original) == [original, correction]
    assert selectors.decision_chain(viewer=log.officer, decision=correction) == [
        original,
        correction,
    ]


def test_a_decision_is_corrected_once_and_only_by_its_organisation(log, child):
    original = public_interest(log, log.senco, child)
    new = draft(log, child, basis=Basis.PUBLIC_INTEREST, consent_scope=None)
    services.decision_supersede(actor=log.senco, decision=original, draft=new, reason="Typo.")

    with pytest.raises(ValidationError, match="corrected already"):
        services.decision_supersede(actor=log.senco, decision=original, draft=new, reason="Again.")
    with pytest.raises(PermissionDenied):
        services.decision_supersede(
            actor=log.nhs_practitioner, decision=original, draft=new, reason="Ours now."
        )
    with pytest.raises(ValidationError) as excinfo:
        services.decision_supersede(
            actor=log.senco,
            decision=original,
            draft=draft(log, None, basis=Basis.PUBLIC_INTEREST),
            reason="",
        )
    assert "supersede_reason" in excinfo.value.message_dict


# --- Export ---------------------------------------------------------------------------------------


def test_the_export_writes_one_row_per_decision_in_the_header_order(log, child):
    decision = record(log, log.senco, child, **police_request(log, child))

    [row] = list(selectors.decision_export_rows(viewer=log.officer, filters=DecisionFilters()))

    assert len(row) == len(selectors.EXPORT_HEADER)
    values = dict(zip(selectors.EXPORT_HEADER, row, strict=True))
    assert values["Decision id"] == str(decision.public_id)
    assert values["Legal basis"] == "Police request (Section 29(3) form)"
    assert values["Request reference"] == "S29-2026-0042"
    assert values["Override status"] == "Waiting for a designated manager"
    assert values["Recipients"] == "DC Jones, Kent Police"
    assert values["Chain hash"] == decision.chain_hash


def test_the_export_streams_at_a_constant_number_of_queries(
    log, child, django_assert_max_num_queries
):
    def exported() -> int:
        rows = selectors.decision_export_rows(viewer=log.officer, filters=DecisionFilters())
        return len(list(rows))

    decisions_at(log, log.senco, child, 3)
    with django_assert_max_num_queries(3):
        assert exported() == 3
    decisions_at(log, log.senco, child, 30)
    with django_assert_max_num_queries(3):
        assert exported() == 33
