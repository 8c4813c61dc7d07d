"""The partners' meeting about a breach (Haringey 6.3–6.6), step by step:

    scheduled → held (the meeting milestone is met; the minutes fall due 5 working days later)
    → the organisation in breach presents its report and any action since (6.4)
    → it withdraws; the remaining partners consider the report, agree actions and sanctions
    → it is recalled and verbally told of the agreed action and sanctions (6.5)
    → minutes recording them are written or uploaded, and circulated (6.6: the last milestone).

Each step is refused until the one before it is recorded. The agreement's owner organisation
convenes the meeting, so its managers (and the IG officer) record it.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from breaches.choices import MilestoneKind
from breaches.deadlines import BreachRules, minutes_due_on
from breaches.models import AgreedAction, BreachMeeting, BreachReport, MeetingAttendee, Milestone
from breaches.selectors import breach_convener_id
from breaches.services._common import (
    long_date,
    not_in_future,
    now,
    require_open,
    require_party,
    require_text,
    same_partnership,
    save,
    tell,
    today,
)
from breaches.services.milestones import complete_milestone
from breaches.services.reporting import breach_link, ensure_on_or_after_identified
from partners.models import Membership, Organisation
from partners.reminders import local_date, tenant_zone

K = MilestoneKind


def _convener(breach: BreachReport) -> int:
    return breach_convener_id(breach)


def _require_convener(actor: Membership, breach: BreachReport) -> None:
    require_party(actor, _convener(breach))
    require_open(breach)


def _meeting_for(breach: BreachReport) -> BreachMeeting:
    meeting = BreachMeeting.objects.filter(breach=breach).first()
    if meeting is None:
        meeting = BreachMeeting(tenant_id=breach.tenant_id, breach=breach)
    return meeting


def _require_held(meeting: BreachMeeting) -> None:
    if meeting.held_on is None:
        raise ValidationError("Record that the meeting was held first.")


def _ordered(
    moment: datetime, field: str, meeting: BreachMeeting, *, after: datetime | None, what: str
) -> None:
    not_in_future(moment, field, meeting.breach.tenant)
    if local_date(moment, meeting.breach.tenant) < meeting.held_on:
        raise ValidationError({field: "This cannot be before the day of the meeting."})
    if after is not None and moment < after:
        raise ValidationError({field: f"This cannot be before {what}."})


@transaction.atomic
def breach_meeting_schedule(
    *, actor: Membership, breach: BreachReport, scheduled_for: datetime, location: str = ""
) -> BreachMeeting:
    """Plan the meeting, and tell the partners' managers when and where it is."""
    _require_convener(actor, breach)
    meeting = _meeting_for(breach)
    if meeting.held_on is not None:
        raise ValidationError("The meeting has been held; it cannot be rescheduled.")
    if timezone.is_naive(scheduled_for):
        raise ValidationError({"scheduled_for": "Give the time with its time zone."})
    meeting.scheduled_for = scheduled_for
    meeting.location = (location or "").strip()
    meeting.recorded_by = actor
    save(actor, meeting)
    when = scheduled_for.astimezone(tenant_zone(breach.tenant))
    partners = {
        breach.organisation_in_breach_id,
        breach.reporting_organisation_id,
        *breach.partner_notifications.values_list("organisation_id", flat=True),
    }
    for organisation_id in sorted(partners):
        tell(
            organisation_id=organisation_id,
            title=f"Partners' meeting about a breach of {breach.agreement.title}",
            body=(
                f"The partners' meeting about the breach by {breach.organisation_in_breach} is "
                f"at {when:%H:%M} on {long_date(when.date())}"
                + (f", {meeting.location}" if meeting.location else "")
                + "."
            ),
            link=breach_link(breach),
            dedup_key=f"breach:{breach.public_id}:meeting:{scheduled_for.isoformat()}",
            reason="Your organisation is a partner to the agreement that was breached.",
            exclude=actor,
        )
    return meeting


@transaction.atomic
def breach_meeting_add_attendee(
    *,
    actor: Membership,
    meeting: BreachMeeting,
    organisation: Organisation,
    name: str,
    job_title: str = "",
) -> MeetingAttendee:
    breach = meeting.breach
    _require_convener(actor, breach)
    if meeting.minutes_circulated_on:
        raise ValidationError("The minutes have been circulated; the record is closed.")
    same_partnership(breach.tenant_id, organisation=organisation)
    name = require_text(name, "name", "Enter the attendee's name.")
    if MeetingAttendee.objects.filter(
        meeting=meeting, organisation=organisation, name=name
    ).exists():
        raise ValidationError({"name": f"{name} of {organisation} is already listed."})
    attendee = MeetingAttendee(
        tenant_id=breach.tenant_id,
        meeting=meeting,
        organisation=organisation,
        name=name,
        job_title=(job_title or "").strip(),
    )
    save(actor, attendee)
    return attendee


