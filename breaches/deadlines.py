"""Every deadline of a breach, computed in one place from its dates and its snapshotted rules.

Haringey 6.1–6.6 count working days of the partnership's bank-holiday region from the day the
breach was identified (day 0; partners/working_days.py owns what a working day is): partners
notified within 5, the report distributed within 10, the partners' meeting held within 20, and
the minutes circulated within 5 after the day the meeting was actually held. The numbers are the
agreement's (`breach_*_days`), copied onto the breach when it is reported, so that a later edit
of the agreement or of the partnership's region does not move an open breach's deadlines.

A personal data breach is assessed for the ICO within 72 clock hours of becoming aware of it (UK
GDPR Article 33(1)): hours, not working days, and weekends count. An alleged contributor answers
an indemnity notice in writing within four working days of receiving it (Haringey 11.1(b)); that
number is the agreement's too (`breach_indemnity_response_days`), copied onto each breach.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from breaches.choices import MilestoneKind
from partners.reminders import reminder_at
from partners.working_days import add_working_days

K = MilestoneKind

ICO_ASSESSMENT_HOURS = 72
INDEMNITY_RESPONSE_DAYS = 4


@dataclass(frozen=True)
class BreachRules:
    """The deadline rules a breach is held to: working days and the region that defines them."""

    region: str
    notify_days: int = 5
    report_days: int = 10
    meeting_days: int = 20
    minutes_days: int = 5
    indemnity_response_days: int = INDEMNITY_RESPONSE_DAYS

    @classmethod
    def of_agreement(cls, agreement, *, region: str) -> BreachRules:
        return cls(
            region=region,
            notify_days=agreement.breach_notify_days,
            report_days=agreement.breach_report_days,
            meeting_days=agreement.breach_meeting_days,
            minutes_days=agreement.breach_minutes_days,
            indemnity_response_days=agreement.breach_indemnity_response_days,
        )

    @classmethod
    def of_breach(cls, breach) -> BreachRules:
        return cls(
            region=breach.region,
            notify_days=breach.notify_days,
            report_days=breach.report_days,
            meeting_days=breach.meeting_days,
            minutes_days=breach.minutes_days,
            indemnity_response_days=breach.indemnity_response_days,
        )

    def working_days(self, kind: str) -> int:
        return {
            K.PARTNERS_NOTIFIED: self.notify_days,
            K.REPORT_DISTRIBUTED: self.report_days,
            K.MEETING_HELD: self.meeting_days,
            K.MINUTES_CIRCULATED: self.minutes_days,
        }[kind]


def milestone_due_dates(rules: BreachRules, identified_on: date) -> dict[str, date | None]:
    """The due date of each milestone of a breach identified on `identified_on`. The minutes
    have none until the meeting has been held (they count from its actual date)."""
    return {
        K.PARTNERS_NOTIFIED: add_working_days(identified_on, rules.notify_days, rules.region),
        K.REPORT_DISTRIBUTED: add_working_days(identified_on, rules.report_days, rules.region),
        K.MEETING_HELD: add_working_days(identified_on, rules.meeting_days, rules.region),
        K.MINUTES_CIRCULATED: None,
    }


def minutes_due_on(rules: BreachRules, held_on: date) -> date:
    return add_working_days(held_on, rules.minutes_days, rules.region)


def ico_assessment_due_at(aware_at: datetime, hours: int = ICO_ASSESSMENT_HOURS) -> datetime:
    """72 clock hours after becoming aware. Python adds a timedelta to a local time on the wall
    clock, so the sum is taken in UTC: a change of the clocks in between neither gains nor loses
    an hour."""
    if timezone.is_naive(aware_at):
        raise ValueError("The time of becoming aware must carry its time zone.")
    return aware_at.astimezone(UTC) + timedelta(hours=hours)


def indemnity_response_due_on(
    notified_on: date, region: str, days: int = INDEMNITY_RESPONSE_DAYS
) -> date:
    return add_working_days(notified_on, days, region)


# --- When reminders fall due --------------------------------------------------------------------

DUE_SOON = "due_soon"
DUE_TODAY = "due_today"
OVERDUE = "overdue"
ESCALATED = "escalated"
# A working-day deadline is announced this many working days ahead, and escalated to the IG
# officers this many working days after it is first reported overdue.
WARN_WORKING_DAYS = 2
ESCALATE_AFTER_WORKING_DAYS = 2
# The 72-hour clock: a warning a day before, escalation the moment it runs out.
CLOCK_WARNING = timedelta(hours=24)


@dataclass(frozen=True)
class Stage:
    kind: str
    at: datetime


def working_day_stages(due_on: date, region: str, tenant) -> tuple[Stage, ...]:
    """Due in 2 working days, due today, overdue (the next working day) and escalated (2 working
    days after that), each at 08:00 of its day in the partnership's time."""
    return (
        Stage(DUE_SOON, reminder_at(add_working_days(due_on, -WARN_WORKING_DAYS, region), tenant)),
        Stage(DUE_TODAY, reminder_at(due_on, tenant)),
        Stage(OVERDUE, reminder_at(add_working_days(due_on, 1, region), tenant)),
        Stage(
            ESCALATED,
            reminder_at(add_working_days(due_on, 1 + ESCALATE_AFTER_WORKING_DAYS, region), tenant),
        ),
    )


def clock_stages(due_at: datetime) -> tuple[Stage, ...]:
    """24 hours left; run out (told to the organisation and escalated at once)."""
    return (
        Stage(DUE_SOON, due_at - CLOCK_WARNING),
        Stage(OVERDUE, due_at),
        Stage(ESCALATED, due_at),
    )


def stages_reached(stages: tuple[Stage, ...], until: datetime) -> list[Stage]:
    """The stages whose time has come by `until`, less a warning that a later warning has
    overtaken: once a deadline is due today, "due in 2 working days" is no longer sent (a sweep
    after an outage, or a deadline set late, sends the current warning only). Overdue and
    escalated both stand: they go to different people."""
    reached = [stage for stage in stages if stage.at <= until]
    kinds = {stage.kind for stage in reached}
    return [
        stage
        for stage in reached
        if not (stage.kind == DUE_SOON and kinds & {DUE_TODAY, OVERDUE})
        and not (stage.kind == DUE_TODAY and OVERDUE in kinds)
    ]
