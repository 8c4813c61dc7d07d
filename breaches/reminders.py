"""The breaches' reminder sources, registered in `BreachesConfig.ready()` with the one reminder
sweep (notifications.services.reminders_sweep), which keeps the ledger and sends each once.

- "breaches.milestones": each open milestone of an open breach, due in 2 working days, due
  today, overdue (the next working day) to the managers of the organisation responsible for it,
  then escalated to the partnership's IG officers 2 working days later.
- "breaches.ico_assessment": the 72-hour personal data breach assessment, 24 hours before its
  deadline to the managers of the organisation in breach, and when it runs out to them and, in
  escalation, to the IG officers.
- "breaches.indemnity": the alleged contributor's written response (Haringey 11.1(b)), like a
  milestone, to the contributor's managers and then the IG officers.

When an organisation has no manager in Sharewell, its reminders go to the IG officers instead,
so that nobody's deadline passes unseen. A source gives every reminder due by `until` that still
applies (a milestone done or a breach closed gives nothing), with the due times worked out from
the deadline alone, so a source that runs twice gives the same reminders and the ledger sends
each once. The notices name organisations, agreements and dates only: never the description,
which may be about a child.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from uuid import UUID

from breaches.choices import BreachStatus
from breaches.deadlines import (
    DUE_SOON,
    DUE_TODAY,
    ESCALATED,
    OVERDUE,
    Stage,
    clock_stages,
    stages_reached,
    working_day_stages,
)
from breaches.models import IcoAssessment, IndemnityEvent, Milestone
from notifications.reminders import DueReminder, register_reminder_source
from partners.models import Membership, Organisation, Tenant
from partners.reminders import ig_officers, local_date, long_date, managers_of, tenant_zone

# Far enough ahead to hold any deadline whose "due in 2 working days" has come: two working
# days across a weekend and the Christmas bank holidays span at most eight calendar days.
LOOK_AHEAD = timedelta(days=14)


class _People:
    """Who is told, looked up once per sweep of a partnership."""

    def __init__(self) -> None:
        self._managers: dict[int, list[Membership]] = {}
        self._officers: list[Membership] | None = None

    def officers(self) -> list[Membership]:
        if self._officers is None:
            self._officers = ig_officers()
        return self._officers

    def managers(self, organisation_id: int) -> list[Membership]:
        if organisation_id not in self._managers:
            self._managers[organisation_id] = managers_of(organisation_id)
        return self._managers[organisation_id]

    def for_stage(
        self, stage: Stage, organisation: Organisation, role: str
    ) -> tuple[list[Membership], str]:
        """The organisation's managers, or at escalation (or when it has none) the IG officers,
        and the reason each is told."""
        if stage.kind == ESCALATED:
            return self.officers(), (
                "You are an IG officer of the partnership; overdue deadlines are escalated to you."
            )
        managers = self.managers(organisation.pk)
        if managers:
            return managers, f"You are a manager of {organisation.name}, {role}."
        return self.officers(), (
            f"Nobody at {organisation.name} is a manager in Sharewell, so the partnership's IG "
            "officers are told."
        )


_HEADLINE = {
    DUE_SOON: "Due {when}",
    DUE_TODAY: "Due today",
    OVERDUE: "Overdue",
    ESCALATED: "Escalated: overdue",
}


def _reminder(
    *,
    stage: Stage,
    object_id: UUID,
    people: tuple[list[Membership], str],
    what: str,
    about: str,
    deadline: str,
    link: str,
) -> DueReminder | None:
    recipients, reason = people
    if not recipients:
        return None
    headline = _HEADLINE[stage.kind].format(when=deadline)
    state = {
        DUE_SOON: f"is due by {deadline}",
        DUE_TODAY: f"is due today, {deadline}",
        OVERDUE: f"was due by {deadline} and has not been recorded",
        ESCALATED: f"was due by {deadline} and is still not recorded",
    }[stage.kind]
    return DueReminder(
        object_id=object_id,
        kind=stage.kind,
        due_at=stage.at,
        recipients=recipients,
        title=f"{headline}: {what} — {about}",
        body=f"{what} for the {about} {state}.",
        link=link,
        reason=reason,
    )


def milestone_reminders(*, tenant: Tenant, until: datetime) -> Iterator[DueReminder]:
    people = _People()
    milestones = Milestone.objects.filter(
        breach__status=BreachStatus.OPEN,
        done_on__isnull=True,
        due_on__isnull=False,
        due_on__lte=local_date(until, tenant) + LOOK_AHEAD,
    ).select_related(
        "breach__agreement", "breach__organisation_in_breach", "responsible_organisation"
    )
    for milestone in milestones:
        breach = milestone.breach
        about = (
            f"breach of {breach.agreement.title} by {breach.organisation_in_breach.name} "
            f"identified on {long_date(breach.identified_on)}"
        )
        stages = working_day_stages(milestone.due_on, breach.region, tenant)
        for stage in stages_reached(stages, until):
            reminder = _reminder(
                stage=stage,
                object_id=milestone.public_id,
                people=people.for_stage(
                    stage, milestone.responsible_organisation, "which is responsible for this step"
                ),
                what=milestone.get_kind_display(),
                about=about,
                deadline=long_date(milestone.due_on),
                link=f"/breaches/{breach.public_id}/",
            )
            if reminder is not None:
                yield reminder


def ico_assessment_reminders(*, tenant: Tenant, until: datetime) -> Iterator[DueReminder]:
    people = _People()
    zone = tenant_zone(tenant)
    assessments = IcoAssessment.objects.filter(
        breach__status=BreachStatus.OPEN,
        completed_at__isnull=True,
        due_at__lte=until + LOOK_AHEAD,
    ).select_related("breach__agreement", "breach__organisation_in_breach")
    for assessment in assessments:
        breach = assessment.breach
        due = assessment.due_at.astimezone(zone)
        about = (
            f"personal data breach of {breach.agreement.title} by "
            f"{breach.organisation_in_breach.name}"
        )
        what = (
            "The report to the ICO"
            if assessment.must_report
            else "The decision whether to report it to the ICO (72 hours)"
        )
        for stage in stages_reached(clock_stages(assessment.due_at), until):
            reminder = _reminder(
                stage=stage,
                object_id=assessment.public_id,
                people=people.for_stage(
                    stage, breach.organisation_in_breach, "the organisation in breach"
                ),
                what=what,
                about=about,
                deadline=f"{due:%H:%M} on {long_date(due.date())}",
                link=f"/breaches/{breach.public_id}/",
            )
            if reminder is not None:
                yield reminder


def indemnity_reminders(*, tenant: Tenant, until: datetime) -> Iterator[DueReminder]:
    people = _People()
    events = IndemnityEvent.objects.filter(
        responded_on__isnull=True,
        response_due_on__lte=local_date(until, tenant) + LOOK_AHEAD,
    ).select_related("agreement", "suffering_partner", "alleged_contributor")
    for event in events:
        about = (
            f"indemnity event notified by {event.suffering_partner.name} under "
            f"{event.agreement.title} on {long_date(event.notified_on)}"
        )
        stages = working_day_stages(event.response_due_on, event.region, tenant)
        for stage in stages_reached(stages, until):
            reminder = _reminder(
                stage=stage,
                object_id=event.public_id,
                people=people.for_stage(
                    stage, event.alleged_contributor, "the alleged contributor"
                ),
                what=f"The written response of {event.alleged_contributor.name}",
                about=about,
                deadline=long_date(event.response_due_on),
                link=f"/breaches/indemnity/{event.public_id}/",
            )
            if reminder is not None:
                yield reminder


def register() -> None:
    register_reminder_source("breaches.milestones", milestone_reminders)
    register_reminder_source("breaches.ico_assessment", ico_assessment_reminders)
    register_reminder_source("breaches.indemnity", indemnity_reminders)