@transaction.atomic
def breach_meeting_held(
    *,
    actor: Membership,
    breach: BreachReport,
    held_on: date,
    chair: str = "",
    location: str = "",
) -> BreachMeeting:
    """The meeting took place on `held_on`: the meeting milestone is met on that day and the
    minutes fall due the agreement's working days after it (6.6), counted from the actual date."""
    _require_convener(actor, breach)
    meeting = _meeting_for(breach)
    if meeting.held_on is not None:
        raise ValidationError(f"The meeting was recorded as held on {long_date(meeting.held_on)}.")
    not_in_future(held_on, "held_on", breach.tenant)
    ensure_on_or_after_identified(breach, held_on, "held_on")
    meeting.held_on = held_on
    meeting.chair = (chair or "").strip()
    if location:
        meeting.location = location.strip()
    meeting.recorded_by = actor
    save(actor, meeting)
    complete_milestone(
        actor=actor,
        breach=breach,
        kind=K.MEETING_HELD,
        done_on=held_on,
        evidence=(
            f"Partners' meeting held on {long_date(held_on)}"
            + (f", chaired by {meeting.chair}" if meeting.chair else "")
            + (f", {meeting.location}" if meeting.location else "")
            + "."
        ),
    )
    minutes = Milestone.objects.get(breach=breach, kind=K.MINUTES_CIRCULATED)
    minutes.counted_from = held_on
    minutes.due_on = minutes_due_on(BreachRules.of_breach(breach), held_on)
    save(actor, minutes)
    return meeting


@transaction.atomic
def breach_meeting_presented(
    *, actor: Membership, meeting: BreachMeeting, presented_at: datetime, presentation: str
) -> BreachMeeting:
    """6.4: the organisation in breach presented its report, including any action since."""
    breach = meeting.breach
    _require_convener(actor, breach)
    _require_held(meeting)
    if meeting.presented_at is not None:
        raise ValidationError("The presentation has already been recorded.")
    if not meeting.attendees.filter(organisation_id=breach.organisation_in_breach_id).exists():
        raise ValidationError(
            f"List who attended for {breach.organisation_in_breach} before recording that it "
            "presented."
        )
    _ordered(presented_at, "presented_at", meeting, after=None, what="")
    presentation = require_text(
        presentation, "presentation", "Summarise what the organisation in breach presented."
    )
    meeting.presented_at, meeting.presentation = presented_at, presentation
    save(actor, meeting)
    return meeting


@transaction.atomic
def breach_meeting_withdrew(
    *, actor: Membership, meeting: BreachMeeting, withdrew_at: datetime
) -> BreachMeeting:
    """6.4: the organisation in breach withdrew so the others could deliberate."""
    _require_convener(actor, meeting.breach)
    if meeting.presented_at is None:
        raise ValidationError("The organisation in breach withdraws after presenting its report.")
    if meeting.withdrew_at is not None:
        raise ValidationError("Its withdrawal has already been recorded.")
    _ordered(
        withdrew_at, "withdrew_at", meeting, after=meeting.presented_at, what="its presentation"
    )
    meeting.withdrew_at = withdrew_at
    save(actor, meeting)
    return meeting


@transaction.atomic
def breach_meeting_decide(
    *,
    actor: Membership,
    meeting: BreachMeeting,
    sanctions: str,
    deliberation: str = "",
    decided_at: datetime | None = None,
) -> BreachMeeting:
    """The remaining partners' decision: the sanctions imposed (or that none were) and what they
    considered. Agreed actions are added with `breach_action_add`."""
    _require_convener(actor, meeting.breach)
    if meeting.withdrew_at is None:
        raise ValidationError("The partners decide after the organisation in breach has withdrawn.")
    if meeting.recalled_at is not None:
        raise ValidationError("The organisation in breach has been told the decision already.")
    decided_at = decided_at or now()
    _ordered(decided_at, "decided_at", meeting, after=meeting.withdrew_at, what="its withdrawal")
    meeting.sanctions = require_text(
        sanctions, "sanctions", "Record the sanctions imposed, or that none were."
    )
    meeting.deliberation = (deliberation or "").strip()
    meeting.decided_at = decided_at
    save(actor, meeting)
    return meeting


