"""The breaches' reminder sources, run one sweep at a time with the clock frozen, through the
Celery task as beat runs it (eagerly here; test_worker.py runs it through a real worker).

Every job is run twice: a second sweep the same day sends nothing new."""

import datetime as dt

import pytest

from breaches import services
from breaches.models import Milestone
from notifications import services as notification_services
from notifications.models import Notice, Reminder
from notifications.tasks import sweep_reminders
from partners.roles import Role
from tests.breaches.conftest import london, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def sweep(clock):
    def at(when):
        clock.move_to(when, tick=False)
        return sweep_reminders.delay().get()

    return at


def reminders(source=None):
    notices = Notice.objects.filter(dedup_key__startswith="reminder:")
    if source:
        keys = [f"reminder:{row.public_id}" for row in Reminder.objects.filter(source=source)]
        notices = notices.filter(dedup_key__in=keys)
    return notices


def sent(source):
    return sorted(
        Reminder.objects.filter(source=source, sent_at__isnull=False).values_list("kind", flat=True)
    )


def test_a_milestone_is_warned_due_overdue_and_escalated_each_once(world, breach, sweep):
    assert sweep(london(2026, 12, 18, 10, 0)) == {"sent": 0, "failed": 0}

    # Partners to be told by Tuesday 29 December: two working days before is Wednesday 23rd.
    assert sweep(london(2026, 12, 23, 8, 0)) == {"sent": 1, "failed": 0}
    assert sweep(london(2026, 12, 23, 15, 0)) == {"sent": 0, "failed": 0}
    warning = reminders().get()
    assert warning.recipient == world.council_manager
    assert warning.title.startswith("Due 29 December 2026: Partners notified — breach of ")
    assert warning.reason == (
        f"You are a manager of {world.council.name}, which is responsible for this step."
    )
    assert warning.link == f"/breaches/{breach.public_id}/"
    assert "wrong address" not in warning.body

    assert sweep(london(2026, 12, 29, 8, 0)) == {"sent": 1, "failed": 0}
    assert sweep(london(2026, 12, 29, 8, 15)) == {"sent": 0, "failed": 0}
    assert sweep(london(2026, 12, 30, 8, 0)) == {"sent": 1, "failed": 0}
    assert sweep(london(2026, 12, 31, 8, 0)) == {"sent": 0, "failed": 0}

    # Monday 4 January 2027: escalated to the IG officer, and the report is due in two days.
    assert sweep(london(2027, 1, 4, 8, 0)) == {"sent": 2, "failed": 0}
    assert sweep(london(2027, 1, 4, 17, 0)) == {"sent": 0, "failed": 0}
    escalated = reminders().get(title__startswith="Escalated")
    assert escalated.recipient == world.officer
    assert "escalated to you" in escalated.reason
    report_due = reminders().get(title__startswith="Due 6 January 2027: Breach report")
    assert report_due.recipient == world.school_manager

    assert sent("breaches.milestones") == [
        "due_soon",
        "due_soon",
        "due_today",
        "escalated",
        "overdue",
    ]
    assert reminders().count() == 5


def test_a_milestone_done_in_time_is_not_reminded(world, breach, sweep):
    sweep(london(2026, 12, 21, 9, 0))
    for organisation in (world.school, world.police, world.nhs):
        services.breach_partner_told(
            actor=world.council_manager,
            breach=breach,
            organisation=organisation,
            told_on=dt.date(2026, 12, 21),
            contact_name="IG lead",
            method="secure_email",
        )

    assert sweep(london(2026, 12, 23, 8, 0)) == {"sent": 0, "failed": 0}
    assert sweep(london(2026, 12, 30, 8, 0)) == {"sent": 0, "failed": 0}
    assert not reminders().exists()


def test_a_sweep_after_an_outage_sends_the_current_warning_only(world, breach, sweep):
    # No sweep ran between the 18th and New Year's Eve.
    assert sweep(london(2026, 12, 31, 10, 0)) == {"sent": 1, "failed": 0}

    assert sent("breaches.milestones") == ["overdue"]
    assert reminders().get().title.startswith("Overdue: Partners notified")


def test_an_organisation_with_no_manager_has_its_reminders_sent_to_the_ig_officers(world, sweep):
    report(world, organisation_in_breach=world.nhs)

    sweep(london(2027, 1, 4, 8, 0))

    due = reminders().get(title__startswith="Due 6 January 2027: Breach report")
    assert due.recipient == world.officer
    assert due.reason.startswith(f"Nobody at {world.nhs.name} is a manager")


def test_a_closed_or_withdrawn_breach_is_not_reminded(world, breach, sweep):
    services.breach_withdraw(actor=world.officer, breach=breach, reason="Not a breach after all")

    assert sweep(london(2027, 1, 4, 8, 0)) == {"sent": 0, "failed": 0}


def test_the_minutes_are_reminded_from_the_meetings_actual_date(world, breach, sweep, clock):
    clock.move_to(london(2027, 1, 11, 17, 0), tick=False)
    services.breach_meeting_held(actor=world.officer, breach=breach, held_on=dt.date(2027, 1, 11))
    Milestone.objects.filter(breach=breach, done_on__isnull=True).exclude(
        kind="minutes_circulated"
    ).update(done_on=dt.date(2027, 1, 5), evidence="Done")

    # Minutes due Monday 18 January 2027: warned on Thursday 14th, due that Monday.
    assert sweep(london(2027, 1, 14, 8, 0)) == {"sent": 1, "failed": 0}
    assert sweep(london(2027, 1, 18, 8, 0)) == {"sent": 1, "failed": 0}
    assert sent("breaches.milestones") == ["due_soon", "due_today"]
    assert {n.recipient for n in reminders()} == {world.council_manager}


