"""Reads for breaches: who may see which breach, the access functions, the register, each
milestone's state on a day, the timeline, and what is due or overdue.

Visibility: the IG officer and the auditor see every breach of the partnership; a manager sees a
breach their organisation is party to (it reported it, is in breach, was to be told of it, or
owns the agreement and so convenes the partners' meeting). Anything else is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from breaches.choices import BreachStatus, MeetingStep, MilestoneKind, MilestoneState
from breaches.models import (
    AgreedAction,
    BreachMeeting,
    BreachReport,
    IcoAssessment,
    IndemnityEvent,
    MeetingAttendee,
    Milestone,
    PartnerNotification,
)
from partners.models import Membership
from partners.roles import can
from partners.working_days import working_days_between

# --- Visibility and access ----------------------------------------------------------------------


def breaches_visible_to(membership: Membership) -> QuerySet[BreachReport]:
    breaches = BreachReport.objects.all()
    if not membership.is_active or not can(membership, "breaches.view"):
        return breaches.none()
    if can(membership, "breaches.view_all"):
        return breaches
    organisation = membership.organisation_id
    told = PartnerNotification.objects.filter(organisation_id=organisation).values("breach_id")
    return breaches.filter(
        Q(reporting_organisation_id=organisation)
        | Q(organisation_in_breach_id=organisation)
        | Q(agreement__owner_organisation_id=organisation)
        | Q(pk__in=told)
    )


def breach_may_act(membership: Membership, *organisation_ids: int | None) -> bool:
    """Whether the member records a step that is one of these organisations' to take: the IG
    officer records any; a manager only for their own organisation (the services check it
    again, and refuse the others)."""
    if not can(membership, "breaches.report"):
        return False
    if can(membership, "breaches.manage"):
        return True
    return membership.organisation_id in {pk for pk in organisation_ids if pk}


def breach_convener_id(breach: BreachReport) -> int:
    """The organisation that convenes the partners' meeting and circulates its minutes: the
    agreement's owner when the breach was reported (its milestone says so)."""
    return (
        Milestone.objects.filter(breach=breach, kind=MilestoneKind.MEETING_HELD)
        .values_list("responsible_organisation_id", flat=True)
        .get()
    )


def breach_get_for(membership: Membership, public_id: UUID | str) -> BreachReport:
    """The breach with this public id if the member may see it; missing, another partnership's
    and not-theirs are the same 404."""
    try:
        breach = (
            breaches_visible_to(membership)
            .select_related(
                "agreement", "reporting_organisation", "organisation_in_breach", "reported_by__user"
            )
            .get(public_id=public_id)
        )
    except (BreachReport.DoesNotExist, ValueError, ValidationError):
        raise Http404("No such breach.") from None
    # A second line of defence: the tenant-scoped manager has already filtered by tenant.
    if breach.tenant_id != membership.tenant_id:
        raise Http404("No such breach.")
    return breach


def _get_under(model, membership: Membership, public_id: UUID | str, *, related=()):
    visible = breaches_visible_to(membership).values("pk")
    try:
        return (
            model.objects.select_related("breach", *related)
            .filter(breach__in=visible)
            .get(public_id=public_id)
        )
    except (model.DoesNotExist, ValueError, ValidationError):
        raise Http404(f"No such {model._meta.verbose_name}.") from None


def milestone_get_for(membership: Membership, public_id: UUID | str) -> Milestone:
    return _get_under(Milestone, membership, public_id, related=("responsible_organisation",))


def partner_notification_get_for(
    membership: Membership, public_id: UUID | str
) -> PartnerNotification:
    return _get_under(PartnerNotification, membership, public_id, related=("organisation",))


def meeting_get_for(membership: Membership, public_id: UUID | str) -> BreachMeeting:
    return _get_under(BreachMeeting, membership, public_id)


def agreed_action_get_for(membership: Membership, public_id: UUID | str) -> AgreedAction:
    return _get_under(AgreedAction, membership, public_id, related=("owner_organisation",))


def ico_assessment_get_for(membership: Membership, public_id: UUID | str) -> IcoAssessment:
    return _get_under(IcoAssessment, membership, public_id)


def indemnity_events_visible_to(membership: Membership) -> QuerySet[IndemnityEvent]:
    """The IG officer and auditor see all; a manager, the events between their organisation and
    another (as suffering partner or alleged contributor)."""
    events = IndemnityEvent.objects.all()
    if not membership.is_active or not can(membership, "breaches.view"):
        return events.none()
    if can(membership, "breaches.view_all"):
        return events
    organisation = membership.organisation_id
    return events.filter(
        Q(suffering_partner_id=organisation) | Q(alleged_contributor_id=organisation)
    )


def indemnity_event_get_for(membership: Membership, public_id: UUID | str) -> IndemnityEvent:
    try:
        return (
            indemnity_events_visible_to(membership)
            .select_related("agreement", "breach", "suffering_partner", "alleged_contributor")
            .get(public_id=public_id)
        )
    except (IndemnityEvent.DoesNotExist, ValueError, ValidationError):
        raise Http404("No such indemnity event.") from None


