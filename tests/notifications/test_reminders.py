"""The reminder sweep: each reminder once, however often, late or interrupted the sweep runs.

A test source stands in for a domain app (agreement reviews, say); the sweep runs one iteration
at a time with the clock frozen, through the Celery task as beat would run it."""

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from notifications import services
from notifications.models import Notice, OutboxEmail, Reminder
from notifications.reminders import (
    DueReminder,
    register_reminder_source,
    reminder_sources,
    unregister_reminder_source,
)
from notifications.services import reminders_sweep
from notifications.tasks import sweep_reminders
from partners.tenancy import activate
from tests.conftest import build_partnership

MONDAY_9AM = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def review_due(membership, due_at, *, object_id=None, kind="review_due"):
    object_id = object_id or uuid.uuid4()
    return DueReminder(
        object_id=object_id,
        kind=kind,
        due_at=due_at,
        recipients=[membership],
        title="An agreement is due for review",
        body="The yearly review of the agreement is due.",
        link=f"/agreements/{object_id}/",
        reason="You are the IG officer of the partnership.",
    )


def review_due_to(memberships, due_at):
    reminder = review_due(memberships[0], due_at)
    return DueReminder(**{**reminder.__dict__, "recipients": memberships})


def sweep_at(when):
    with time_machine.travel(when, tick=False):
        return sweep_reminders.delay().get()


def notices():
    return Notice.objects.cross_tenant()


@pytest.mark.django_db
def test_a_due_reminder_is_sent_once_and_a_second_sweep_sends_nothing(partnership, reminder_source):
    officer = partnership.member("ig_officer")
    reminder_source.planned = [review_due(officer, MONDAY_9AM)]

    assert sweep_at(MONDAY_9AM) == {"sent": 1, "failed": 0}
    assert sweep_at(MONDAY_9AM) == {"sent": 0, "failed": 0}
    assert sweep_at(MONDAY_9AM + timedelta(minutes=15)) == {"sent": 0, "failed": 0}

    notice = notices().get()
    assert notice.recipient == officer
    assert notice.title == "An agreement is due for review"
    assert notice.reason == "You are the IG officer of the partnership."
    assert OutboxEmail.objects.cross_tenant().count() == 1
    row = Reminder.objects.cross_tenant().get()
    assert row.sent_at == MONDAY_9AM
    assert notice.dedup_key == f"reminder:{row.public_id}"


@pytest.mark.django_db
def test_a_reminder_waits_for_its_due_time(partnership, reminder_source):
    reminder_source.planned = [review_due(partnership.member("ig_officer"), MONDAY_9AM)]

    assert sweep_at(MONDAY_9AM - timedelta(minutes=1)) == {"sent": 0, "failed": 0}
    assert not Reminder.objects.cross_tenant().exists()
    assert sweep_at(MONDAY_9AM) == {"sent": 1, "failed": 0}


@pytest.mark.django_db
def test_a_missed_day_of_sweeps_catches_up(partnership, reminder_source):
    officer = partnership.member("ig_officer")
    monday, tuesday = (
        review_due(officer, MONDAY_9AM),
        review_due(officer, MONDAY_9AM + timedelta(days=1)),
    )
    wednesday = review_due(officer, MONDAY_9AM + timedelta(days=2))
    reminder_source.planned = [monday, tuesday, wednesday]

    # No sweep ran on Monday (the worker was down); the first is on Tuesday at 10:00.
    assert sweep_at(MONDAY_9AM + timedelta(days=1, hours=1)) == {"sent": 2, "failed": 0}

    assert {n.body for n in notices()} == {"The yearly review of the agreement is due."}
    assert set(Reminder.objects.cross_tenant().values_list("due_at", flat=True)) == {
        monday.due_at,
        tuesday.due_at,
    }
    assert sweep_at(MONDAY_9AM + timedelta(days=2)) == {"sent": 1, "failed": 0}
    assert notices().count() == 3


