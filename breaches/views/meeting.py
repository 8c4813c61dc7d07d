"""The partners' meeting about a breach (Haringey 6.3–6.6), one page per step: scheduled, held,
who attended, the organisation in breach presents and withdraws, the partners decide actions and
sanctions, it is recalled and told, and the minutes are written or uploaded and circulated
(which completes the last milestone). The agreement's owner convenes it: its managers and the
IG officer record it."""

from __future__ import annotations

from functools import cached_property

from django.http import Http404

from breaches import services
from breaches.forms import (
    ActionCompleteForm,
    ActionForm,
    AttendeeForm,
    CirculateForm,
    DecideForm,
    MeetingHeldForm,
    MeetingScheduleForm,
    MinutesForm,
    PresentedForm,
    RecalledForm,
    WithdrewForm,
)
from breaches.models import AgreedAction, BreachMeeting, BreachReport
from breaches.selectors import agreed_action_get_for, breach_convener_id
from breaches.views.base import BreachStepPage, StepPage


class MeetingStep(BreachStepPage):
    section = "meeting"

    def acting_for(self):
        return (breach_convener_id(self.breach),)

    @cached_property
    def meeting(self) -> BreachMeeting:
        """The meeting, once it has been scheduled or held (a 404 before: nothing to record)."""
        found = BreachMeeting.objects.filter(breach=self.breach).first()
        if found is None:
            raise Http404("The meeting has not been scheduled or held yet.")
        return found


class MeetingScheduleView(MeetingStep):
    form_class = MeetingScheduleForm
    heading = "Schedule the partners' meeting"
    submit_label = "Schedule the meeting"
    intro = ("The partners' managers are told when and where it is.",)
    success_message = "The meeting has been scheduled."

    def perform(self, form):
        return services.breach_meeting_schedule(
            actor=self.request.membership,
            breach=self.breach,
            **form.moment_fields(self.breach.tenant),
        )


class MeetingHeldView(MeetingStep):
    form_class = MeetingHeldForm
    heading = "Record that the partners' meeting was held"
    submit_label = "Save"
    today_fields = ("held_on",)
    intro = (
        "This meets the meeting milestone. The minutes fall due the agreement's working days "
        "after the day it was held.",
    )
    success_message = "The meeting has been recorded as held."

    def perform(self, form):
        return services.breach_meeting_held(
            actor=self.request.membership, breach=self.breach, **form.cleaned_data
        )


class AttendeeAddView(MeetingStep):
    form_class = AttendeeForm
    heading = "Add someone who attended"
    submit_label = "Add the attendee"

    def perform(self, form):
        return services.breach_meeting_add_attendee(
            actor=self.request.membership, meeting=self.meeting, **form.cleaned_data
        )

    def success_message_for(self, attendee) -> str:
        return f"{attendee.name} has been added."


class _OnTheDayStep(MeetingStep):
    """A step taken during the meeting, at a time on the day it was held."""

    service = None
    moment_name = ""
    text_fields: tuple[str, ...] = ()

    def load_object(self) -> None:
        super().load_object()
        if self.meeting.held_on is None:
            raise Http404("The meeting has not been held yet.")

    def perform(self, form):
        service = type(self).service
        return service(
            actor=self.request.membership,
            meeting=self.meeting,
            **{self.moment_name: form.moment(self.meeting)},
            **{name: form.cleaned_data[name] for name in self.text_fields},
        )


class PresentedView(_OnTheDayStep):
    form_class = PresentedForm
    service = services.breach_meeting_presented
    moment_name = "presented_at"
    text_fields = ("presentation",)
    heading = "Record the presentation by the organisation in breach"
    intro = ("It presents its report, including any action taken since (Haringey 6.4).",)
    submit_label = "Save"
    success_message = "The presentation has been recorded."


class WithdrewView(_OnTheDayStep):
    form_class = WithdrewForm
    service = services.breach_meeting_withdrew
    moment_name = "withdrew_at"
    heading = "Record that the organisation in breach withdrew"
    intro = ("It withdraws so that the remaining partners can consider its report.",)
    submit_label = "Save"
    success_message = "Its withdrawal has been recorded."


class DecideView(_OnTheDayStep):
    form_class = DecideForm
    service = services.breach_meeting_decide
    moment_name = "decided_at"
    text_fields = ("sanctions", "deliberation")
    heading = "Record the partners' decision"
    intro = ("Add the agreed actions with their owners and due dates on the breach's page.",)
    submit_label = "Save the decision"
    success_message = "The decision has been recorded."


class RecalledView(_OnTheDayStep):
    form_class = RecalledForm
    service = services.breach_meeting_recalled
    moment_name = "recalled_at"
    text_fields = ("recall_notes",)
    heading = "Record that the organisation in breach was recalled and told"
    intro = ("It is recalled and verbally told of the agreed action and sanctions (6.5).",)
    submit_label = "Save"
    success_message = "The recall has been recorded."


class ActionAddView(MeetingStep):
    form_class = ActionForm
    heading = "Add an agreed action"
    submit_label = "Add the action"
    success_message = "The action has been added."

    def perform(self, form):
        return services.breach_action_add(
            actor=self.request.membership, breach=self.breach, **form.cleaned_data
        )


class MinutesView(MeetingStep):
    form_class = MinutesForm
    heading = "The minutes of the meeting"
    submit_label = "Save the minutes"
    success_message = "The minutes have been saved."

    def get_initial(self):
        return {**super().get_initial(), "minutes_text": self.meeting.minutes_text}

    def perform(self, form):
        return services.breach_minutes_record(
            actor=self.request.membership, meeting=self.meeting, **form.cleaned_data
        )


class CirculateView(MeetingStep):
    form_class = CirculateForm
    heading = "Record that the minutes were circulated"
    submit_label = "Save"
    today_fields = ("circulated_on",)
    intro = ("This meets the last milestone (Haringey 6.6).",)
    success_message = "The minutes have been recorded as circulated."

    def perform(self, form):
        return services.breach_minutes_circulate(
            actor=self.request.membership, meeting=self.meeting, **form.cleaned_data
        )


class ActionCompleteView(StepPage):
    form_class = ActionCompleteForm
    heading = "Mark the agreed action as done"
    submit_label = "Mark as done"
    section = "meeting"
    success_message = "The action has been marked as done."

    @cached_property
    def action(self) -> AgreedAction:
        return agreed_action_get_for(self.request.membership, self.kwargs["public_id"])

    def load_object(self) -> None:
        _ = self.action

    def the_breach(self) -> BreachReport:
        return self.action.breach

    def acting_for(self):
        return (self.action.owner_organisation_id, breach_convener_id(self.action.breach))

    def get_intro(self):
        return (self.action.description,)

    def perform(self, form):
        return services.breach_action_complete(
            actor=self.request.membership,
            action=self.action,
            completed_on=form.cleaned_data["completed_on"],
        )
