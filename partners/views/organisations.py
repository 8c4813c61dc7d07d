"""Organisation pages: the list (search and filters), an organisation's tabs, adding and editing
one (with the version check), its security summary, and its authorised contacts."""

from __future__ import annotations

from datetime import date
from functools import cached_property

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify
from django.views import View
from django.views.generic import DetailView, ListView

from partners.forms import ContactForm, OrganisationEditForm, OrganisationForm
from partners.links import link_maker
from partners.models import Organisation, OrganisationType
from partners.permissions import MembershipRequiredMixin
from partners.roles import can
from partners.security.audit import SECURITY_SUMMARY, access_record
from partners.security.models import AccessAction
from partners.selectors import (
    contact_get,
    contacts_for_organisation,
    organisation_change_history,
    organisation_get,
    organisation_table,
    training_status_for_organisation,
)
from partners.services import (
    ConcurrentEdit,
    contact_add,
    contact_update,
    organisation_create,
    organisation_set_designated_managers,
    organisation_update,
)
from partners.views.base import ServiceFormView, document_name, document_response


class OrganisationListView(MembershipRequiredMixin, ListView):
    """The partnership's organisations, searchable by name and filtered by type and status.

    One URL serves both the page and, for htmx's requests as the user types or changes a
    filter, just the results (`Vary: HX-Request` keeps caches from mixing the two up). A history
    restore asks for the whole page.
    """

    required_capability = "organisations.view"
    template_name = "partners/organisation_list.html"
    fragment_template_name = "partners/_organisation_results.html"
    context_object_name = "organisations"
    paginate_by = 100
    STATUSES = {"active": True, "inactive": False}

    def get_queryset(self):
        return organisation_table(
            search=self.search, type=self.type, is_active=self.STATUSES.get(self.status)
        )

    @property
    def search(self) -> str:
        return self.request.GET.get("q", "").strip()[:200]

    @property
    def type(self) -> str:
        chosen = self.request.GET.get("type", "")
        return chosen if chosen in OrganisationType.values else ""

    @property
    def status(self) -> str:
        chosen = self.request.GET.get("status", "")
        return chosen if chosen in self.STATUSES else ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            rows=organisation_rows(context["organisations"]),
            search=self.search,
            type=self.type,
            status=self.status,
            filtered=bool(self.type or self.status),
            types=OrganisationType.choices,
            can_manage=can(self.request.membership, "organisations.manage"),
        )
        return context

    def get_template_names(self) -> list[str]:
        htmx = self.request.htmx
        if htmx and not htmx.history_restore_request:
            return [self.fragment_template_name]
        return [self.template_name]

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        patch_vary_headers(response, ["HX-Request"])
        return response


def organisation_rows(organisations) -> list[dict]:
    """What the directory's table writes for each organisation, worked out here: a link
    reversed and a choice label looked up by the template for each of a hundred rows were most
    of the page's time (docs/performance.md, (h))."""
    detail_url = link_maker("organisation_detail", "public_id")
    types = dict(OrganisationType.choices)
    return [
        {
            "url": detail_url(organisation.public_id),
            "name": organisation.name,
            "type": types.get(organisation.type, organisation.type),
            "part_of": organisation.parent.name if organisation.parent_id else "",
            "is_active": organisation.is_active,
        }
        for organisation in organisations
    ]


