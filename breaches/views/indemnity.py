"""Indemnity events (Haringey 11.1): the suffering partner's written notice to an alleged
contributor, the contributor's written response within the agreement's working days (four unless
it says otherwise), and the response document."""

from __future__ import annotations

from functools import cached_property

from django.urls import reverse
from django.views.generic import TemplateView

from agreements.views.base import LoadsObjectFirst
from breaches import services
from breaches.forms import IndemnityNotifyForm, IndemnityResponseForm
from breaches.models import BreachReport, IndemnityEvent
from breaches.selectors import breach_may_act, indemnity_event_get_for
from breaches.views.base import INDEMNITY_EVENT, BreachStepPage, StepPage, breach_url
from breaches.views.detail import DocumentDownload
from partners.permissions import MembershipRequiredMixin
from partners.reminders import local_today
from partners.security.audit import access_record
from partners.security.models import AccessAction
from partners.views.base import document_name


def indemnity_url(event: IndemnityEvent) -> str:
    return reverse("indemnity_detail", kwargs={"public_id": event.public_id})


class IndemnityNotifyView(BreachStepPage):
    form_class = IndemnityNotifyForm
    heading = "Record an indemnity notice"
    submit_label = "Record the notice"
    section = "indemnity"
    intro = (
        "The suffering partner notifies in writing the partner whose act, omission or "
        "negligence is alleged to have contributed, with full details, and the council unless "
        "it is one of them (Haringey 11.1).",
    )
    today_fields = ("notified_on",)

    def acting_for(self):
        # Any partner may suffer a claim; the IG officer records anyone's notice.
        return (self.request.membership.organisation_id,)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "viewer": self.request.membership}

    def perform(self, form):
        return services.indemnity_notify(
            actor=self.request.membership,
            agreement=self.breach.agreement,
            breach=self.breach,
            **form.notice_fields(),
        )

    def success_message_for(self, event) -> str:
        return (
            f"The notice has been recorded. {event.alleged_contributor} is to respond in writing "
            f"by {event.response_due_on.day} {event.response_due_on:%B %Y}."
        )

    def success_url_for(self, event) -> str:
        return indemnity_url(event)


class IndemnityPage(LoadsObjectFirst):
    @cached_property
    def event(self) -> IndemnityEvent:
        return indemnity_event_get_for(self.request.membership, self.kwargs["public_id"])

    def load_object(self) -> None:
        _ = self.event

    def load(self) -> None:
        self.load_object()


class IndemnityDetailView(IndemnityPage, MembershipRequiredMixin, TemplateView):
    required_capability = "breaches.view"
    template_name = "breaches/indemnity_detail.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        access_record(
            request=request,
            action=AccessAction.VIEW,
            object_type=INDEMNITY_EVENT,
            object_id=self.event.public_id,
        )
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.event
        today = local_today(event.tenant)
        context.update(
            event=event,
            breach_url=breach_url(event.breach, "indemnity") if event.breach_id else "",
            overdue=event.responded_on is None and event.response_due_on < today,
            late=bool(event.responded_on and event.responded_on > event.response_due_on),
            may_respond=event.responded_on is None
            and breach_may_act(
                self.request.membership, event.alleged_contributor_id, event.suffering_partner_id
            ),
            response_document=document_name(event.response_file),
        )
        return context


class IndemnityResponseView(IndemnityPage, StepPage):
    form_class = IndemnityResponseForm
    heading = "Record the written response"
    submit_label = "Save the response"
    success_message = "The response has been recorded."
    today_fields = ("responded_on",)

    def the_breach(self) -> BreachReport | None:
        return self.event.breach

    def load(self) -> None:
        StepPage.load(self)

    def acting_for(self):
        return (self.event.alleged_contributor_id, self.event.suffering_partner_id)

    def get_caption(self) -> str:
        return str(self.event)

    def get_back_url(self) -> str:
        return indemnity_url(self.event)

    def get_back_label(self) -> str:
        return "The indemnity event"

    def success_url_for(self, result) -> str:
        return indemnity_url(self.event)

    def perform(self, form):
        return services.indemnity_record_response(
            actor=self.request.membership, event=self.event, **form.cleaned_data
        )


class IndemnityResponseFileView(DocumentDownload):
    def document(self, public_id):
        event = indemnity_event_get_for(self.request.membership, public_id)
        return event.public_id, event.response_file, "indemnity-response"
