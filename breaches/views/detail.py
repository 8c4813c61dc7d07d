"""A breach's page: its details and deadlines, the timeline of its milestones (due, done, by
whom, on what evidence), the partners told, the partners' meeting, the ICO assessment and the
indemnity events; and the documents recorded with them, each served only after the same check.
Every view and every download is written to the access audit."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property

from django.utils import timezone
from django.utils.text import slugify
from django.views import View
from django.views.generic import TemplateView

from breaches.choices import BreachStatus, MeetingStep, MilestoneKind
from breaches.models import IcoAssessment
from breaches.selectors import (
    breach_actions,
    breach_convener_id,
    breach_may_act,
    breach_meeting,
    breach_milestones,
    breach_partner_notifications,
    breach_timeline,
    indemnity_events_visible_to,
    meeting_get_for,
    meeting_step,
    milestone_get_for,
)
from breaches.views.base import BREACH, BREACH_DOCUMENT, BreachPage
from partners.permissions import MembershipRequiredMixin
from partners.reminders import local_today
from partners.roles import can
from partners.security.audit import access_record
from partners.security.models import AccessAction
from partners.views.base import document_name, document_response

K = MilestoneKind
S = MeetingStep
# The steps of the meeting in order, for "what happens next" on the page.
MEETING_STEPS = list(S)


def state_colour(state: str) -> str:
    return {
        "overdue": "red",
        "due_today": "orange",
        "due": "blue",
        "done": "green",
        "done_late": "pink",
        "waiting": "grey",
    }.get(state, "grey")


class BreachDetailView(BreachPage, MembershipRequiredMixin, TemplateView):
    required_capability = "breaches.view"
    template_name = "breaches/breach_detail.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        access_record(
            request=request,
            action=AccessAction.VIEW,
            object_type=BREACH,
            object_id=self.breach.public_id,
        )
        return response

    @cached_property
    def convener_id(self) -> int:
        return breach_convener_id(self.breach)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        viewer, breach = self.request.membership, self.breach
        today = local_today(breach.tenant)
        is_open = breach.status == BreachStatus.OPEN
        reporter, in_breach = breach.reporting_organisation_id, breach.organisation_in_breach_id
        milestones = breach_milestones(breach=breach, on=today)
        partners = list(breach_partner_notifications(breach=breach))
        meeting = breach_meeting(breach=breach)
        step = meeting_step(meeting)
        assessment = (
            IcoAssessment.objects.filter(breach=breach).select_related("decided_by__user").first()
        )
        may = {
            "tell": is_open and breach_may_act(viewer, reporter),
            "distribute": is_open and breach_may_act(viewer, in_breach),
            "convene": is_open and breach_may_act(viewer, self.convener_id),
            "assess": is_open and breach_may_act(viewer, in_breach, reporter),
            "close": is_open and can(viewer, "breaches.manage"),
            "withdraw": is_open and breach_may_act(viewer, reporter),
            "indemnity": can(viewer, "breaches.report"),
        }
        context.update(
            breach=breach,
            today=today,
            milestones=[
                {
                    "status": status,
                    "colour": state_colour(status.state),
                    "may_complete": status.milestone.done_on is None
                    and (
                        (status.milestone.kind == K.REPORT_DISTRIBUTED and may["distribute"])
                        or (
                            status.milestone.kind == K.PARTNERS_NOTIFIED
                            and may["tell"]
                            and not partners
                        )
                    ),
                    "evidence_document": document_name(status.milestone.evidence_file),
                }
                for status in milestones
            ],
            overdue=[status for status in milestones if status.is_overdue],
            partners=[
                {
                    "row": row,
                    "may_tell": may["tell"] and row.told_on is None,
                    "may_acknowledge": is_open
                    and row.told_on is not None
                    and row.acknowledged_on is None
                    and breach_may_act(viewer, row.organisation_id, reporter),
                }
                for row in partners
            ],
            partners_told=sum(1 for row in partners if row.told_on),
            meeting=meeting,
            meeting_step=step,
            meeting_reached={
                s.value: MEETING_STEPS.index(s) <= MEETING_STEPS.index(step) for s in S
            },
            minutes_document=document_name(meeting.minutes_file) if meeting else "",
            actions=[
                {
                    "row": action,
                    "may_complete": action.completed_on is None
                    and breach_may_act(viewer, action.owner_organisation_id, self.convener_id),
                }
                for action in breach_actions(breach=breach)
            ],
            assessment=assessment,
            assessment_overdue=bool(
                assessment and not assessment.completed_at and assessment.due_at < timezone.now()
            ),
            indemnity_events=indemnity_events_visible_to(viewer)
            .filter(breach=breach)
            .select_related("suffering_partner", "alleged_contributor"),
            timeline=[
                {"at": entry.at, "what": entry.what, "timed": isinstance(entry.at, datetime)}
                for entry in breach_timeline(breach=breach)
            ],
            may=may,
            is_open=is_open,
        )
        return context


class DocumentDownload(MembershipRequiredMixin, View):
    """A document recorded with a breach, for those who may see the record it belongs to, named
    by what it is (never by the name it was uploaded with)."""

    required_capability = "breaches.view"

    def document(self, public_id):
        """(the public id of the breach or event, the file, the download's name)."""
        raise NotImplementedError

    def get(self, request, public_id):
        owner_id, document, name = self.document(public_id)
        response = document_response(document, download_name=name)
        access_record(
            request=request,
            action=AccessAction.DOWNLOAD,
            object_type=BREACH_DOCUMENT,
            object_id=owner_id,
        )
        return response


class MilestoneEvidenceView(DocumentDownload):
    def document(self, public_id):
        milestone = milestone_get_for(self.request.membership, public_id)
        name = f"breach-{slugify(milestone.get_kind_display())[:40]}-evidence"
        return milestone.breach.public_id, milestone.evidence_file, name


class MinutesFileView(DocumentDownload):
    def document(self, public_id):
        meeting = meeting_get_for(self.request.membership, public_id)
        return meeting.breach.public_id, meeting.minutes_file, "breach-meeting-minutes"