class OrganisationDetailView(MembershipRequiredMixin, DetailView):
    """An organisation: its summary, authorised contacts, people with the state of their
    training, and the history of changes, each in a tab."""

    required_capability = "organisations.view"
    template_name = "partners/organisation_detail.html"
    context_object_name = "organisation"

    def get_object(self, queryset=None):
        return organisation_get(public_id=self.kwargs["public_id"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = self.object
        today = timezone.localdate()
        parts = ("address_line_1", "address_line_2", "town", "postcode")
        context["address_lines"] = [
            value for value in (getattr(organisation, part, "") for part in parts) if value
        ]
        context.update(
            today=today,
            can_manage=can(self.request.membership, "organisations.manage"),
            can_see_people=can(self.request.membership, "memberships.view"),
            designated_managers=organisation.designated_managers.select_related("user").order_by(
                "user__full_name"
            ),
            services=organisation.children.order_by("name"),
            current_contacts=contacts_for_organisation(
                organisation=organisation, on=today, current=True
            ).order_by("name"),
            other_contacts=contacts_for_organisation(
                organisation=organisation, on=today, current=False
            ).order_by("-valid_from", "name"),
            people=training_status_for_organisation(organisation=organisation, on=today),
            history=organisation_change_history(organisation=organisation),
            security_summary_name=document_name(organisation.security_summary),
        )
        return context


class OrganisationCreateView(ServiceFormView):
    required_capability = "organisations.manage"
    template_name = "partners/organisation_form.html"
    form_class = OrganisationForm
    success_message = "{result.name} has been added."

    def get_initial(self):
        return {"is_active": True}

    def perform(self, form):
        return organisation_create(actor=self.request.membership, **form.organisation_fields())

    def success_url_for(self, organisation) -> str:
        return reverse("organisation_detail", kwargs={"public_id": organisation.public_id})


class OrganisationEditView(ServiceFormView):
    """Edit an organisation. The form carries the version it was loaded with; if someone else
    saved the organisation since, the save is refused and the page shows what they changed,
    keeping everything this user typed."""

    required_capability = "organisations.manage"
    template_name = "partners/organisation_form.html"
    form_class = OrganisationEditForm
    success_message = "Your changes to {result.name} have been saved."

    @cached_property
    def organisation(self) -> Organisation:
        return organisation_get(public_id=self.kwargs["public_id"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.organisation}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organisation"] = self.organisation
        context["security_summary_name"] = document_name(self.organisation.security_summary)
        return context

    def perform(self, form):
        actor = self.request.membership
        organisation = organisation_update(
            actor=actor,
            organisation=self.organisation,
            expected_version=form.cleaned_data["version"],
            **form.organisation_fields(),
        )
        organisation_set_designated_managers(
            actor=actor,
            organisation=organisation,
            managers=list(form.cleaned_data["designated_managers"]),
        )
        return organisation

    def service_refused(self, form, error: ValidationError):
        # Read the organisation again: the copy the service was given holds what the user
        # typed, and the page around the form shows what is saved.
        del self.organisation
        if not isinstance(error, ConcurrentEdit):
            return super().service_refused(form, error)
        form.add_error(None, error.messages)
        their_changes = _changes_since(form, self.organisation)
        context = self.get_context_data(form=form, their_changes=their_changes)
        return self.render_to_response(context, status=409)

    def success_url_for(self, organisation) -> str:
        return reverse("organisation_detail", kwargs={"public_id": organisation.public_id})


def _changes_since(form, saved: Organisation) -> list[dict]:
    """The fields whose saved value differs from what the user typed: what the other person
    changed (or what this user is changing), so they can decide what to keep."""
    changes = []
    for name in (*form.Meta.fields, "parent"):
        if name in form.cleaned_data and form.cleaned_data[name] != getattr(saved, name):
            changes.append({"label": form[name].label, "saved": _display(saved, name)})
    return changes


def _display(organisation: Organisation, name: str) -> str:
    value = getattr(organisation, name)
    if value is None or value == "":
        return "Not set"
    if Organisation._meta.get_field(name).choices:
        return getattr(organisation, f"get_{name}_display")()
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    return str(value)


class SecuritySummaryView(MembershipRequiredMixin, View):
    """The organisation's security summary document, for members of its partnership only."""

    required_capability = "organisations.view"

    def get(self, request, public_id):
        organisation = organisation_get(public_id=public_id)
        response = document_response(
            organisation.security_summary,
            download_name=f"{slugify(organisation.name)[:80]}-security-summary",
        )
        access_record(
            request=request,
            action=AccessAction.DOWNLOAD,
            object_type=SECURITY_SUMMARY,
            object_id=organisation.public_id,
        )
        return response


# --- Authorised contacts ---------------------------------------------------------------------


class ContactAddView(ServiceFormView):
    required_capability = "organisations.manage"
    template_name = "partners/contact_form.html"
    form_class = ContactForm
    success_message = "{result.name} has been added as an authorised contact."

    @cached_property
    def organisation(self) -> Organisation:
        return organisation_get(public_id=self.kwargs["public_id"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(organisation=self.organisation, **kwargs)

    def perform(self, form):
        return contact_add(
            actor=self.request.membership, organisation=self.organisation, **form.cleaned_data
        )

    def success_url_for(self, contact) -> str:
        url = reverse("organisation_detail", kwargs={"public_id": self.organisation.public_id})
        return f"{url}#contacts"


class ContactEditView(ContactAddView):
    success_message = "The details of {result.name} have been saved."

    @cached_property
    def contact(self):
        return contact_get(organisation=self.organisation, public_id=self.kwargs["contact_id"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.contact}

    def get_context_data(self, **kwargs):
        return super().get_context_data(contact=self.contact, **kwargs)

    def perform(self, form):
        return contact_update(
            actor=self.request.membership, contact=self.contact, **form.cleaned_data
        )

    def service_refused(self, form, error: ValidationError):
        del self.contact  # the service's copy holds what the user typed; show what is saved
        return super().service_refused(form, error)
