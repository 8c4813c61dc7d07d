"""Logging a decision: choosing the child it is about (or none, for aggregate information), the
guided form in the order of the government's flowchart, correcting a recorded decision, and the
two small htmx endpoints that enhance the form (the live consent check, the agreement's data
items).

The form works without JavaScript: its secondary buttons (add a recipient, show the agreement's
data items, check consent) redraw the page with what was typed and save nothing. With htmx the
consent check and the data items update in place as the answers change.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from consent.audit import CONSENT_CHECK
from consent.forms import FindChildForm
from consent.selectors import subject_find
from partners.fields import add_service_errors
from partners.models import Organisation
from partners.permissions import MembershipRequiredMixin
from partners.security.audit import access_record
from partners.security.models import AccessAction
from sharing_log.forms import (
    DecisionForm,
    RecipientFormSet,
    SupersedeForm,
    decision_initial,
    without_errors,
)
from sharing_log.selectors import (
    decision_consent_preview,
    decision_training_warning,
)
from sharing_log.services import decision_record, decision_supersede
from sharing_log.views.base import ChildMixin, DecisionMixin, child_log_url, decision_url

# A search shows at most this many children: narrow it down rather than page through.
RESULTS_LIMIT = 25
# The buttons that redraw the form without saving.
REDRAW_ACTIONS = {"add_recipient", "show_items", "check_consent"}
RECIPIENTS_PREFIX = "recipients"


def enhance(field, url: str, target: str, swap: str = "outerHTML") -> None:
    """htmx on a form control: when it changes, POST the whole form to `url` and put the answer
    in `target`."""
    field.widget.attrs.update(
        {
            "hx-post": url,
            "hx-trigger": "change",
            "hx-target": target,
            "hx-swap": swap,
            "hx-include": "closest form",
            # One request of the form at a time, the newest answer last.
            "hx-sync": "closest form:queue last",
        }
    )


class DecisionStartView(MembershipRequiredMixin, FormView):
    """Which child is the decision about? A search (POSTed: what is typed names a child, so it
    never reaches a URL) among the children the user may see, or no child at all."""

    required_capability = "decisions.record"
    template_name = "sharing_log/decision_start.html"
    form_class = FindChildForm

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
        return self._render(context, status=200)

    def form_invalid(self, form):
        return self._render(self.get_context_data(form=form), status=400)

    def _render(self, context, status):
        template = "sharing_log/_child_results.html" if self.request.htmx else self.template_name
        return self.response_class(
            request=self.request,
            template=[template],
            context=context,
            using=self.template_engine,
            status=status,
        )


class DecisionFormPage(MembershipRequiredMixin, TemplateView):
    """The guided decision form and its recipients. Subclasses say what it is about and which
    service it calls."""

    required_capability = "decisions.record"
    template_name = "sharing_log/decision_form.html"
    form_class = DecisionForm
    heading = "Record a decision to share or not to share"
    submit_label = "Record the decision"

    # What the decision is about (None for aggregate information).
    def page_subject(self):
        return None

    def get_initial(self) -> tuple[dict, list[dict]]:
        return {}, []

    def perform(self, form, recipients):
        raise NotImplementedError

    def consent_check_url(self) -> str:
        subject = self.page_subject()
        if subject is None:
            return ""
        return reverse("sharing_log:consent_check", kwargs={"id": subject.public_id})

    def back_url(self) -> str:
        subject = self.page_subject()
        return child_log_url(subject) if subject else reverse("sharing_log:decision_list")

    def build(self, data=None):
        viewer = self.request.membership
        organisations = Organisation.objects.order_by("name")
        if data is None:
            initial, recipients = self.get_initial()
            form = self.form_class(initial=initial, viewer=viewer)
            formset = RecipientFormSet(
                initial=recipients or None,
                prefix=RECIPIENTS_PREFIX,
                organisations=organisations,
            )
        else:
            form = self.form_class(data, viewer=viewer)
            formset = RecipientFormSet(data, prefix=RECIPIENTS_PREFIX, organisations=organisations)
        # With htmx, choosing the agreement brings its data items into the form, and each
        # answer the consent check depends on asks it again (only those: a request per answer
        # of the whole form would race the form's own submission).
        enhance(form.fields["agreement"], reverse("sharing_log:data_items"), "#data-items")
        if check_url := self.consent_check_url():
            for name in ("purpose", "consent_scope", "special_categories"):
                enhance(form.fields[name], check_url, "#consent-check", swap="innerHTML")
            for recipient_form in formset.forms:
                for name in ("organisation", "organisation_name", "person_name"):
                    enhance(
                        recipient_form.fields[name], check_url, "#consent-check", swap="innerHTML"
                    )
        return form, formset

    def get(self, request, *args, **kwargs):
        form, formset = self.build()
        return self.render_to_response(self.context(form, formset))

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "")
        if action in REDRAW_ACTIONS:
            return self.redraw(action)
        form, formset = self.build(request.POST)
        form_ok, formset_ok = form.is_valid(), formset.is_valid()
        if not formset_ok:
            form.add_error(
                None,
                "Check the recipients: each row names a partner organisation, "
                "an organisation outside the partnership or a person.",
            )
        if not (form_ok and formset_ok):
            return self.render_to_response(self.context(form, formset), status=400)
        try:
            with transaction.atomic():
                decision = self.perform(form, formset.specs())
        except ValidationError as error:
            add_service_errors(form, error)
            # Also beside the recipients, where they are corrected.
            if hasattr(error, "error_dict") and "recipients" in error.message_dict:
                formset.non_form_errors().extend(error.message_dict["recipients"])
            return self.render_to_response(self.context(form, formset), status=400)
        messages.success(self.request, self.success_message(decision))
        return redirect(decision_url(decision))

    def success_message(self, decision) -> str:
        if decision.override_kind != "none":
            return (
                "The decision has been recorded and referred to a designated manager, who is "
                "asked to approve overriding confidentiality."
            )
        return "The decision has been recorded."

    def redraw(self, action: str):
        """Draw the form again with what was typed, saving nothing."""
        data = self.request.POST.copy()
        if action == "add_recipient":
            key = f"{RECIPIENTS_PREFIX}-TOTAL_FORMS"
            try:
                total = int(data.get(key, "0"))
            except ValueError:
                total = 0
            data[key] = str(min(total + 1, RecipientFormSet.max_num))
        form, formset = self.build(data)
        form.is_valid()
        formset.is_valid()
        preview = self.preview(form, formset) if action == "check_consent" else None
        without_errors(form, formset)
        context = self.context(form, formset, preview=preview, focus=action)
        return self.render_to_response(context)

    def preview(self, form, formset):
        subject = self.page_subject()
        if subject is None:
            return None
        return consent_preview(self.request, subject, form, formset)

    def context(self, form, formset, **extra):
        subject = self.page_subject()
        return self.get_context_data(
            form=form,
            formset=formset,
            subject=subject,
            heading=self.heading,
            submit_label=self.submit_label,
            back_url=self.back_url(),
            consent_check_url=self.consent_check_url(),
            training_warning=decision_training_warning(self.request.membership),
            **extra,
        )


def consent_preview(request, subject, form, formset) -> dict:
    """The consent check for what has been typed so far: one answer per recipient."""
    inputs = form.preview_inputs()
    recipients = [
        spec for recipient_form in formset.forms if (spec := _spec_of(recipient_form)) is not None
    ]
    if not inputs["purpose"] and inputs["consent_scope"] is None:
        return {"missing": "Enter the purpose of sharing, or choose a consent scope."}
    if not recipients:
        return {"missing": "Add whom the information would be shared with."}
    results = decision_consent_preview(
        actor=request.membership,
        subject=subject,
        purpose=inputs["purpose"],
        recipients=recipients,
        consent_scope=inputs["consent_scope"],
        special_categories=inputs["special_categories"],
    )
    access_record(
        request=request,
        action=AccessAction.VIEW,
        object_type=CONSENT_CHECK,
        subject_id=subject.public_id,
    )
    return {
        "results": results,
        "all_ok": all(bool(check) for _label, check in results),
        "basis": inputs["basis"],
    }


def _spec_of(recipient_form):
    if not hasattr(recipient_form, "cleaned_data"):
        recipient_form.is_valid()
    return recipient_form.spec()


class ChildDecisionView(ChildMixin, DecisionFormPage):
    """A decision about a child whose record the user may see."""

    def page_subject(self):
        return self.subject

    def perform(self, form, recipients):
        return decision_record(
            actor=self.request.membership,
            draft=form.draft(subject=self.subject, recipients=recipients),
        )


class AggregateDecisionView(DecisionFormPage):
    """A decision about aggregate or management information: about no one child."""

    heading = "Record a decision about aggregate information"

    def perform(self, form, recipients):
        return decision_record(
            actor=self.request.membership, draft=form.draft(subject=None, recipients=recipients)
        )


class DecisionSupersedeView(DecisionMixin, DecisionFormPage):
    """Correct a recorded decision: a new decision that supersedes it, with the reason. The form
    starts with the recorded answers."""

    form_class = SupersedeForm
    heading = "Correct a recorded decision"
    submit_label = "Record the corrected decision"

    def load(self) -> None:
        super().load()
        # Only the organisation that made a decision corrects it (the service checks it again).
        if self.decision.organisation_id != self.request.membership.organisation_id:
            raise PermissionDenied("Only the organisation that made a decision can correct it.")

    def page_subject(self):
        return self.decision.subject

    def back_url(self) -> str:
        return decision_url(self.decision)

    def get_initial(self):
        return decision_initial(self.decision)

    def perform(self, form, recipients):
        return decision_supersede(
            actor=self.request.membership,
            decision=self.decision,
            draft=form.draft(subject=self.decision.subject, recipients=recipients),
            reason=form.cleaned_data["supersede_reason"].strip(),
        )

    def success_message(self, decision) -> str:
        return (
            "The corrected decision has been recorded. The earlier one is kept, marked as "
            "corrected."
        )

    def context(self, form, formset, **extra):
        return super().context(form, formset, corrects=self.decision, **extra)


class ConsentCheckView(ChildMixin, MembershipRequiredMixin, TemplateView):
    """htmx: the consent check for the answers so far, as a GOV.UK inset or warning text. The
    child is named by the record's public id in the path; everything typed comes in the POST."""

    required_capability = "decisions.record"
    template_name = "sharing_log/_consent_check.html"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = DecisionForm(request.POST, viewer=request.membership)
        formset = RecipientFormSet(
            request.POST,
            prefix=RECIPIENTS_PREFIX,
            organisations=Organisation.objects.order_by("name"),
        )
        form.is_valid()
        preview = consent_preview(request, self.subject, form, formset)
        return self.render_to_response({"preview": preview, "subject": self.subject})


class DataItemsView(MembershipRequiredMixin, TemplateView):
    """htmx: the data items of the agreement chosen, for the decision form."""

    required_capability = "decisions.record"
    template_name = "sharing_log/_data_items.html"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = DecisionForm(request.POST, viewer=request.membership)
        form.is_valid()
        without_errors(form)
        return self.render_to_response({"form": form, "field": form["data_items"]})
