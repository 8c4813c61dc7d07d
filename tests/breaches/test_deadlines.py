"""Every deadline of a breach on dated cases: Haringey 6.1–6.6 in working days of the region
(day 0 is the day identified), the minutes from the meeting's actual date, the 72 clock hours of
a personal data breach, and four working days for an indemnity response."""

import datetime as dt

import pytest

from breaches.choices import MilestoneKind as K
from breaches.deadlines import (
    DUE_SOON,
    DUE_TODAY,
    ESCALATED,
    OVERDUE,
    BreachRules,
    clock_stages,
    ico_assessment_due_at,
    indemnity_response_due_on,
    milestone_due_dates,
    minutes_due_on,
    stages_reached,
    working_day_stages,
)
from partners.models import BankHolidayRegion, Tenant
from tests.breaches.conftest import london

EW = BankHolidayRegion.ENGLAND_AND_WALES
SCOTLAND = BankHolidayRegion.SCOTLAND
NI = BankHolidayRegion.NORTHERN_IRELAND
D = dt.date


def due(region, identified_on, **rules):
    return milestone_due_dates(BreachRules(region=region, **rules), identified_on)


@pytest.mark.parametrize(
    ("region", "identified_on", "notified", "report", "meeting"),
    [
        # A Friday: the fifth working day is the next Friday (Monday is day 1).
        (EW, D(2026, 11, 6), D(2026, 11, 13), D(2026, 11, 20), D(2026, 12, 4)),
        # Across Christmas 2026 and New Year 2027: Friday 25 December, Monday 28 December (Boxing
        # Day, substitute for the Saturday) and Friday 1 January are not working days.
        (EW, D(2026, 12, 18), D(2026, 12, 29), D(2027, 1, 6), D(2027, 1, 20)),
        # Scotland also keeps 2 January, on Monday 4 January 2027 (a substitute day).
        (SCOTLAND, D(2026, 12, 18), D(2026, 12, 29), D(2027, 1, 7), D(2027, 1, 21)),
        # Identified on Christmas Eve: day 1 is Tuesday 29 December.
        (EW, D(2026, 12, 24), D(2027, 1, 5), D(2027, 1, 12), D(2027, 1, 26)),
        # Identified on a bank holiday itself (Boxing Day observed): day 1 is the next working day.
        (EW, D(2026, 12, 28), D(2027, 1, 5), D(2027, 1, 12), D(2027, 1, 26)),
        # Easter 2027: Good Friday 26 March and Easter Monday 29 March in England and Wales...
        (EW, D(2027, 3, 24), D(2027, 4, 2), D(2027, 4, 9), D(2027, 4, 23)),
        # ...Good Friday only in Scotland...
        (SCOTLAND, D(2027, 3, 24), D(2027, 4, 1), D(2027, 4, 8), D(2027, 4, 22)),
        # ...and St Patrick's Day, 17 March, too in Northern Ireland.
        (NI, D(2027, 3, 16), D(2027, 3, 24), D(2027, 4, 2), D(2027, 4, 16)),
    ],
)
def test_milestones_count_working_days_of_the_region_from_the_day_identified(
    region, identified_on, notified, report, meeting
):
    assert due(region, identified_on) == {
        K.PARTNERS_NOTIFIED: notified,
        K.REPORT_DISTRIBUTED: report,
        K.MEETING_HELD: meeting,
        # The minutes count from the day the meeting is actually held.
        K.MINUTES_CIRCULATED: None,
    }


def test_the_agreements_own_numbers_of_working_days_are_used():
    dates = due(EW, D(2026, 12, 18), notify_days=3, report_days=7, meeting_days=15)

    assert dates[K.PARTNERS_NOTIFIED] == D(2026, 12, 23)
    assert dates[K.REPORT_DISTRIBUTED] == D(2026, 12, 31)
    assert dates[K.MEETING_HELD] == D(2027, 1, 13)