@pytest.mark.django_db
def test_a_sweep_killed_mid_run_then_run_again_sends_each_notice_once(
    partnership, reminder_source, monkeypatch
):
    class Killed(BaseException):
        """The worker dies: no except clause runs; only the open transaction rolls back."""

    officer = partnership.member("ig_officer")
    reminder_source.planned = [
        review_due(officer, MONDAY_9AM + timedelta(minutes=minute)) for minute in range(3)
    ]
    # Two reminders to a transaction: the first two go together, then the third.
    monkeypatch.setattr(services, "REMINDERS_PER_TRANSACTION", 2)
    real_notify_all = services.notify_all
    calls = []

    def notify_then_die_on_the_second(messages):
        calls.append([message.dedup_key for message in messages])
        if len(calls) == 2:
            # The third reminder's row is claimed (sent_at set) when this runs.
            assert Reminder.objects.filter(sent_at__isnull=False).count() == 3
            raise Killed
        return real_notify_all(messages)

    with monkeypatch.context() as patch:
        patch.setattr(services, "notify_all", notify_then_die_on_the_second)
        with pytest.raises(Killed):
            sweep_at(MONDAY_9AM + timedelta(hours=1))

    assert [len(keys) for keys in calls] == [2, 1]
    # The first transaction committed both its reminders; the dying claim rolled back with it.
    assert notices().count() == 2
    assert Reminder.objects.cross_tenant().filter(sent_at__isnull=True).count() == 1

    assert sweep_at(MONDAY_9AM + timedelta(hours=1, minutes=15)) == {"sent": 1, "failed": 0}
    assert sweep_at(MONDAY_9AM + timedelta(hours=1, minutes=30)) == {"sent": 0, "failed": 0}
    assert notices().count() == 3
    assert OutboxEmail.objects.cross_tenant().count() == 3
    assert len({n.dedup_key for n in notices()}) == 3


