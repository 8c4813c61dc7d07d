"""The demo breaches of Kent & Medway (see partners/demo.py for the hook): one at every stage.

- a personal data breach identified 20 hours ago, inside its 72 hours, two partners told so far;
- one whose report is overdue (identified 14 working days ago, the partners told in time);
- one under the SEND procedure with its report distributed and the partners' meeting booked;
- one whose meeting was held two working days ago, with its minutes still to circulate, and an
  indemnity notice awaiting the alleged contributor's written response;
- one closed three months ago, reported to the ICO in time, its indemnity response received.

Built through the services, as the IG officer (and, under the SEND procedure, the designated
manager of the SEN service) would record them, with dates counted back from the day the seed
runs, so the demo always shows the same stages. Idempotent: a breach is found by its title and,
once there, left as it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from agreements.demo_data import ISA, SEND_SOP
from agreements.models import Agreement
from breaches import services
from breaches.models import BreachReport, Milestone
from partners.reminders import local_date, tenant_zone
from partners.working_days import add_working_days

PERSONAL_DATA_TITLE = "Pupil contact list sent to a parent's personal email (demo)"
OVERDUE_TITLE = "Referral form left on a shared printer (demo)"
MEETING_BOOKED_TITLE = "Nursery shared an EHC plan draft by ordinary email (demo)"
MINUTES_DUE_TITLE = "Case notes uploaded to the wrong school's folder (demo)"
CLOSED_TITLE = "Health summary faxed to a wrong number (demo)"


@dataclass
class _Clock:
    tenant: object
    today: dt.date

    def day(self, working_days_ago: int) -> dt.date:
        """That many working days before today (after it, when negative)."""
        return add_working_days(self.today, -working_days_ago, self.tenant.bank_holiday_region)

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tenant_zone(self.tenant))


def extend_demo(demo) -> None:
    if demo.key != "kent" or "ig_officer" not in demo.members:
        return
    isa = Agreement.objects.filter(title=ISA).first()
    sop = Agreement.objects.filter(title=SEND_SOP).first()
    if isa is None or sop is None:
        return
    clock = _Clock(demo.tenant, local_date(timezone.now(), demo.tenant))
    officer = demo.member("ig_officer")
    for title, build, agreement in (
        (CLOSED_TITLE, _closed, isa),
        (MINUTES_DUE_TITLE, _minutes_due, isa),
        (MEETING_BOOKED_TITLE, _meeting_booked, sop),
        (OVERDUE_TITLE, _overdue, isa),
        (PERSONAL_DATA_TITLE, _personal_data, isa),
    ):
        if not BreachReport.objects.filter(title=title).exists():
            build(demo, clock, officer, agreement)


def _report(demo, actor, agreement, title, reporter, in_breach, identified_at, **fields):
    return services.breach_report(
        actor=actor,
        agreement=agreement,
        title=title,
        reporting_organisation=demo.organisation(reporter),
        organisation_in_breach=demo.organisation(in_breach),
        identified_at=identified_at,
        description=fields.pop(
            "description", "What happened, how it was found and who was involved (demo)."
        ),
        containment=fields.pop("containment", "Recipient asked to delete it and confirmed."),
        **fields,
    )


def _tell_all(actor, breach, on: dt.date) -> None:
    for told in breach.partner_notifications.select_related("organisation"):
        services.breach_partner_told(
            actor=actor,
            breach=breach,
            organisation=told.organisation,
            told_on=on,
            contact_name=f"IG lead, {told.organisation.name}",
            method="secure_email",
        )


def _distribute(actor, breach, on: dt.date) -> None:
    services.breach_milestone_complete(
        actor=actor,
        milestone=Milestone.objects.get(breach=breach, kind="report_distributed"),
        done_on=on,
        evidence="Breach report with the actions taken sent by secure email to every partner.",
    )


def _hold_meeting(demo, actor, breach, clock: _Clock, held_on: dt.date) -> object:
    meeting = services.breach_meeting_held(
        actor=actor, breach=breach, held_on=held_on, chair="Priya Raman", location="Sessions House"
    )
    for key, name in (("council", "Priya Raman"), ("police", "Insp. Carla Dunn (demo)")):
        services.breach_meeting_add_attendee(
            actor=actor, meeting=meeting, organisation=demo.organisation(key), name=name
        )
    in_breach = breach.organisation_in_breach
    services.breach_meeting_add_attendee(
        actor=actor, meeting=meeting, organisation=in_breach, name=f"Head of {in_breach.name}"
    )
    services.breach_meeting_presented(
        actor=actor,
        meeting=meeting,
        presented_at=clock.at(held_on, 14, 0),
        presentation="Explained how it happened and the checks introduced since.",
    )
    services.breach_meeting_withdrew(
        actor=actor, meeting=meeting, withdrew_at=clock.at(held_on, 14, 20)
    )
    services.breach_action_add(
        actor=actor,
        breach=breach,
        description="Refresher training on secure sending for all office staff.",
        owner_organisation=in_breach,
        owner_name=f"Head of {in_breach.name}",
        due_on=held_on + dt.timedelta(days=28),
    )
    services.breach_meeting_decide(
        actor=actor,
        meeting=meeting,
        sanctions="A formal written warning; no further sanction.",
        deliberation="The partners accepted the report and the actions already taken.",
        decided_at=clock.at(held_on, 14, 40),
    )
    services.breach_meeting_recalled(
        actor=actor,
        meeting=meeting,
        recalled_at=clock.at(held_on, 14, 45),
        recall_notes="Told of the warning and the refresher training.",
    )
    services.breach_minutes_record(
        actor=actor,
        meeting=meeting,
        minutes_text="Present: the partners listed. The organisation in breach presented its "
        "report and withdrew. Agreed: refresher training; sanction: a formal written warning. "
        "The organisation was recalled and told.",
    )
    return meeting


def _personal_data(demo, clock: _Clock, officer, agreement) -> None:
    identified_at = timezone.now() - dt.timedelta(hours=20)
    breach = _report(
        demo,
        officer,
        agreement,
        PERSONAL_DATA_TITLE,
        "council",
        "academy",
        identified_at,
        personal_data_involved=True,
        personal_data_categories="Names, classes and parents' contact details",
        people_affected=28,
    )
    told_on = local_date(timezone.now(), demo.tenant)
    for key in ("police", "nhs_trust"):
        services.breach_partner_told(
            actor=officer,
            breach=breach,
            organisation=demo.organisation(key),
            told_on=told_on,
            contact_name="IG lead",
            method="telephone",
        )


def _overdue(demo, clock: _Clock, officer, agreement) -> None:
    identified = clock.day(14)
    breach = _report(
        demo, officer, agreement, OVERDUE_TITLE, "council", "police", clock.at(identified, 11)
    )
    _tell_all(officer, breach, clock.day(12))


def _meeting_booked(demo, clock: _Clock, officer, agreement) -> None:
    manager = demo.members.get("manager", officer)
    identified = clock.day(12)
    breach = _report(
        demo,
        manager,
        agreement,
        MEETING_BOOKED_TITLE,
        "sen_service",
        "nursery",
        clock.at(identified, 9, 30),
    )
    _tell_all(manager, breach, clock.day(10))
    _distribute(officer, breach, clock.day(4))
    services.breach_meeting_schedule(
        actor=manager,
        breach=breach,
        scheduled_for=clock.at(clock.day(-5), 10),
        location="Video call",
    )


def _minutes_due(demo, clock: _Clock, officer, agreement) -> None:
    identified = clock.day(19)
    breach = _report(
        demo,
        officer,
        agreement,
        MINUTES_DUE_TITLE,
        "council",
        "primary_school",
        clock.at(identified, 15),
    )
    _tell_all(officer, breach, clock.day(17))
    _distribute(officer, breach, clock.day(10))
    _hold_meeting(demo, officer, breach, clock, clock.day(2))
    services.indemnity_notify(
        actor=officer,
        agreement=agreement,
        breach=breach,
        suffering_partner=demo.organisation("council"),
        alleged_contributor=demo.organisation("primary_school"),
        description="A parent's solicitor has written about the case notes (demo).",
        notified_on=clock.day(1),
    )


def _closed(demo, clock: _Clock, officer, agreement) -> None:
    identified = clock.day(65)
    identified_at = clock.at(identified, 10)
    breach = _report(
        demo,
        officer,
        agreement,
        CLOSED_TITLE,
        "council",
        "nhs_trust",
        identified_at,
        personal_data_involved=True,
        personal_data_categories="Health summary of one child",
        special_category_data=True,
        people_affected=1,
    )
    assessment = services.ico_assessment_decide(
        actor=officer,
        assessment=breach.ico_assessment,
        must_report=True,
        reasons="Special category data of a child disclosed to an unknown recipient.",
        tell_people=True,
        tell_people_reasons="A risk to the child's privacy the family should know of.",
    )
    services.ico_assessment_reported(
        actor=officer,
        assessment=assessment,
        reported_at=identified_at + dt.timedelta(hours=30),
        ico_reference="IC-DEMO-0001",
    )
    services.ico_assessment_people_told(actor=officer, assessment=assessment, told_on=clock.day(64))
    _tell_all(officer, breach, clock.day(63))
    _distribute(officer, breach, clock.day(57))
    meeting = _hold_meeting(demo, officer, breach, clock, clock.day(47))
    services.breach_minutes_circulate(
        actor=officer,
        meeting=meeting,
        circulated_on=clock.day(44),
        circulated_to="every signatory's IG lead",
    )
    event = services.indemnity_notify(
        actor=officer,
        agreement=agreement,
        breach=breach,
        suffering_partner=demo.organisation("council"),
        alleged_contributor=demo.organisation("nhs_trust"),
        description="A complaint about the disclosure has been received (demo).",
        notified_on=clock.day(60),
    )
    services.indemnity_record_response(
        actor=officer,
        event=event,
        responded_on=clock.day(58),
        response="The trust accepts the facts and will co-operate with the response.",
    )
    services.breach_close(
        actor=officer, breach=breach, reason="Every step done; the actions are under way."
    )