@pytest.mark.parametrize(
    ("held_on", "minutes_due"),
    [
        (D(2027, 1, 20), D(2027, 1, 27)),
        # A meeting held on Christmas Eve: minutes by Tuesday 5 January 2027.
        (D(2026, 12, 24), D(2027, 1, 5)),
        # Held the Thursday before Easter 2027: Good Friday and Easter Monday do not count.
        (D(2027, 3, 25), D(2027, 4, 5)),
    ],
)
def test_minutes_are_due_five_working_days_after_the_meeting_was_held(held_on, minutes_due):
    assert minutes_due_on(BreachRules(region=EW), held_on) == minutes_due


def test_the_72_hours_are_clock_hours_weekends_holidays_and_clock_changes_included():
    # Aware at noon on Good Friday 2027 (GMT). British Summer Time starts on Sunday 28 March,
    # so 72 hours later the clocks in London read 13:00 on Easter Monday.
    aware = london(2027, 3, 26, 12, 0)

    assert ico_assessment_due_at(aware) == london(2027, 3, 29, 13, 0)
    assert ico_assessment_due_at(aware) - aware == dt.timedelta(hours=72)
    # Over Christmas nothing pauses either.
    assert ico_assessment_due_at(london(2026, 12, 24, 16, 30)) == london(2026, 12, 27, 16, 30)


def test_a_naive_time_of_awareness_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        ico_assessment_due_at(dt.datetime(2026, 12, 18, 10, 0))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("region", "notified_on", "response_due"),
    [
        (EW, D(2026, 11, 18), D(2026, 11, 24)),
        (EW, D(2026, 12, 23), D(2026, 12, 31)),
        (EW, D(2027, 3, 25), D(2027, 4, 2)),
        (SCOTLAND, D(2027, 3, 25), D(2027, 4, 1)),
    ],
)
def test_an_indemnity_response_is_due_within_four_working_days(region, notified_on, response_due):
    assert indemnity_response_due_on(notified_on, region) == response_due


# --- When reminders fall due ---------------------------------------------------------------------

TENANT = Tenant(name="Any", slug="any", timezone="Europe/London")


def test_a_working_day_deadline_is_warned_due_overdue_and_escalated_on_working_days():
    # Partners to be told by Tuesday 29 December 2026.
    stages = {stage.kind: stage.at for stage in working_day_stages(D(2026, 12, 29), EW, TENANT)}

    assert stages == {
        DUE_SOON: london(2026, 12, 23, 8, 0),  # Two working days before: Christmas intervenes.
        DUE_TODAY: london(2026, 12, 29, 8, 0),
        OVERDUE: london(2026, 12, 30, 8, 0),  # The next working day.
        ESCALATED: london(2027, 1, 4, 8, 0),  # Two working days later, past New Year's Day.
    }


def test_a_later_warning_overtakes_an_earlier_one():
    stages = working_day_stages(D(2026, 12, 29), EW, TENANT)

    def kinds(until):
        return [stage.kind for stage in stages_reached(stages, until)]

    assert kinds(london(2026, 12, 23, 7, 59)) == []
    assert kinds(london(2026, 12, 23, 8, 0)) == [DUE_SOON]
    assert kinds(london(2026, 12, 29, 9, 0)) == [DUE_TODAY]
    assert kinds(london(2026, 12, 31, 9, 0)) == [OVERDUE]
    assert kinds(london(2027, 1, 4, 8, 0)) == [OVERDUE, ESCALATED]


def test_the_72_hour_clock_warns_a_day_ahead_and_escalates_when_it_runs_out():
    deadline = london(2026, 12, 21, 10, 0)
    stages = clock_stages(deadline)

    assert [s.kind for s in stages_reached(stages, deadline - dt.timedelta(hours=25))] == []
    assert [s.kind for s in stages_reached(stages, deadline - dt.timedelta(hours=24))] == [DUE_SOON]
    assert [s.kind for s in stages_reached(stages, deadline)] == [OVERDUE, ESCALATED]
