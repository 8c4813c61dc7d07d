"""Finding a child, opening a record (with duplicate detection), a child's record page and
editing the child's details."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from consent import services
from consent.audit import audit_child
from consent.choices import ConsentStatus
from consent.forms import AccessRequestForm, FindChildForm, SubjectCreateForm, SubjectEditForm
from consent.models import TeamMember
from consent.selectors import (
    access_requests_for,
    consent_cards_for,
    consent_form_agreements,
    consent_settings,
    due_review_at_twelve,
    needs_young_person_renewal,
    subject_find,
)
from consent.validators import age_on, format_nhs_number
from consent.views.base import ChildFormPage, SubjectMixin, subject_url
from partners.fields import add_service_errors
from partners.links import link_maker
from partners.permissions import MembershipRequiredMixin
from partners.reminders import long_date
from partners.roles import can

# A search shows at most this many children: narrow it down rather than page through.
RESULTS_LIMIT = 25


class FindChildView(MembershipRequiredMixin, FormView):
    """Search the children the user may see. The search is POSTed (with htmx, only the results
    are swapped in): what is typed names a child, so it never appears in a URL or a log line."""

    required_capability = "consent.view"
    template_name = "consent/find.html"
    form_class = FindChildForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_record"] = can(self.request.membership, "consent.record")
        return context

    def form_valid(self, form):
        found = list(
            subject_find(viewer=self.request.membership, text=form.cleaned_data["query"])[
                : RESULTS_LIMIT + 1
            ]
        )
        context = self.get_context_data(
            form=form,
            searched=True,
            results=found[:RESULTS_LIMIT],
            more=len(found) > RESULTS_LIMIT,
        )
        template = "consent/_find_results.html" if self.request.htmx else self.template_name
        return self.response_class(
            request=self.request, template=[template], context=context, using=self.template_engine
        )

    def form_invalid(self, form):
        template = "consent/_find_results.html" if self.request.htmx else self.template_name
        return self.response_class(
            request=self.request,
            template=[template],
            context=self.get_context_data(form=form),
            using=self.template_engine,
            status=400,
        )


class SubjectCreateView(MembershipRequiredMixin, FormView):
    """Open a record for a child. A likely duplicate is refused with the existing records the
    user may see, to open instead, and a box to confirm that this is a different child."""

    required_capability = "consent.record"
    template_name = "consent/subject_form.html"
    form_class = SubjectCreateForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(creating=True, **kwargs)

    def form_valid(self, form):
        try:
            with transaction.atomic():
                subject = services.subject_create(
                    actor=self.request.membership,
                    confirmed_different=form.cleaned_data.get("confirmed_different", False),
                    **form.subject_fields(),
                )
        except services.PossibleDuplicate as duplicate:
            form.add_error(None, duplicate.messages)
            if not duplicate.same_identifier:
                form.offer_confirmation()
            context = self.get_context_data(form=form, duplicate=duplicate)
            return self.render_to_response(context, status=409)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "The child's record has been opened.")
        return redirect(subject_url(subject))

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class SubjectEditView(SubjectMixin, ChildFormPage):
    required_capability = "consent.record"
    template_name = "consent/subject_form.html"
    form_class = SubjectEditForm
    success_message = "The child's details have been saved."

    def page_subject(self):
        return self.subject

    def get_initial(self):
        subject = self.subject
        initial = {name: getattr(subject, name) for name in services.subjects.SUBJECT_FIELDS}
        initial["current_setting"] = subject.current_setting
        initial["version"] = subject.version
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject=self.subject, **kwargs)

    def perform(self, form):
        return services.subject_update(
            actor=self.request.membership,
            subject=self.subject,
            expected_version=form.cleaned_data["version"],
            **form.subject_fields(),
        )

    def service_refused(self, form, error):
        # The service's copy holds what was typed; the page around the form shows what is saved.
        self.__dict__.pop("subject", None)
        return super().service_refused(form, error)

    def success_url_for(self, subject) -> str:
        return subject_url(subject)


class SubjectDetailView(SubjectMixin, MembershipRequiredMixin, TemplateView):
    """A child's record: details, the team around the child, consents with their timelines and
    flags, subject access requests, and consent forms to print."""

    required_capability = "consent.view"
    template_name = "consent/subject_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        viewer, subject = self.request.membership, self.subject
        today = timezone.localdate()
        consents = consent_cards(consent_cards_for(viewer=viewer, subject=subject), today=today)
        team = list(
            TeamMember.objects.filter(subject=subject)
            .select_related("organisation", "membership__user")
            .order_by("-is_lead", "ended_on", "started_on", "id")
        )
        context.update(
            subject=subject,
            age=age_on(subject.date_of_birth, today),
            nhs_number=format_nhs_number(subject.nhs_number),
            team=[member for member in team if member.is_current],
            past_team=[member for member in team if not member.is_current],
            consents=consents,
            access_requests=list(access_requests_for(viewer=viewer, subject=subject)),
            form_agreements=list(consent_form_agreements(viewer=viewer)),
            can_record=can(viewer, "consent.record"),
            can_see_access_log=can(viewer, "security.access_log"),
        )
        audit_child(self.request, subject)
        return context


def consent_cards(consents, *, today) -> list[dict]:
    """What the child's record writes of each consent and its flags, worked out here rather than
    by template lookups, filters, a reversed link and four related managers per consent: they
    were a fifth of the page's time (docs/performance.md, (b))."""
    settings = consent_settings()
    detail_url = link_maker("consent:consent_detail", "id")
    cards = []
    for consent in consents:
        standing = consent.status == ConsentStatus.GIVEN
        recipients = [link.organisation.name for link in consent.recipient_links.all()]
        parties = [party.name for party in consent.third_parties.all()]
        cards.append(
            {
                "consent": consent,
                "url": detail_url(consent.public_id),
                "title": f"{consent.get_decision_display()} on {long_date(consent.given_on)}",
                "given_by": f"{consent.giver_name} ({consent.relationship_label})",
                "purposes": [purpose.description for purpose in consent.purposes.all()],
                "recipients": recipients,
                "third_parties": parties,
                "review_due": (
                    long_date(consent.review_due) if consent.review_due and standing else ""
                ),
                "timeline": [
                    f"{long_date(event.on)}: {event.get_kind_display()}"
                    for event in consent.events.all()
                ],
                "review_overdue": standing
                and consent.review_due is not None
                and consent.review_due <= today,
                "young_person_renewal": standing and needs_young_person_renewal(consent, today),
                "review_at_twelve": standing
                and settings.review_at_twelve
                and due_review_at_twelve(consent, today),
            }
        )
    return cards


class AccessRequestView(SubjectMixin, ChildFormPage):
    """Record a subject access request about the child (UK GDPR Article 15)."""

    required_capability = "consent.record"
    form_class = AccessRequestForm
    heading = "Record a subject access request"
    submit_label = "Record the request"
    success_message = "The subject access request has been recorded."

    def page_subject(self):
        return self.subject

    def get_intro(self):
        return (
            "For a child over 12, when a parent asks on the child's behalf, record whether the "
            "child's confirmation was sought, and their answer (SEND partnership policy).",
        )

    def perform(self, form):
        return services.subject_access_request_record(
            actor=self.request.membership, subject=self.subject, **form.cleaned_data
        )

    def success_url_for(self, request) -> str:
        return subject_url(self.subject, "access-requests")