@transaction.atomic
def breach_meeting_recalled(
    *, actor: Membership, meeting: BreachMeeting, recalled_at: datetime, recall_notes: str
) -> BreachMeeting:
    """6.5: the organisation in breach was recalled and verbally told the agreed action and
    sanctions."""
    _require_convener(actor, meeting.breach)
    if meeting.decided_at is None:
        raise ValidationError("Record the partners' decision before recalling the organisation.")
    if meeting.recalled_at is not None:
        raise ValidationError("Its recall has already been recorded.")
    _ordered(recalled_at, "recalled_at", meeting, after=meeting.decided_at, what="the decision")
    recall_notes = require_text(
        recall_notes, "recall_notes", "Record what the organisation in breach was told."
    )
    meeting.recalled_at, meeting.recall_notes = recalled_at, recall_notes
    save(actor, meeting)
    return meeting


@transaction.atomic
def breach_action_add(
    *,
    actor: Membership,
    breach: BreachReport,
    description: str,
    owner_organisation: Organisation,
    owner_name: str,
    due_on: date,
) -> AgreedAction:
    """An action the partners agreed in deliberation, with its owner and due date."""
    _require_convener(actor, breach)
    meeting = BreachMeeting.objects.filter(breach=breach).first()
    if meeting is None or meeting.withdrew_at is None:
        raise ValidationError(
            "Actions are agreed by the partners in deliberation, after the organisation in "
            "breach has withdrawn."
        )
    if meeting.minutes_circulated_on:
        raise ValidationError("The minutes have been circulated; the record is closed.")
    same_partnership(breach.tenant_id, owner_organisation=owner_organisation)
    if due_on < meeting.held_on:
        raise ValidationError({"due_on": "An action cannot be due before the meeting."})
    action = AgreedAction(
        tenant_id=breach.tenant_id,
        breach=breach,
        description=require_text(description, "description", "Describe the action."),
        owner_organisation=owner_organisation,
        owner_name=require_text(owner_name, "owner_name", "Name the action's owner."),
        due_on=due_on,
    )
    save(actor, action)
    return action


@transaction.atomic
def breach_action_complete(
    *, actor: Membership, action: AgreedAction, completed_on: date | None = None
) -> AgreedAction:
    """An agreed action done (it may be done after the breach is closed)."""
    require_party(actor, action.owner_organisation_id, _convener(action.breach))
    completed_on = completed_on or today(action.breach.tenant)
    not_in_future(completed_on, "completed_on", action.breach.tenant)
    if action.completed_on is not None:
        raise ValidationError("This action has already been recorded as done.")
    action.completed_on = completed_on
    action.completed_by = actor
    save(actor, action)
    return action


@transaction.atomic
def breach_minutes_record(
    *, actor: Membership, meeting: BreachMeeting, minutes_text: str = "", minutes_file=None
) -> BreachMeeting:
    """The minutes, written here or uploaded (or both), until they are circulated."""
    _require_convener(actor, meeting.breach)
    _require_held(meeting)
    if meeting.minutes_circulated_on:
        raise ValidationError("The minutes have been circulated; they can no longer be changed.")
    minutes_text = (minutes_text or "").strip()
    if not minutes_text and not minutes_file and not meeting.minutes_file:
        raise ValidationError({"minutes_text": "Write the minutes or upload them."})
    meeting.minutes_text = minutes_text
    if minutes_file:
        meeting.minutes_file = minutes_file
    save(actor, meeting)
    return meeting


@transaction.atomic
def breach_minutes_circulate(
    *, actor: Membership, meeting: BreachMeeting, circulated_on: date, circulated_to: str
) -> BreachMeeting:
    """6.6: the minutes, with the agreed actions and sanctions, were circulated: the last
    milestone is met on that day."""
    breach = meeting.breach
    _require_convener(actor, breach)
    _require_held(meeting)
    if meeting.recalled_at is None:
        raise ValidationError(
            "Record the whole meeting (the organisation in breach recalled and told) before "
            "circulating its minutes."
        )
    if not meeting.minutes_text and not meeting.minutes_file:
        raise ValidationError("Write or upload the minutes before circulating them.")
    not_in_future(circulated_on, "circulated_on", breach.tenant)
    if circulated_on < meeting.held_on:
        raise ValidationError({"circulated_on": "Minutes are circulated after the meeting."})
    circulated_to = require_text(
        circulated_to, "circulated_to", "Say to whom the minutes were circulated."
    )
    meeting.minutes_circulated_on = circulated_on
    save(actor, meeting)
    actions = breach.actions.count()
    complete_milestone(
        actor=actor,
        breach=breach,
        kind=K.MINUTES_CIRCULATED,
        done_on=circulated_on,
        evidence=(
            f"Minutes circulated to {circulated_to} on {long_date(circulated_on)}, recording "
            f"{actions} agreed action{'s' if actions != 1 else ''} and the sanctions: "
            f"{meeting.sanctions}"
        ),
    )
    return meeting
