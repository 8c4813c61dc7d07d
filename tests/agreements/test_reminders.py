"""The agreements' reminder sources (agreements/reminders.py), through the sweep as beat runs it,
one iteration at a time with the clock frozen: agreement reviews due in 30 and 7 days and
overdue, and flagged; consultations closing, then closed by the non-response rule. Each sweep run
twice sends nothing new.

The partnership is the breaches tests' (tests/breaches/conftest.py): an agreement approved on
Friday 18 December 2026 and signed by the council, the school, the police and an NHS trust."""

import datetime as dt

import pytest

from agreements import services as agreement_services
from agreements.choices import Reply
from agreements.models import ChangeResponse
from agreements.services.lifecycle import flag_descendants_for_review
from notifications.models import Notice, Reminder
from notifications.tasks import sweep_reminders
from tests.agreements.conftest import make_active
from tests.breaches.conftest import FRIDAY_18_DECEMBER_2026, build_world, london

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(FRIDAY_18_DECEMBER_2026, tick=False)
    return time_machine


@pytest.fixture
def world(clock, in_tenant):
    return build_world(in_tenant)


@pytest.fixture
def sweep(clock):
    def at(when):
        clock.move_to(when, tick=False)
        return sweep_reminders.delay().get()

    return at


def sent(source):
    return sorted(
        Reminder.objects.filter(source=source, sent_at__isnull=False).values_list("kind", flat=True)
    )


def notices(source):
    keys = [f"reminder:{row.public_id}" for row in Reminder.objects.filter(source=source)]
    return Notice.objects.filter(dedup_key__in=keys)


# --- Agreement reviews ---------------------------------------------------------------------------


def test_a_review_is_reminded_30_and_7_days_ahead_and_when_overdue(world, sweep):
    # Approved on 18 December 2026: first review six months on, on 18 June 2027.
    assert world.agreement.next_review_date == dt.date(2027, 6, 18)

    assert sweep(london(2027, 5, 19, 7, 59)) == {"sent": 0, "failed": 0}
    assert sweep(london(2027, 5, 19, 8, 0)) == {"sent": 1, "failed": 0}
    assert sweep(london(2027, 5, 19, 12, 0)) == {"sent": 0, "failed": 0}
    assert sweep(london(2027, 6, 11, 8, 0)) == {"sent": 1, "failed": 0}
    assert sweep(london(2027, 6, 11, 9, 0)) == {"sent": 0, "failed": 0}
    assert sweep(london(2027, 6, 18, 9, 0)) == {"sent": 0, "failed": 0}
    assert sweep(london(2027, 6, 19, 8, 0)) == {"sent": 1, "failed": 0}
    assert sweep(london(2027, 6, 19, 9, 0)) == {"sent": 0, "failed": 0}

    assert sent("agreements.reviews") == ["due_30", "due_7", "overdue"]
    titles = [n.title for n in notices("agreements.reviews").order_by("created_at")]
    assert titles == [
        f"Review due in 30 days: {world.agreement.title}",
        f"Review due in 7 days: {world.agreement.title}",
        f"Review overdue: {world.agreement.title}",
    ]
    assert {n.recipient for n in notices("agreements.reviews")} == {world.officer}


def test_a_review_already_opened_is_not_warned_but_is_reminded_when_overdue(world, sweep, clock):
    sweep(london(2027, 5, 19, 8, 0))
    clock.move_to(london(2027, 6, 1, 10, 0), tick=False)
    agreement_services.agreement_start_review(
        actor=world.officer, agreement=world.agreement, reason="Six-month review"
    )

    assert sweep(london(2027, 6, 11, 8, 0)) == {"sent": 0, "failed": 0}
    assert sweep(london(2027, 6, 19, 8, 0)) == {"sent": 1, "failed": 0}
    assert sent("agreements.reviews") == ["due_30", "overdue"]


def test_an_agreement_flagged_for_review_is_reminded_once(world, sweep, clock):
    child = make_active(world.partnership, world.officer, parent=world.agreement)
    flag_descendants_for_review(
        world.agreement, actor=world.officer, reason="The agreement above it changed."
    )

    assert sweep(london(2026, 12, 18, 10, 15)) == {"sent": 1, "failed": 0}
    assert sweep(london(2026, 12, 18, 10, 30)) == {"sent": 0, "failed": 0}
    flagged = notices("agreements.reviews").get()
    assert flagged.title == f"Review needed: {child.title}"


# --- Consultations -------------------------------------------------------------------------------


@pytest.fixture
def consultation(world):
    """A change out to the four signatories until Thursday 31 December 2026."""
    return agreement_services.change_propose(
        actor=world.officer,
        agreement=world.agreement,
        summary="Shorter breach deadlines",
        details="Partners notified within three working days.",
        respond_by=dt.date(2026, 12, 31),
    )


def test_a_consultation_closing_reminds_the_partners_who_have_not_responded(
    world, consultation, sweep
):
    agreement_services.change_respond(
        actor=world.school_manager,
        consultation=consultation,
        organisation=world.school,
        reply=Reply.AGREE,
    )

    assert sweep(london(2026, 12, 28, 7, 0)) == {"sent": 0, "failed": 0}
    # Three days before the deadline, each silent signatory with a manager is reminded (the NHS
    # trust has none in Sharewell; the IG officer sees its silence in the tally).
    assert sweep(london(2026, 12, 28, 8, 0)) == {"sent": 2, "failed": 0}
    assert sweep(london(2026, 12, 29, 8, 0)) == {"sent": 0, "failed": 0}
    reminded = notices("agreements.consultations")
    assert {n.recipient for n in reminded} == {world.council_manager, world.police_manager}
    assert all("no response by then counts as agreement" in n.body for n in reminded)


def test_after_the_deadline_silence_is_recorded_as_agreement_and_the_officer_told_once(
    world, consultation, sweep
):
    agreement_services.change_respond(
        actor=world.police_manager,
        consultation=consultation,
        organisation=world.police,
        reply=Reply.OBJECT,
        comment="Three days is too short for us.",
    )
    assert sweep(london(2026, 12, 31, 18, 0)) == {"sent": 2, "failed": 0}  # Closing, late.
    assert not ChangeResponse.objects.filter(deemed=True).exists()

    assert sweep(london(2027, 1, 1, 8, 0)) == {"sent": 1, "failed": 0}
    assert sweep(london(2027, 1, 1, 8, 15)) == {"sent": 0, "failed": 0}

    deemed = ChangeResponse.objects.filter(consultation=consultation, deemed=True)
    assert sorted(r.organisation.name for r in deemed) == sorted(
        [world.council.name, world.school.name, world.nhs.name]
    )
    closed = notices("agreements.consultations").get(title__startswith="Consultation closed")
    assert closed.recipient == world.officer
    assert "3 agree (3 of them by not responding), 1 object" in closed.body
    # Once decided, nothing more is reminded.
    agreement_services.change_decide(
        actor=world.officer, consultation=consultation, approve=False, reason="Objection upheld"
    )
    assert sweep(london(2027, 1, 2, 8, 0)) == {"sent": 0, "failed": 0}
