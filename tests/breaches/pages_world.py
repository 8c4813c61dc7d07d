"""Breaches in every state a page deals with, for the page tests and the authorization matrix.

Under the partnership's agreement (owned by the council, signed by the council, the school, the
police and an NHS trust; tests/breaches/conftest.py), the council's manager reports a personal
data breach by the school, identified now: the NHS trust has been told, the police not yet; the
school's report is distributed with a PDF as evidence; the partners' meeting has been held with
the school attending, and its minutes uploaded; an agreed action is owned by the school; and the
council has given the school an indemnity notice, answered with a document.

The council's manager reported the breach and convenes the meeting (the council owns the
agreement), so records most of its steps; the school's steps (distributing its report) are the
school's and the IG officer's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from breaches import services
from breaches.choices import MilestoneKind as K
from breaches.models import (
    AgreedAction,
    BreachMeeting,
    BreachReport,
    IndemnityEvent,
    Milestone,
    PartnerNotification,
)
from partners.reminders import local_date
from partners.tenancy import activate
from tests.breaches.conftest import World, report
from tests.breaches.conftest import build_world as build_breach_world

PDF = b"%PDF-1.4\n% a test document\n"


def pdf(name: str = "document.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@dataclass
class PagesWorld:
    world: World
    breach: BreachReport
    told: PartnerNotification  # the NHS trust, told
    untold: PartnerNotification  # the police, not told yet
    distributed: Milestone  # the school's report, with a PDF as evidence
    meeting: BreachMeeting
    action: AgreedAction
    event: IndemnityEvent


def build_pages_world(partnership) -> PagesWorld:
    with activate(partnership.tenant):
        world = build_breach_world(partnership)
        officer = world.officer
        breach = report(
            world,
            identified_at=timezone.now() - dt.timedelta(minutes=5),
            personal_data_involved=True,
            personal_data_categories="Names and contact details",
            people_affected=3,
        )
        today = local_date(timezone.now(), partnership.tenant)
        told = services.breach_partner_told(
            actor=officer,
            breach=breach,
            organisation=world.nhs,
            told_on=today,
            contact_name="IG lead",
            method="secure_email",
        )
        untold = PartnerNotification.objects.get(breach=breach, organisation=world.police)
        distributed = services.breach_milestone_complete(
            actor=officer,
            milestone=Milestone.objects.get(breach=breach, kind=K.REPORT_DISTRIBUTED),
            done_on=today,
            evidence="Sent by secure email to every partner.",
            evidence_file=pdf("report.pdf"),
        )
        meeting = services.breach_meeting_held(
            actor=officer, breach=breach, held_on=today, chair="Priya Raman"
        )
        services.breach_meeting_add_attendee(
            actor=officer, meeting=meeting, organisation=world.school, name="Helen Ashby"
        )
        services.breach_minutes_record(
            actor=officer, meeting=meeting, minutes_file=pdf("minutes.pdf")
        )
        # Written directly: agreeing an action needs the meeting's steps up to deliberation.
        action = AgreedAction.objects.create(
            tenant=partnership.tenant,
            breach=breach,
            description="Check every address before sending.",
            owner_organisation=world.school,
            owner_name="Helen Ashby",
            due_on=today + dt.timedelta(days=28),
        )
        event = services.indemnity_notify(
            actor=officer,
            agreement=world.agreement,
            breach=breach,
            suffering_partner=world.council,
            alleged_contributor=world.school,
            description="A parent's solicitor has written to the council.",
            notified_on=today,
        )
        services.indemnity_record_response(
            actor=officer,
            event=event,
            responded_on=today,
            response="The school accepts the facts.",
            response_file=pdf("response.pdf"),
        )
    return PagesWorld(world, breach, told, untold, distributed, meeting, action, event)