def test_the_72_hour_assessment_is_warned_a_day_ahead_and_escalated_when_it_runs_out(
    world, sweep, clock
):
    clock.move_to(london(2026, 12, 18, 9, 30), tick=False)
    breach = report(
        world,
        identified_at=london(2026, 12, 18, 9, 0),
        personal_data_involved=True,
        personal_data_categories="Contact details",
    )

    assert sweep(london(2026, 12, 20, 8, 59)) == {"sent": 0, "failed": 0}
    assert sweep(london(2026, 12, 20, 9, 0)) == {"sent": 1, "failed": 0}
    assert sweep(london(2026, 12, 20, 9, 15)) == {"sent": 0, "failed": 0}
    warning = reminders("breaches.ico_assessment").get()
    assert warning.recipient == world.school_manager
    assert "09:00 on 21 December 2026" in warning.title

    assert sweep(london(2026, 12, 21, 9, 0)) == {"sent": 2, "failed": 0}
    assert sweep(london(2026, 12, 21, 9, 15)) == {"sent": 0, "failed": 0}
    assert {n.recipient for n in reminders("breaches.ico_assessment")} == {
        world.school_manager,
        world.officer,
    }
    assert sent("breaches.ico_assessment") == ["due_soon", "escalated", "overdue"]

    services.ico_assessment_decide(
        actor=world.school_manager,
        assessment=breach.ico_assessment,
        must_report=False,
        reasons="No risk: recalled unopened.",
        tell_people=False,
    )
    assert sweep(london(2026, 12, 22, 9, 0)) == {"sent": 0, "failed": 0}


def test_an_indemnity_response_is_reminded_like_a_milestone(world, sweep, clock):
    clock.move_to(london(2026, 12, 23, 12, 0), tick=False)
    event = services.indemnity_notify(
        actor=world.council_manager,
        agreement=world.agreement,
        suffering_partner=world.council,
        alleged_contributor=world.police,
        description="A claim has been received.",
        notified_on=dt.date(2026, 12, 23),
    )
    assert event.response_due_on == dt.date(2026, 12, 31)

    for when, expected in (
        (london(2026, 12, 29, 8, 0), 1),  # Due in two working days.
        (london(2026, 12, 29, 12, 0), 0),
        (london(2026, 12, 31, 8, 0), 1),  # Due today.
        (london(2027, 1, 4, 8, 0), 1),  # Overdue: the next working day.
        (london(2027, 1, 5, 8, 0), 0),
        (london(2027, 1, 6, 8, 0), 1),  # Escalated two working days later.
        (london(2027, 1, 6, 9, 0), 0),
    ):
        assert sweep(when) == {"sent": expected, "failed": 0}, when
    assert sent("breaches.indemnity") == ["due_soon", "due_today", "escalated", "overdue"]
    recipients = [n.recipient for n in reminders("breaches.indemnity").order_by("created_at")]
    assert recipients == [world.police_manager] * 3 + [world.officer]

    services.indemnity_record_response(
        actor=world.police_manager,
        event=event,
        responded_on=dt.date(2027, 1, 6),
        response="Late, but here is our response.",
    )
    assert sweep(london(2027, 1, 7, 8, 0)) == {"sent": 0, "failed": 0}


def test_a_sweep_killed_mid_run_then_run_again_sends_each_reminder_once(
    world, breach, sweep, monkeypatch
):
    class Killed(BaseException):
        """The worker dies: no except clause runs; only the open transaction rolls back."""

    # One reminder to a transaction, so the worker dies between the first and the second.
    monkeypatch.setattr(notification_services, "REMINDERS_PER_TRANSACTION", 1)
    real_notify_all = notification_services.notify_all
    calls = []

    def notify_then_die_on_the_second(messages):
        calls.append([message.dedup_key for message in messages])
        if len(calls) == 2:
            raise Killed
        return real_notify_all(messages)

    # Monday 4 January 2027, first sweep in a fortnight: partners notified overdue and escalated,
    # and the report due in two working days.
    with monkeypatch.context() as patch:
        patch.setattr(notification_services, "notify_all", notify_then_die_on_the_second)
        with pytest.raises(Killed):
            sweep(london(2027, 1, 4, 8, 0))
    assert reminders().count() == 1

    assert sweep(london(2027, 1, 4, 8, 15)) == {"sent": 2, "failed": 0}
    assert sweep(london(2027, 1, 4, 8, 30)) == {"sent": 0, "failed": 0}
    assert sent("breaches.milestones") == ["due_soon", "escalated", "overdue"]
    assert reminders().count() == 3
    assert len({n.dedup_key for n in reminders()}) == 3


def test_every_reminder_goes_to_people_of_the_breachs_own_partnership(
    world, breach, sweep, other_partnership
):
    sweep(london(2027, 1, 4, 8, 0))

    tenants = {n.recipient.tenant_id for n in reminders()}
    assert tenants == {world.partnership.tenant.pk}
    assert other_partnership.member(Role.IG_OFFICER) not in {n.recipient for n in reminders()}
