"""The partners' meeting (Haringey 6.3–6.6): held, the organisation in breach presents,
withdraws, the others agree actions and sanctions, it is recalled and told; the minutes, due 5
working days after the meeting's actual date, complete the last milestone."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from breaches import services
from breaches.choices import BreachStatus, MeetingStep
from breaches.choices import MilestoneKind as K
from breaches.models import Milestone
from breaches.selectors import breach_meeting, breach_timeline, meeting_step
from notifications.models import Notice
from tests.breaches.conftest import london

pytestmark = pytest.mark.django_db


def milestone(breach, kind):
    return Milestone.objects.get(breach=breach, kind=kind)


@pytest.fixture
def held(world, breach, clock):
    """The meeting is held on Monday 11 January 2027, before its deadline of the 20th."""
    officer = world.officer
    services.breach_meeting_schedule(
        actor=officer,
        breach=breach,
        scheduled_for=london(2027, 1, 11, 14, 0),
        location="County Hall, room 2",
    )
    clock.move_to(london(2027, 1, 11, 17, 0), tick=False)
    meeting = services.breach_meeting_held(
        actor=officer, breach=breach, held_on=dt.date(2027, 1, 11), chair="Priya Raman"
    )
    for organisation, name in (
        (world.council, "Priya Raman"),
        (world.school, "Helen Ashby"),
        (world.police, "Insp. Carla Dunn"),
    ):
        services.breach_meeting_add_attendee(
            actor=officer, meeting=meeting, organisation=organisation, name=name
        )
    return meeting


def run_meeting(world, meeting):
    officer = world.officer
    services.breach_meeting_presented(
        actor=officer,
        meeting=meeting,
        presented_at=london(2027, 1, 11, 14, 5),
        presentation="The school explained the error and its new checks.",
    )
    services.breach_meeting_withdrew(
        actor=officer, meeting=meeting, withdrew_at=london(2027, 1, 11, 14, 25)
    )
    services.breach_action_add(
        actor=officer,
        breach=meeting.breach,
        description="Retrain office staff on secure email.",
        owner_organisation=world.school,
        owner_name="Helen Ashby",
        due_on=dt.date(2027, 2, 1),
    )
    services.breach_meeting_decide(
        actor=officer,
        meeting=meeting,
        sanctions="A formal warning; access to the shared mailbox suspended for a month.",
        deliberation="Partners considered the report sufficient.",
        decided_at=london(2027, 1, 11, 14, 50),
    )
    services.breach_meeting_recalled(
        actor=officer,
        meeting=meeting,
        recalled_at=london(2027, 1, 11, 15, 0),
        recall_notes="Told of the warning and the suspension.",
    )


def test_holding_the_meeting_meets_its_milestone_and_sets_the_minutes_due(world, breach, held):
    meeting_milestone = milestone(breach, K.MEETING_HELD)
    minutes = milestone(breach, K.MINUTES_CIRCULATED)

    assert meeting_milestone.done_on == dt.date(2027, 1, 11)
    assert "chaired by Priya Raman" in meeting_milestone.evidence
    # Five working days from the actual date (the 11th), not from the deadline (the 20th).
    assert (minutes.counted_from, minutes.due_on) == (dt.date(2027, 1, 11), dt.date(2027, 1, 18))


def test_scheduling_tells_the_partners_when_and_where(world, breach, held):
    notices = Notice.objects.filter(title__startswith="Partners' meeting about a breach")

    # Every partner's managers, but not the officer who scheduled it (nobody at the NHS trust
    # is a manager, so its notice falls back to the IG officers: that is the officer).
    assert {n.recipient for n in notices} == {
        world.council_manager,
        world.school_manager,
        world.police_manager,
    }
    assert "14:00 on 11 January 2027, County Hall, room 2" in notices.first().body


def test_the_meeting_runs_in_the_order_of_the_protocol(world, breach, held):
    officer = world.officer
    assert meeting_step(held) == MeetingStep.HELD
    with pytest.raises(ValidationError, match="after presenting"):
        services.breach_meeting_withdrew(
            actor=officer, meeting=held, withdrew_at=london(2027, 1, 11, 14, 25)
        )
    with pytest.raises(ValidationError, match="decision"):
        services.breach_meeting_recalled(
            actor=officer, meeting=held, recalled_at=london(2027, 1, 11, 15), recall_notes="Told"
        )
    with pytest.raises(ValidationError, match="withdrawn"):
        services.breach_action_add(
            actor=officer,
            breach=breach,
            description="Too early",
            owner_organisation=world.school,
            owner_name="Helen",
            due_on=dt.date(2027, 2, 1),
        )

    services.breach_meeting_presented(
        actor=officer,
        meeting=held,
        presented_at=london(2027, 1, 11, 14, 5),
        presentation="The school presented its report.",
    )
    assert meeting_step(held) == MeetingStep.PRESENTED
    with pytest.raises(ValidationError) as error:
        services.breach_meeting_withdrew(
            actor=officer, meeting=held, withdrew_at=london(2027, 1, 11, 14, 0)
        )
    assert "withdrew_at" in error.value.message_dict  # Before it presented.
    services.breach_meeting_withdrew(
        actor=officer, meeting=held, withdrew_at=london(2027, 1, 11, 14, 25)
    )
    assert meeting_step(held) == MeetingStep.WITHDRAWN
    with pytest.raises(ValidationError):
        services.breach_meeting_decide(actor=officer, meeting=held, sanctions="")
    services.breach_meeting_decide(
        actor=officer, meeting=held, sanctions="None", decided_at=london(2027, 1, 11, 14, 40)
    )
    assert meeting_step(held) == MeetingStep.DECIDED
    services.breach_meeting_recalled(
        actor=officer, meeting=held, recalled_at=london(2027, 1, 11, 14, 45), recall_notes="Told"
    )
    assert meeting_step(breach_meeting(breach=breach)) == MeetingStep.RECALLED


def test_the_organisation_in_breach_must_attend_to_present(world, breach, clock):
    meeting = services.breach_meeting_held(
        actor=world.officer, breach=breach, held_on=dt.date(2026, 12, 18)
    )
    with pytest.raises(ValidationError, match="attended"):
        services.breach_meeting_presented(
            actor=world.officer,
            meeting=meeting,
            presented_at=london(2026, 12, 18, 9, 30),
            presentation="Report",
        )


def test_the_minutes_circulated_complete_the_last_milestone(world, breach, held, clock):
    officer = world.officer
    with pytest.raises(ValidationError, match="recalled"):
        services.breach_minutes_circulate(
            actor=officer, meeting=held, circulated_on=dt.date(2027, 1, 11), circulated_to="All"
        )
    run_meeting(world, held)
    with pytest.raises(ValidationError, match="minutes"):
        services.breach_minutes_circulate(
            actor=officer, meeting=held, circulated_on=dt.date(2027, 1, 11), circulated_to="All"
        )
    services.breach_minutes_record(
        actor=officer,
        meeting=held,
        minutes_file=SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes", "application/pdf"),
    )
    clock.move_to(london(2027, 1, 15, 10, 0), tick=False)

    services.breach_minutes_circulate(
        actor=officer,
        meeting=held,
        circulated_on=dt.date(2027, 1, 15),
        circulated_to="every signatory's IG lead",
    )

    minutes = milestone(breach, K.MINUTES_CIRCULATED)
    assert minutes.done_on == dt.date(2027, 1, 15)
    assert "1 agreed action" in minutes.evidence and "formal warning" in minutes.evidence
    with pytest.raises(ValidationError, match="circulated"):
        services.breach_minutes_record(actor=officer, meeting=held, minutes_text="Changed")

    # Every milestone is done once the partners have been told and the report distributed.
    for organisation in (world.school, world.police, world.nhs):
        services.breach_partner_told(
            actor=officer,
            breach=breach,
            organisation=organisation,
            told_on=dt.date(2026, 12, 21),
            contact_name="IG lead",
            method="secure_email",
        )
    services.breach_milestone_complete(
        actor=world.school_manager,
        milestone=milestone(breach, K.REPORT_DISTRIBUTED),
        done_on=dt.date(2027, 1, 5),
        evidence="Report sent to partners.",
    )
    clock.move_to(london(2027, 1, 18, 9, 0), tick=False)
    services.breach_close(actor=officer, breach=breach, reason="All steps done.")
    breach.refresh_from_db()
    assert breach.status == BreachStatus.CLOSED
    timeline = [entry.what for entry in breach_timeline(breach=breach)]
    assert timeline[:2] == ["Breach identified", "Breach reported in Sharewell"]
    assert timeline.index("The organisation in breach withdrew") < timeline.index(
        "The organisation in breach was recalled and told"
    )
    assert timeline[-1] == "Closed"


def test_agreed_actions_have_owners_and_due_dates(world, breach, held):
    run_meeting(world, held)
    action = breach.actions.get()
    assert (action.owner_organisation, action.owner_name) == (world.school, "Helen Ashby")

    with pytest.raises(PermissionDenied):
        services.breach_action_complete(actor=world.police_manager, action=action)
    services.breach_action_complete(actor=world.school_manager, action=action)
    action.refresh_from_db()
    assert action.completed_on == dt.date(2027, 1, 11)


def test_only_the_convener_or_the_ig_officer_records_the_meeting(world, breach, clock):
    with pytest.raises(PermissionDenied):
        services.breach_meeting_held(
            actor=world.school_manager, breach=breach, held_on=dt.date(2026, 12, 18)
        )
    meeting = services.breach_meeting_held(
        actor=world.council_manager, breach=breach, held_on=dt.date(2026, 12, 18)
    )
    with pytest.raises(ValidationError, match="held on 18 December 2026"):
        services.breach_meeting_held(
            actor=world.officer, breach=breach, held_on=dt.date(2026, 12, 18)
        )
    assert meeting.recorded_by == world.council_manager