# --- Milestones on a day ------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneStatus:
    milestone: Milestone
    state: MilestoneState
    # Working days until the due date (0 on the day), or None when done or not yet set.
    working_days_left: int | None
    # Working days past the due date (0 on a weekend after a Friday deadline), or None.
    working_days_overdue: int | None

    @property
    def is_overdue(self) -> bool:
        return self.state == MilestoneState.OVERDUE

    @property
    def label(self) -> str:
        return self.milestone.get_kind_display()


def milestone_status(milestone: Milestone, *, on: date, region: str) -> MilestoneStatus:
    """How a milestone stands on `on`: done (on time or late), waiting for an earlier step (the
    minutes before the meeting), due with N working days left, due today, or overdue."""
    due = milestone.due_on
    if milestone.done_on is not None:
        late = due is not None and milestone.done_on > due
        return MilestoneStatus(
            milestone, MilestoneState.DONE_LATE if late else MilestoneState.DONE, None, None
        )
    if due is None:
        return MilestoneStatus(milestone, MilestoneState.WAITING, None, None)
    if on > due:
        return MilestoneStatus(
            milestone, MilestoneState.OVERDUE, None, working_days_between(due, on, region)
        )
    if on == due:
        return MilestoneStatus(milestone, MilestoneState.DUE_TODAY, 0, None)
    return MilestoneStatus(
        milestone, MilestoneState.DUE, working_days_between(on, due, region), None
    )


def breach_milestones(*, breach: BreachReport, on: date) -> list[MilestoneStatus]:
    milestones = breach.milestones.select_related(
        "responsible_organisation", "completed_by__user"
    ).order_by("position")
    return [milestone_status(m, on=on, region=breach.region) for m in milestones]


@dataclass(frozen=True)
class BreachSummary:
    breach: BreachReport
    milestones: tuple[MilestoneStatus, ...]

    @property
    def next(self) -> MilestoneStatus | None:
        """The first milestone not done yet."""
        return next((m for m in self.milestones if m.milestone.done_on is None), None)

    @property
    def overdue(self) -> list[MilestoneStatus]:
        return [m for m in self.milestones if m.is_overdue]

    @property
    def stage(self) -> str:
        if not self.breach.is_open:
            return self.breach.get_status_display()
        upcoming = self.next
        return f"{upcoming.label}: to do" if upcoming else "Ready to close"


def breach_summary(*, breach: BreachReport, on: date) -> BreachSummary:
    return BreachSummary(breach, tuple(breach_milestones(breach=breach, on=on)))


# --- The register -------------------------------------------------------------------------------


def _open_milestones():
    return Milestone.objects.filter(breach=OuterRef("pk"), done_on__isnull=True)


def breach_register(
    *,
    viewer: Membership,
    on: date,
    status: str = BreachStatus.OPEN,
    stage: str = "",
    organisation_in_breach: int | None = None,
    agreement: int | None = None,
    overdue_only: bool = False,
) -> QuerySet[BreachReport]:
    """The breaches the viewer may see, newest first, each annotated with its next milestone
    (`next_kind`, `next_due_on`) and whether any milestone or the ICO assessment is overdue on
    `on` (`is_overdue`): a constant number of queries however many breaches there are.

    `stage` is a milestone kind (the next step to do) or "ready" (every milestone done)."""
    first_open = _open_milestones().order_by("position")
    overdue_milestone = _open_milestones().filter(due_on__lt=on)
    overdue_assessment = IcoAssessment.objects.filter(
        breach=OuterRef("pk"), completed_at__isnull=True, due_at__lt=timezone.now()
    )
    breaches = (
        breaches_visible_to(viewer)
        .select_related("agreement", "reporting_organisation", "organisation_in_breach")
        .annotate(
            next_kind=Subquery(first_open.values("kind")[:1]),
            next_due_on=Subquery(first_open.values("due_on")[:1]),
            is_overdue=Exists(overdue_milestone) | Exists(overdue_assessment),
        )
    )
    if status:
        breaches = breaches.filter(status=status)
    if stage == "ready":
        breaches = breaches.filter(next_kind__isnull=True)
    elif stage:
        breaches = breaches.filter(next_kind=stage)
    if organisation_in_breach is not None:
        breaches = breaches.filter(organisation_in_breach_id=organisation_in_breach)
    if agreement is not None:
        breaches = breaches.filter(agreement_id=agreement)
    if overdue_only:
        breaches = breaches.filter(is_overdue=True)
    return breaches.order_by("-identified_on", "-id")


def breach_partner_notifications(*, breach: BreachReport) -> QuerySet[PartnerNotification]:
    return breach.partner_notifications.select_related("organisation", "told_by__user")


def partners_still_to_tell(*, breach: BreachReport) -> QuerySet[PartnerNotification]:
    return breach_partner_notifications(breach=breach).filter(told_on__isnull=True)


def breach_actions(*, breach: BreachReport) -> QuerySet[AgreedAction]:
    return breach.actions.select_related("owner_organisation", "completed_by__user")


def breach_meeting(*, breach: BreachReport) -> BreachMeeting | None:
    return (
        BreachMeeting.objects.filter(breach=breach)
        .prefetch_related(
            Prefetch(
                "attendees",
                queryset=MeetingAttendee.objects.select_related("organisation"),
            )
        )
        .first()
    )


