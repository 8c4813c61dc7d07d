"""Editing an agreement: its document control and narrative headings on one page, and each
list of its structured content on a page of its own (a formset). Both carry the version the
page was loaded with: of two people editing at once, the second save is refused with a message
and their entries are kept on the page, never silently lost."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView

from agreements.forms import AgreementEditForm, VersionForm, section_formset
from agreements.models import EDITABLE_STATUSES, Agreement
from agreements.selectors import agreement_content
from agreements.services import (
    SECTIONS,
    ConcurrentEdit,
    agreement_set_content,
    agreement_update,
    require_content_editable,
)
from agreements.views.base import AgreementFormPage, AgreementMixin, agreement_url
from partners.permissions import MembershipRequiredMixin
from partners.roles import can


class EditableOnlyMixin:
    """An agreement that is active or has ended cannot be edited: the page says why and goes
    back to the agreement rather than showing a form that would be refused."""

    def get(self, request, *args, **kwargs):
        self.load()
        if self.agreement.status not in EDITABLE_STATUSES:
            try:
                require_content_editable(request.membership, self.agreement)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            return redirect(agreement_url(self.agreement))
        return super().get(request, *args, **kwargs)


class AgreementEditView(EditableOnlyMixin, AgreementFormPage):
    required_capability = "agreements.view"
    for_edit = True
    template_name = "agreements/agreement_form.html"
    form_class = AgreementEditForm
    success_message = "Your changes to {result.title} have been saved."

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "agreement": self.agreement,
            "viewer": self.request.membership,
            "may_move_owner": can(self.request.membership, "agreements.manage"),
        }

    def perform(self, form):
        return agreement_update(
            actor=self.request.membership,
            agreement=self.agreement,
            expected_version=form.cleaned_data["version"],
            **form.agreement_fields(),
        )

    def service_refused(self, form, error: ValidationError):
        self.forget_agreement()
        if not isinstance(error, ConcurrentEdit):
            return super().service_refused(form, error)
        form.add_error(None, error.messages)
        context = self.get_context_data(
            form=form, their_changes=_changes_since(form, self.agreement)
        )
        return self.render_to_response(context, status=409)

    def success_url_for(self, agreement) -> str:
        return agreement_url(agreement)


def _changes_since(form: AgreementEditForm, saved: Agreement) -> list[dict]:
    """The fields whose saved value differs from what the user typed: what the other person
    changed (or what this user is changing), so they can decide what to keep."""
    changes = []
    for name, value in form.cleaned_data.items():
        if name == "version":
            continue
        current = getattr(saved, name)
        if value != current and not (value in (None, "") and current in (None, "")):
            changes.append({"label": form[name].label, "saved": _display(saved, name)})
    return changes


def _display(agreement: Agreement, name: str) -> str:
    value = getattr(agreement, name)
    if value is None or value == "":
        return "Not set"
    field = Agreement._meta.get_field(name)
    if field.choices:
        return getattr(agreement, f"get_{name}_display")()
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    text = str(value)
    return text if len(text) <= 120 else text[:119] + "…"


class AgreementContentEditView(AgreementMixin, MembershipRequiredMixin, TemplateView):
    """One list of the agreement's content as a formset: change rows, remove them, add one (a
    blank row is always at the end; "Save and add another" comes back with a new one)."""

    required_capability = "agreements.view"
    for_edit = True
    template_name = "agreements/content_form.html"

    def load(self) -> None:
        if self.kwargs["section"] not in SECTIONS:
            raise Http404("No such section.")
        super().load()

    @property
    def section(self) -> str:
        return self.kwargs["section"]

    def get(self, request, *args, **kwargs):
        self.load()
        if self.agreement.status not in EDITABLE_STATUSES:
            try:
                require_content_editable(request.membership, self.agreement)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            return redirect(agreement_url(self.agreement))
        rows = agreement_content(agreement=self.agreement)[self.section]
        return self.render_to_response(
            self.get_context_data(
                formset=section_formset(self.section, rows=rows),
                version_form=VersionForm(initial={"version": self.agreement.version}),
            )
        )

    def post(self, request, *args, **kwargs):
        self.load()
        formset = section_formset(self.section, data=request.POST)
        version_form = VersionForm(request.POST)
        if not (formset.is_valid() and version_form.is_valid()):
            return self.refused(formset, version_form, [], status=400)
        items, indexes = formset.items()
        try:
            with transaction.atomic():
                agreement_set_content(
                    actor=request.membership,
                    agreement=self.agreement,
                    expected_version=version_form.cleaned_data["version"],
                    section=self.section,
                    items=items,
                )
        except ConcurrentEdit as error:
            return self.refused(formset, version_form, error.messages, status=409, stale=True)
        except ValidationError as error:
            page_errors = _put_errors(formset, indexes, error, self.section)
            return self.refused(formset, version_form, page_errors, status=400)
        label = SECTIONS[self.section].label
        messages.success(request, f"{label} of {self.agreement.title} saved.")
        if request.POST.get("then") == "add":
            return redirect(request.path)
        return redirect(agreement_url(self.agreement, "content"))

    def refused(self, formset, version_form, page_errors, *, status: int, stale: bool = False):
        self.forget_agreement()
        context = self.get_context_data(
            formset=formset, version_form=version_form, page_errors=page_errors, stale=stale
        )
        return self.render_to_response(context, status=status)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        formset = context["formset"]
        context.update(
            agreement=self.agreement,
            section=self.section,
            section_label=SECTIONS[self.section].label,
            has_errors=bool(
                context.get("page_errors") or formset.non_form_errors() or any(formset.errors)
            ),
            rows=[
                {
                    "form": form,
                    "is_new": index >= formset.initial_form_count(),
                    "number": index + 1,
                }
                for index, form in enumerate(formset.forms)
            ],
            cancel_url=agreement_url(self.agreement, "content"),
            edit_url=reverse(
                "agreement_content_edit",
                kwargs={"public_id": self.agreement.public_id, "section": self.section},
            ),
        )
        return context


def _put_errors(formset, indexes: list[int], error: ValidationError, section: str) -> list[str]:
    """Put the service's errors, keyed "<section>-<index>-<field>" by the row's place in the
    list it was given, on the form that row came from. Returns the errors about the list."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    page_errors = []
    for key, messages_ in error.message_dict.items():
        parts = key.split("-")
        if parts[0] == section and len(parts) >= 2 and parts[1].isdigit():
            position = int(parts[1])
            if position < len(indexes):
                form = formset.forms[indexes[position]]
                field = "-".join(parts[2:])
                form.add_error(field if field in form.fields else None, messages_)
                continue
        page_errors.extend(messages_)
    return page_errors