@pytest.mark.django_db
def test_one_reminder_that_cannot_be_sent_does_not_hold_back_the_others(
    partnership, other_partnership
):
    officer = partnership.member("ig_officer")
    good = [review_due(officer, MONDAY_9AM + timedelta(minutes=minute)) for minute in range(4)]
    # A buggy source hands the Haringey officer one of them, in the same transaction as the rest.
    stray = review_due(other_partnership.member("ig_officer"), MONDAY_9AM + timedelta(minutes=2))

    def buggy(*, tenant, until):
        return [*good[:2], stray, *good[2:]] if tenant == partnership.tenant else []

    register_reminder_source("tests.buggy", buggy)
    try:
        assert sweep_at(MONDAY_9AM + timedelta(hours=1)) == {"sent": 4, "failed": 1}
        assert sweep_at(MONDAY_9AM + timedelta(hours=2)) == {"sent": 0, "failed": 1}
    finally:
        unregister_reminder_source("tests.buggy")
    assert notices().count() == 4
    assert {notice.recipient for notice in notices()} == {officer}
    assert Reminder.objects.cross_tenant().filter(sent_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_a_sweep_costs_the_same_statements_for_twelve_reminders_of_a_transaction_as_for_two(
    partnership, reminder_source
):
    officer, manager = partnership.member("ig_officer"), partnership.member("manager")

    def statements_to_send(how_many, start):
        reminder_source.planned = [
            review_due_to([officer, manager], start + timedelta(minutes=minute))
            for minute in range(how_many)
        ]
        with activate(partnership.tenant), CaptureQueriesContext(connection) as queries:
            assert reminders_sweep(now=start + timedelta(hours=1)).sent == how_many
        return len(queries.captured_queries)

    two = statements_to_send(2, MONDAY_9AM)
    twelve = statements_to_send(12, MONDAY_9AM + timedelta(days=1))
    # The rows of a transaction are claimed together, in two statements however many.
    assert twelve == two
    assert notices().count() == 28
    assert OutboxEmail.objects.cross_tenant().count() == 28


@pytest.mark.django_db
def test_a_reminder_the_source_no_longer_gives_is_not_sent(partnership, reminder_source):
    officer = partnership.member("ig_officer")
    reviewed = review_due(officer, MONDAY_9AM)
    reminder_source.planned = [reviewed]

    # Something failed last time: the row was written but not sent.
    with activate(partnership.tenant):
        Reminder.objects.create(
            source="tests.reviews",
            object_id=reviewed.object_id,
            kind=reviewed.kind,
            due_at=reviewed.due_at,
        )
    # Then the review was done, so the source stops giving the reminder.
    reminder_source.planned = []

    assert sweep_at(MONDAY_9AM + timedelta(hours=1)) == {"sent": 0, "failed": 0}
    assert not notices().exists()


@pytest.mark.django_db
def test_a_later_due_time_for_the_same_object_is_a_new_reminder(partnership, reminder_source):
    officer = partnership.member("ig_officer")
    agreement = uuid.uuid4()
    reminder_source.planned = [review_due(officer, MONDAY_9AM, object_id=agreement)]
    sweep_at(MONDAY_9AM)

    # Reviewed, and the next review falls due a year later.
    next_year = MONDAY_9AM + timedelta(days=365)
    reminder_source.planned = [review_due(officer, next_year, object_id=agreement)]

    assert sweep_at(next_year) == {"sent": 1, "failed": 0}
    assert notices().count() == 2


@pytest.mark.django_db
def test_the_lead_sends_a_reminder_on_the_sweep_before_its_due_time(partnership):
    officer = partnership.member("ig_officer")
    planned = [review_due(officer, MONDAY_9AM)]
    asked = []

    def source(*, tenant, until):
        asked.append(until)
        return [reminder for reminder in planned if reminder.due_at <= until]

    register_reminder_source("tests.early", source, lead=timedelta(minutes=15))
    try:
        assert sweep_at(MONDAY_9AM - timedelta(minutes=20)) == {"sent": 0, "failed": 0}
        assert sweep_at(MONDAY_9AM - timedelta(minutes=5)) == {"sent": 1, "failed": 0}
    finally:
        unregister_reminder_source("tests.early")
    assert asked[-1] == MONDAY_9AM + timedelta(minutes=10)


@pytest.mark.django_db
def test_each_partnership_is_swept_with_its_own_tenant_active(
    partnership, other_partnership, reminder_source
):
    reminder_source.planned = [review_due(partnership.member("ig_officer"), MONDAY_9AM)]

    assert sweep_at(MONDAY_9AM) == {"sent": 1, "failed": 0}

    assert len(reminder_source.calls) == 2  # once per partnership
    assert notices().get().tenant == partnership.tenant


@pytest.mark.django_db
def test_a_source_may_not_remind_members_of_another_partnership(partnership, other_partnership):
    # A buggy source hands the Haringey officer a reminder about a Kent agreement.
    stray = review_due(other_partnership.member("ig_officer"), MONDAY_9AM)

    def buggy(*, tenant, until):
        return [stray] if tenant == partnership.tenant else []

    register_reminder_source("tests.buggy", buggy)
    try:
        assert sweep_at(MONDAY_9AM) == {"sent": 0, "failed": 1}
    finally:
        unregister_reminder_source("tests.buggy")
    assert not notices().exists()
    # Not marked sent: once the source is fixed, the right people still get the reminder.
    assert Reminder.objects.cross_tenant().get().sent_at is None


@pytest.mark.django_db
def test_one_broken_source_does_not_stop_the_others(partnership, reminder_source):
    def broken(*, tenant, until):
        raise RuntimeError("the agreements table is being migrated")

    reminder_source.planned = [review_due(partnership.member("ig_officer"), MONDAY_9AM)]
    register_reminder_source("tests.aaa-broken", broken)
    try:
        with activate(partnership.tenant):
            report = reminders_sweep(now=MONDAY_9AM)
    finally:
        unregister_reminder_source("tests.aaa-broken")

    assert (report.sent, report.failed) == (1, 1)


def test_a_source_name_is_registered_once():
    def one(*, tenant, until):
        return []

    def another(*, tenant, until):
        return []

    register_reminder_source("tests.once", one)
    try:
        register_reminder_source("tests.once", one)  # ready() running twice is harmless
        with pytest.raises(ImproperlyConfigured):
            register_reminder_source("tests.once", another)
        assert [s.function for s in reminder_sources() if s.name == "tests.once"] == [one]
    finally:
        unregister_reminder_source("tests.once")


def test_two_sweeps_at_once_send_each_reminder_once(concurrent_writers):
    partnership = build_partnership("Kent and Medway")
    officer = partnership.member("ig_officer")
    planned = [review_due(officer, MONDAY_9AM + timedelta(minutes=m)) for m in range(10)]
    # Both sweeps have the same reminders in hand before either claims one.
    both_have_asked = threading.Barrier(2)

    def source(*, tenant, until):
        both_have_asked.wait(timeout=10)
        return planned

    register_reminder_source("tests.race", source)
    reports, errors = [], []

    def sweeper():
        try:
            with activate(partnership.tenant):
                reports.append(reminders_sweep(now=MONDAY_9AM + timedelta(hours=1)))
        except Exception as exc:  # Reported below; a thread's exception is otherwise lost.
            errors.append(exc)
        finally:
            connections.close_all()

    try:
        threads = [threading.Thread(target=sweeper) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        unregister_reminder_source("tests.race")

    assert errors == []
    assert sum(report.failed for report in reports) == 0
    assert sum(report.sent for report in reports) == 10
    assert notices().count() == 10
    assert OutboxEmail.objects.cross_tenant().count() == 10
