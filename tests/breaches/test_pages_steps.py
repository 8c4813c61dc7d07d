"""Each step of a breach recorded on its own page through its own service: telling the
partners, distributing the report with a document served only to those who see the breach, the
meeting step by step, the ICO decision and report, an indemnity notice and its response, closing
and withdrawing; and the indemnity response period, the agreement's, kept on the breach.

The clock is frozen on Friday 18 December 2026 (tests/breaches/conftest.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from breaches import services
from breaches.choices import MilestoneKind as K
from breaches.models import (
    IcoAssessment,
    IndemnityEvent,
    PartnerNotification,
)
from partners.roles import Role
from partners.security.models import AccessEvent
from tests.agreements.page_helpers import date_parts, visible_text
from tests.breaches.conftest import london, report
from tests.breaches.page_helpers import milestone, url
from tests.breaches.pages_world import PDF
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


# --- Steps, each on its own page ----------------------------------------------------------------


def test_telling_every_partner_meets_the_first_milestone(world, breach, clients):
    client = clients[Role.MANAGER]  # The council reported it.
    for organisation in (world.school, world.police, world.nhs):
        told = PartnerNotification.objects.get(breach=breach, organisation=organisation)
        response = client.post(
            url("breach_partner_told", told),
            {
                **date_parts("told_on", dt.date(2026, 12, 18)),
                "contact_name": f"IG lead at {organisation.name}",
                "method": "secure_email",
            },
        )
        assert response.status_code == 302, response.context["form"].errors

    done = milestone(breach, K.PARTNERS_NOTIFIED)
    assert done.done_on == dt.date(2026, 12, 18)
    assert done.completed_by == world.council_manager
    text = visible_text(client.get(url("breach_detail", breach)))
    assert "3 of 3 partner organisations told" in text


def test_a_partner_told_in_the_future_is_refused_on_the_field(world, breach, clients):
    told = PartnerNotification.objects.get(breach=breach, organisation=world.police)
    response = clients[Role.IG_OFFICER].post(
        url("breach_partner_told", told),
        {
            **date_parts("told_on", dt.date(2026, 12, 21)),
            "contact_name": "IG lead",
            "method": "email",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["told_on"] == ["This cannot be in the future."]


def test_only_the_organisation_whose_step_it_is_may_open_its_page(world, breach, clients):
    distributed = milestone(breach, K.REPORT_DISTRIBUTED)
    # The school distributes its report; the police do not; the council convenes the meeting.
    assert (
        clients["school_manager"].get(url("breach_milestone_complete", distributed)).status_code
        == 200
    )
    assert (
        clients["police_manager"].get(url("breach_milestone_complete", distributed)).status_code
        == 403
    )
    assert clients["school_manager"].get(url("breach_meeting_held", breach)).status_code == 403
    assert clients[Role.AUDITOR].get(url("breach_meeting_held", breach)).status_code == 403


def test_the_report_is_distributed_with_a_document_served_only_to_those_who_see_the_breach(
    world, breach, clients, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    distributed = milestone(breach, K.REPORT_DISTRIBUTED)
    client = clients["school_manager"]

    wrong = client.post(
        url("breach_milestone_complete", distributed),
        {
            **date_parts("done_on", dt.date(2026, 12, 18)),
            "evidence": "Sent to every partner.",
            "evidence_file": SimpleUploadedFile("report.pdf", b"not a pdf"),
        },
    )
    assert wrong.status_code == 400
    assert wrong.context["form"].errors["evidence_file"] == [
        "The selected file is not a real PDF file"
    ]

    response = client.post(
        url("breach_milestone_complete", distributed),
        {
            **date_parts("done_on", dt.date(2026, 12, 18)),
            "evidence": "Sent to every partner.",
            "evidence_file": SimpleUploadedFile("Report about Jo Bloggs.pdf", PDF),
        },
    )
    assert response.status_code == 302
    distributed.refresh_from_db()
    assert distributed.done_on == dt.date(2026, 12, 18)
    assert "Bloggs" not in distributed.evidence_file.name

    download = clients[Role.AUDITOR].get(url("breach_milestone_evidence", distributed))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "Bloggs" not in download["Content-Disposition"]
    assert AccessEvent.objects.filter(action="download", object_id=breach.public_id).exists()
    # A manager of an organisation that has nothing to do with the breach: as if it did not exist.
    stranger = MembershipFactory(
        tenant=world.partnership.tenant,
        organisation=OrganisationFactory(tenant=world.partnership.tenant),
        role=Role.MANAGER,
    )
    assert (
        client_for(stranger).get(url("breach_milestone_evidence", distributed)).status_code == 404
    )


def _post(client, name, obj, data) -> None:
    response = client.post(url(name, obj), data)
    assert response.status_code == 302, (
        response.context["form"].errors if response.context else response
    )


def test_the_meeting_is_recorded_step_by_step_and_its_minutes_meet_the_last_milestone(
    world, breach, clients, clock
):
    client = clients[Role.MANAGER]  # The council convenes it.
    _post(
        client,
        "breach_meeting_schedule",
        breach,
        {
            **date_parts("scheduled_on", dt.date(2027, 1, 11)),
            "scheduled_time": "14:00",
            "location": "County Hall",
        },
    )
    clock.move_to(london(2027, 1, 11, 17, 0), tick=False)
    client = clients[Role.MANAGER]
    _post(
        client,
        "breach_meeting_held",
        breach,
        {**date_parts("held_on", dt.date(2027, 1, 11)), "chair": "Priya Raman"},
    )
    for organisation, name in ((world.council, "Priya Raman"), (world.school, "Helen Ashby")):
        _post(
            client,
            "breach_meeting_attendee",
            breach,
            {"organisation": str(organisation.public_id), "name": name},
        )
    # Out of order: the decision before the school has withdrawn is refused, with the rule.
    refused = client.post(
        url("breach_meeting_decide", breach), {"sanctions": "None", "decided_time": "14:30"}
    )
    assert refused.status_code == 400
    assert "after the organisation in breach has withdrawn" in visible_text(refused)

    _post(
        client,
        "breach_meeting_presented",
        breach,
        {"presented_time": "14:05", "presentation": "The school explained its new checks."},
    )
    _post(client, "breach_meeting_withdrew", breach, {"withdrew_time": "14:20"})
    _post(
        client,
        "breach_action_add",
        breach,
        {
            "description": "Refresher training for the office.",
            "owner_organisation": str(world.school.public_id),
            "owner_name": "Helen Ashby",
            **date_parts("due_on", dt.date(2027, 2, 11)),
        },
    )
    _post(
        client,
        "breach_meeting_decide",
        breach,
        {"sanctions": "A written warning.", "decided_time": "14:40"},
    )
    _post(
        client,
        "breach_meeting_recalled",
        breach,
        {"recalled_time": "14:45", "recall_notes": "Told of the warning and the training."},
    )
    _post(client, "breach_meeting_minutes", breach, {"minutes_text": "Present: the partners."})
    _post(
        client,
        "breach_meeting_circulate",
        breach,
        {
            **date_parts("circulated_on", dt.date(2027, 1, 11)),
            "circulated_to": "every signatory's IG lead",
        },
    )

    assert milestone(breach, K.MEETING_HELD).done_on == dt.date(2027, 1, 11)
    minutes = milestone(breach, K.MINUTES_CIRCULATED)
    assert minutes.done_on == dt.date(2027, 1, 11)
    assert "1 agreed action" in minutes.evidence
    text = visible_text(client.get(url("breach_detail", breach)))
    assert "The organisation in breach was recalled and told" in text
    assert "Refresher training for the office. Helen Ashby, Kent and Medway Primary School" in text
    assert "Presented (14:05)" in text


def test_the_ico_decision_and_report_are_recorded_on_their_pages(world, clients):
    breach = report(
        world,
        personal_data_involved=True,
        personal_data_categories="Health summary",
        people_affected=1,
    )
    client = clients["school_manager"]  # In breach: it decides.
    _post(
        client,
        "breach_ico_decide",
        breach,
        {
            "must_report": "yes",
            "reasons": "Health data disclosed to a stranger.",
            "tell_people": "no",
        },
    )
    late = client.post(
        url("breach_ico_reported", breach),
        {
            **date_parts("reported_on", dt.date(2026, 12, 18)),
            "reported_time": "09:00",
            "ico_reference": "IC-1",
        },
    )
    assert late.status_code == 400
    assert late.context["form"].errors["reported_on"] == [
        "It cannot be reported before becoming aware."
    ]
    _post(
        client,
        "breach_ico_reported",
        breach,
        {
            **date_parts("reported_on", dt.date(2026, 12, 18)),
            "reported_time": "10:00",
            "ico_reference": "IC-12345",
        },
    )
    assessment = IcoAssessment.objects.get(breach=breach)
    assert (assessment.must_report, assessment.ico_reference) == (True, "IC-12345")
    assert assessment.completed_at is not None


def test_an_indemnity_notice_and_its_response(world, breach, clients, clock):
    _post(
        clients[Role.MANAGER],
        "indemnity_notify",
        breach,
        {
            "alleged_contributor": str(world.school.public_id),
            "description": "A solicitor has written to the council.",
            **date_parts("notified_on", dt.date(2026, 12, 18)),
        },
    )
    event = IndemnityEvent.objects.get()
    assert event.suffering_partner == world.council
    assert event.response_due_on == dt.date(2026, 12, 24)  # Four working days.
    detail = clients["school_manager"].get(url("indemnity_detail", event))
    assert "Response due 24 December 2026 (4 working days)" in visible_text(detail)

    clock.move_to(london(2026, 12, 22, 9, 0), tick=False)
    _post(
        clients["school_manager"],
        "indemnity_response",
        event,
        {
            **date_parts("responded_on", dt.date(2026, 12, 22)),
            "response": "The school accepts the facts.",
        },
    )
    event.refresh_from_db()
    assert event.responded_on == dt.date(2026, 12, 22)


def test_closing_needs_every_step_and_withdrawing_stops_the_reminders(world, breach, clients):
    refused = clients[Role.IG_OFFICER].post(url("breach_close", breach), {"reason": "Done"})
    assert refused.status_code == 400
    assert "Still to be done: partners notified" in visible_text(refused)

    _post(clients[Role.MANAGER], "breach_withdraw", breach, {"reason": "Sent to the right school."})
    breach.refresh_from_db()
    assert breach.status == "withdrawn"
    text = visible_text(clients[Role.MANAGER].get(url("breach_detail", breach)))
    assert "Withdraw: not a breach" not in text


# --- The indemnity response period is the agreement's, snapshotted ------------------------------


def test_the_indemnity_response_period_is_the_agreements_and_is_kept_on_the_breach(world, clock):
    world.agreement.breach_indemnity_response_days = 6
    world.agreement.save()
    breach = report(world)
    assert breach.indemnity_response_days == 6
    world.agreement.breach_indemnity_response_days = 2
    world.agreement.save()

    event = services.indemnity_notify(
        actor=world.officer,
        agreement=world.agreement,
        breach=breach,
        suffering_partner=world.council,
        alleged_contributor=world.school,
        description="A claim.",
        notified_on=dt.date(2026, 12, 18),
    )
    # Six working days from Friday 18 December, past Christmas Day and the substitute for
    # Boxing Day (Monday 28th).
    assert (event.response_days, event.response_due_on) == (6, dt.date(2026, 12, 30))
    without_breach = services.indemnity_notify(
        actor=world.officer,
        agreement=world.agreement,
        suffering_partner=world.council,
        alleged_contributor=world.police,
        description="Another claim.",
        notified_on=dt.date(2026, 12, 18),
    )
    assert (without_breach.response_days, without_breach.response_due_on) == (
        2,
        dt.date(2026, 12, 22),
    )
