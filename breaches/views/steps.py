"""Recording the milestones of a breach (Haringey 6.1–6.2): each partner organisation told and
its acknowledgement, and the breach report distributed, with its evidence; and the personal data
breach assessment for the ICO (UK GDPR Articles 33–34). One page and one service per step."""

from __future__ import annotations

from functools import cached_property

from django.http import Http404

from breaches import services
from breaches.forms import (
    AcknowledgedForm,
    IcoDecideForm,
    IcoReportedForm,
    MilestoneCompleteForm,
    PartnerToldForm,
    PeopleToldForm,
)
from breaches.models import BreachReport, IcoAssessment, Milestone, PartnerNotification
from breaches.selectors import milestone_get_for, partner_notification_get_for
from breaches.views.base import BreachStepPage, StepPage
from partners.reminders import long_date, tenant_zone


class PartnerStep(StepPage):
    section = "partners"

    @cached_property
    def told(self) -> PartnerNotification:
        return partner_notification_get_for(self.request.membership, self.kwargs["public_id"])

    def load_object(self) -> None:
        _ = self.told

    def the_breach(self) -> BreachReport:
        return self.told.breach


class PartnerToldView(PartnerStep):
    form_class = PartnerToldForm
    submit_label = "Save"
    today_fields = ("told_on",)
    success_message = "Recorded."

    def get_heading(self) -> str:
        return f"Record that {self.told.organisation} was told"

    def get_intro(self):
        return (
            "'Partners notified' is met on the day the last partner organisation to be told was "
            "told (Haringey 6.1).",
        )

    def acting_for(self):
        return (self.told.breach.reporting_organisation_id,)

    def perform(self, form):
        return services.breach_partner_told(
            actor=self.request.membership,
            breach=self.told.breach,
            organisation=self.told.organisation,
            **form.cleaned_data,
        )

    def success_message_for(self, told) -> str:
        return f"{told.organisation} has been recorded as told."


class PartnerAcknowledgedView(PartnerStep):
    form_class = AcknowledgedForm
    submit_label = "Save"
    today_fields = ("acknowledged_on",)

    def get_heading(self) -> str:
        return f"Record that {self.told.organisation} acknowledged it"

    def acting_for(self):
        return (self.told.organisation_id, self.told.breach.reporting_organisation_id)

    def perform(self, form):
        return services.breach_partner_acknowledged(
            actor=self.request.membership, notification=self.told, **form.cleaned_data
        )

    def success_message_for(self, told) -> str:
        return f"{told.organisation}'s acknowledgement has been recorded."


class MilestoneCompleteView(StepPage):
    form_class = MilestoneCompleteForm
    submit_label = "Record as done"
    section = "milestones"
    today_fields = ("done_on",)

    @cached_property
    def milestone(self) -> Milestone:
        return milestone_get_for(self.request.membership, self.kwargs["public_id"])

    def load_object(self) -> None:
        _ = self.milestone

    def the_breach(self) -> BreachReport:
        return self.milestone.breach

    def acting_for(self):
        return (self.milestone.responsible_organisation_id,)

    def get_heading(self) -> str:
        return f"Record: {self.milestone.get_kind_display().lower()}"

    def get_intro(self):
        due = self.milestone.due_on
        return (f"It is due by {long_date(due)}.",) if due else ()

    def perform(self, form):
        return services.breach_milestone_complete(
            actor=self.request.membership, milestone=self.milestone, **form.cleaned_data
        )

    def success_message_for(self, milestone) -> str:
        return f"{milestone.get_kind_display()}: recorded as done."


# --- The ICO assessment ------------------------------------------------------------------------


class IcoStep(BreachStepPage):
    section = "ico"

    @cached_property
    def assessment(self) -> IcoAssessment:
        found = IcoAssessment.objects.filter(breach=self.breach).first()
        if found is None:
            raise Http404("This breach has no ICO assessment.")
        return found

    def load_object(self) -> None:
        super().load_object()
        _ = self.assessment

    def acting_for(self):
        return (self.breach.organisation_in_breach_id, self.breach.reporting_organisation_id)

    def get_intro(self):
        due = self.assessment.due_at.astimezone(tenant_zone(self.breach.tenant))
        return (f"72 hours after becoming aware of it: by {due:%H:%M} on {long_date(due.date())}.",)


class IcoDecideView(IcoStep):
    form_class = IcoDecideForm
    heading = "Decide whether to report the breach to the ICO"
    submit_label = "Save the decision"
    success_message = "The decision has been recorded."

    def get_initial(self):
        assessment = self.assessment
        initial = super().get_initial()
        if assessment.decided_at:
            initial.update(
                must_report="yes" if assessment.must_report else "no",
                reasons=assessment.reasons,
                tell_people="yes" if assessment.tell_people else "no",
                tell_people_reasons=assessment.tell_people_reasons,
            )
        return initial

    def perform(self, form):
        return services.ico_assessment_decide(
            actor=self.request.membership, assessment=self.assessment, **form.cleaned_data
        )


class IcoReportedView(IcoStep):
    form_class = IcoReportedForm
    heading = "Record the report to the ICO"
    submit_label = "Save"
    today_fields = ("reported_on",)
    success_message = "The report to the ICO has been recorded."

    def perform(self, form):
        return services.ico_assessment_reported(
            actor=self.request.membership,
            assessment=self.assessment,
            **form.report_fields(self.breach.tenant),
        )


class IcoPeopleToldView(IcoStep):
    form_class = PeopleToldForm
    heading = "Record that the people affected were told"
    submit_label = "Save"
    today_fields = ("told_on",)
    success_message = "Recorded: the people affected were told."

    def perform(self, form):
        return services.ico_assessment_people_told(
            actor=self.request.membership, assessment=self.assessment, **form.cleaned_data
        )
