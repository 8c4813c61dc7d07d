"""Change consultations (Bucks §1–2): the IG officer circulates a proposed change to every
signatory with a deadline; each responds agree, object or comment; after the deadline silence
counts as agreement; the IG officer sees the tally and approves or drops the change."""

from __future__ import annotations

from functools import cached_property

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from agreements import services
from agreements.choices import ConsultationStatus
from agreements.forms import ConsultationOpenForm, DecisionForm, RespondForm
from agreements.models import ChangeConsultation
from agreements.selectors import consultation_get_for, consultation_responses, consultation_tally
from agreements.views.base import (
    AgreementFormPage,
    FormPage,
    LoadsObjectFirst,
    agreement_url,
)
from partners.models import Organisation
from partners.permissions import MembershipRequiredMixin
from partners.roles import can


def consultation_url(consultation: ChangeConsultation) -> str:
    return reverse("consultation_detail", kwargs={"public_id": consultation.public_id})


class ConsultationOpenView(AgreementFormPage):
    required_capability = "agreements.manage"
    form_class = ConsultationOpenForm
    heading = "Propose a change"
    submit_label = "Send to the signatories"
    back_tab = "consultations"
    intro = (
        "The proposed change goes to every organisation that has signed. Each may agree, "
        "object or comment until the deadline; no response by then counts as agreement.",
    )
    success_message = "The proposed change has been sent to the signatories."

    def perform(self, form):
        return services.change_propose(
            actor=self.request.membership, agreement=self.agreement, **form.cleaned_data
        )

    def success_url_for(self, consultation) -> str:
        return consultation_url(consultation)


class ConsultationMixin(LoadsObjectFirst):
    @cached_property
    def consultation(self) -> ChangeConsultation:
        return consultation_get_for(self.request.membership, self.kwargs["public_id"])

    def load(self) -> None:
        _ = self.consultation

    def viewer_responds_for(self):
        """The signatory organisations the viewer may answer for: any (the IG officer), or
        their own when it is consulted."""
        responses = consultation_responses(consultation=self.consultation)
        viewer = self.request.membership
        if can(viewer, "agreements.manage"):
            return responses
        return responses.filter(organisation_id=viewer.organisation_id)


class ConsultationDetailView(ConsultationMixin, MembershipRequiredMixin, TemplateView):
    required_capability = "agreements.view"
    template_name = "agreements/consultation_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        consultation, viewer = self.consultation, self.request.membership
        today = timezone.localdate()
        is_open = consultation.status == ConsultationStatus.OPEN
        tally = consultation_tally(consultation=consultation, on=today)
        context.update(
            consultation=consultation,
            agreement=consultation.agreement,
            agreement_url=agreement_url(consultation.agreement, "consultations"),
            tally=tally,
            responses=consultation_responses(consultation=consultation),
            is_open=is_open,
            may_respond=is_open
            and not tally.deadline_passed
            and can(viewer, "agreements.respond")
            and self.viewer_responds_for().exists(),
            may_decide=is_open and can(viewer, "agreements.manage"),
            may_approve=tally.awaiting == 0,
        )
        return context


class ConsultationPage(ConsultationMixin, FormPage):
    def get_caption(self) -> str:
        return self.consultation.agreement.title

    def get_back_url(self) -> str:
        return consultation_url(self.consultation)

    def get_back_label(self) -> str:
        return "The proposed change"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            consultation=self.consultation,
            tally=consultation_tally(consultation=self.consultation),
            **kwargs,
        )

    def success_url_for(self, result) -> str:
        return consultation_url(self.consultation)


class ConsultationRespondView(ConsultationPage):
    required_capability = "agreements.respond"
    form_class = RespondForm
    heading = "Respond to the proposed change"
    submit_label = "Send the response"
    intro_template = "agreements/_consultation_summary.html"
    success_message = "The response for {result.organisation} has been recorded."

    def get(self, request, *args, **kwargs):
        self.load()
        if not self.viewer_responds_for().exists():
            raise PermissionDenied("Your organisation is not consulted on this change.")
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        viewer = self.request.membership
        fixed = None if can(viewer, "agreements.manage") else viewer.organisation
        organisations = [r.organisation_id for r in self.viewer_responds_for()]
        return {
            **super().get_form_kwargs(),
            "organisations": Organisation.objects.filter(pk__in=organisations).order_by("name"),
            "fixed": fixed,
        }

    def perform(self, form):
        return services.change_respond(
            actor=self.request.membership,
            consultation=self.consultation,
            organisation=form.responding_for(),
            reply=form.cleaned_data["reply"],
            comment=form.cleaned_data["comment"],
        )


class DecideView(ConsultationPage):
    required_capability = "agreements.manage"
    form_class = DecisionForm
    approve: bool

    def get(self, request, *args, **kwargs):
        self.load()
        if self.consultation.status != ConsultationStatus.OPEN:
            messages.error(request, "This change has already been decided.")
            return redirect(consultation_url(self.consultation))
        return super().get(request, *args, **kwargs)

    def perform(self, form):
        return services.change_decide(
            actor=self.request.membership,
            consultation=self.consultation,
            approve=self.approve,
            reason=form.cleaned_data["reason"],
        )


class ConsultationApproveView(DecideView):
    approve = True
    heading = "Approve the change"
    submit_label = "Approve the change"
    intro_template = "agreements/_consultation_summary.html"
    success_message = "The change has been approved."


class ConsultationDropView(DecideView):
    approve = False
    heading = "Drop the change"
    submit_label = "Drop the change"
    warning = True
    intro_template = "agreements/_consultation_summary.html"
    success_message = "The change has been dropped."