def meeting_step(meeting: BreachMeeting | None) -> MeetingStep:
    """How far the meeting has gone through Haringey 6.4–6.5."""
    if meeting is None or meeting.held_on is None:
        return MeetingStep.NOT_HELD
    if meeting.recalled_at:
        return MeetingStep.RECALLED
    if meeting.decided_at:
        return MeetingStep.DECIDED
    if meeting.withdrew_at:
        return MeetingStep.WITHDRAWN
    if meeting.presented_at:
        return MeetingStep.PRESENTED
    return MeetingStep.HELD


# --- The timeline -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: date | datetime
    what: str


def breach_timeline(*, breach: BreachReport) -> list[TimelineEntry]:
    """What happened, in order: identified, reported, each partner told, each milestone met, the
    meeting's steps, the ICO decision and report."""
    entries = [
        TimelineEntry(breach.identified_at, "Breach identified"),
        TimelineEntry(breach.reported_at, "Breach reported in Sharewell"),
    ]
    for told in breach_partner_notifications(breach=breach).filter(told_on__isnull=False):
        entries.append(
            TimelineEntry(
                told.told_on,
                f"{told.organisation} told ({told.get_method_display().lower()})",
            )
        )
        if told.acknowledged_on:
            entries.append(TimelineEntry(told.acknowledged_on, f"{told.organisation} acknowledged"))
    for milestone in breach.milestones.filter(done_on__isnull=False):
        entries.append(TimelineEntry(milestone.done_on, f"{milestone.get_kind_display()}: done"))
    meeting = BreachMeeting.objects.filter(breach=breach).first()
    if meeting is not None:
        for moment, what in (
            (meeting.presented_at, "The organisation in breach presented its report"),
            (meeting.withdrew_at, "The organisation in breach withdrew"),
            (meeting.decided_at, "Partners agreed actions and sanctions"),
            (meeting.recalled_at, "The organisation in breach was recalled and told"),
        ):
            if moment:
                entries.append(TimelineEntry(moment, what))
    assessment = IcoAssessment.objects.filter(breach=breach).first()
    if assessment is not None:
        if assessment.decided_at:
            verdict = "must be" if assessment.must_report else "need not be"
            entries.append(
                TimelineEntry(assessment.decided_at, f"Assessed: it {verdict} reported to the ICO")
            )
        if assessment.reported_at:
            entries.append(TimelineEntry(assessment.reported_at, "Reported to the ICO"))
    if breach.closed_at:
        entries.append(TimelineEntry(breach.closed_at, breach.get_status_display()))
    return sorted(entries, key=lambda entry: _sort_key(entry.at))


def _sort_key(moment: date | datetime) -> tuple[date, time]:
    if isinstance(moment, datetime):
        local = timezone.localtime(moment)
        return (local.date(), local.time())
    # A day's entries without a time sort after those with one on that day.
    return (moment, time.max)


# --- Due and overdue ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DueItem:
    """Something a breach needs by a deadline, for the 'due and overdue' page."""

    breach: BreachReport | None
    what: str
    due: date | datetime
    overdue: bool
    object_id: UUID


def breach_work_due(*, viewer: Membership, on: date, within_working_days: int = 2) -> list[DueItem]:
    """Open milestones due within `within_working_days` working days of `on` or overdue, open ICO
    assessments, and indemnity responses awaited, of the breaches the viewer may see: what the
    reminder sweep would remind about, soonest first."""
    visible = breaches_visible_to(viewer)
    items: list[DueItem] = []
    milestones = Milestone.objects.filter(
        breach__in=visible.values("pk"),
        breach__status=BreachStatus.OPEN,
        done_on__isnull=True,
        due_on__isnull=False,
    ).select_related("breach")
    for milestone in milestones:
        region = milestone.breach.region
        if working_days_between(on, milestone.due_on, region) <= within_working_days:
            items.append(
                DueItem(
                    milestone.breach,
                    milestone.get_kind_display(),
                    milestone.due_on,
                    milestone.due_on < on,
                    milestone.public_id,
                )
            )
    now = timezone.now()
    for assessment in IcoAssessment.objects.filter(
        breach__in=visible.values("pk"),
        breach__status=BreachStatus.OPEN,
        completed_at__isnull=True,
    ).select_related("breach"):
        items.append(
            DueItem(
                assessment.breach,
                "Personal data breach: ICO assessment (72 hours)",
                assessment.due_at,
                assessment.due_at < now,
                assessment.public_id,
            )
        )
    awaited = indemnity_events_visible_to(viewer).filter(responded_on__isnull=True)
    for event in awaited.select_related("breach", "alleged_contributor"):
        items.append(
            DueItem(
                event.breach,
                f"Indemnity response from {event.alleged_contributor}",
                event.response_due_on,
                event.response_due_on < on,
                event.public_id,
            )
        )
    return sorted(items, key=lambda item: _sort_key(item.due))


def milestone_kinds() -> list[tuple[str, str]]:
    return list(MilestoneKind.choices)
