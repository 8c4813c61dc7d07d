"""Forms of the agreement pages. They parse what was typed; the services check the rules and
save, and their errors are put back on the fields (`partners.fields.add_service_errors`).

Choices that name another record (a parent agreement, an organisation, a legal basis) carry its
public id, and are read per request inside the active partnership.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone

from agreements.choices import AgreementKind, Reply
from agreements.models import Agreement, LegalBasis
from agreements.selectors import agreement_list, legal_bases_available
from agreements.services import SECTIONS
from agreements.services.lifecycle import AGREEMENT_EDITABLE_FIELDS
from partners.fields import OrganisationChoiceField
from partners.forms_rendering import DateInput
from partners.models import Membership, Organisation

__all__ = [
    "AgreementCreateForm",
    "AgreementEditForm",
    "ApproveForm",
    "AuditCancelForm",
    "AuditCompleteForm",
    "AuditRequestForm",
    "ConsultationOpenForm",
    "DecisionForm",
    "InviteForm",
    "MoveForm",
    "RespondForm",
    "ReviewActionCompleteForm",
    "ReviewActionForm",
    "ReviewCompleteForm",
    "ReviewFindingsForm",
    "ReviewReportForm",
    "SignForm",
    "SignatoryDeclineForm",
    "SignatoryWithdrawForm",
    "StartReviewForm",
    "SupersedeForm",
    "VersionForm",
    "section_formset",
]


def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        help_text=help_text or "For example, 27 3 2026",
        error_messages={
            "required": f"Enter the {label[0].lower()}{label[1:]}",
            "invalid": f"{label} must be a real date",
        },
    )


def _text(label: str, *, required: bool = True, help_text: str = "", rows: int = 4):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"Enter the {label[0].lower()}{label[1:]}"},
    )


class AgreementChoiceField(forms.ModelChoiceField):
    """An agreement the viewer may read, named by its public id."""

    def __init__(self, **kwargs) -> None:
        super().__init__(queryset=None, to_field_name="public_id", **kwargs)

    def label_from_instance(self, obj: Agreement) -> str:
        return f"{obj.title} ({obj.get_kind_display().lower()})"


class VersionForm(forms.Form):
    """The version of the agreement the page was loaded with: a save made from an older one is
    refused rather than overwriting what someone else saved meanwhile."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


# --- Creating and editing an agreement --------------------------------------------------------


class AgreementCreateForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of agreement is it?",
        choices=AgreementKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of agreement"},
    )
    title = forms.CharField(
        label="Title",
        max_length=250,
        help_text="For example, Kent SEND information sharing standard operating procedure.",
        error_messages={"required": "Enter the agreement's title"},
    )
    parent = AgreementChoiceField(
        label="Sits underneath",
        required=False,
        empty_label="It does not sit underneath another agreement",
        help_text="The agreement this one is read in conjunction with, such as the partnership's "
        "information sharing agreement.",
    )
    owner_organisation = OrganisationChoiceField(
        only_active=True,
        label="Owner organisation",
        empty_label="Select an organisation",
        help_text="The organisation that keeps the document and its document control.",
        error_messages={"required": "Select the organisation that owns the agreement"},
    )

    def __init__(self, *args, viewer: Membership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = agreement_list(viewer=viewer).order_by("title")
        self.fields["owner_organisation"].load_choices()
        self.initial.setdefault("owner_organisation", viewer.organisation.public_id)


class AgreementEditForm(VersionForm):
    """Document control and the narrative headings of the ICO code, in the fieldsets the page
    shows. The lists of content are edited section by section (`section_formset`)."""

    FIELDSETS = (
        ("About the agreement", ("title", "reference", "kind", "parent", "summary")),
        ("Document control", ("owner_organisation", "owner_name", "owner_job_title")),
        (
            "Organisations, rights and transparency",
            ("parties_and_roles", "transparency", "individual_rights", "contact_point"),
        ),
        (
            "Information governance",
            (
                "data_quality",
                "retention",
                "security",
                "breach_arrangements",
                "training",
                "termination",
                "further_details",
            ),
        ),
        (
            "Breaches of protocol",
            (
                "breach_notify_days",
                "breach_report_days",
                "breach_meeting_days",
                "breach_minutes_days",
                "breach_indemnity_response_days",
            ),
        ),
        ("Review schedule", ("first_review_months", "review_interval_months")),
    )
    NUMBER_FIELDS = frozenset(
        {
            "breach_notify_days",
            "breach_report_days",
            "breach_meeting_days",
            "breach_minutes_days",
            "breach_indemnity_response_days",
            "first_review_months",
            "review_interval_months",
        }
    )

    def __init__(self, *args, agreement: Agreement, viewer: Membership, may_move_owner: bool,
                 **kwargs) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        model_fields = forms.fields_for_model(
            Agreement, fields=[f for f in AGREEMENT_EDITABLE_FIELDS if f != "parent"]
        )
        for name, field in model_fields.items():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 4
            if name in self.NUMBER_FIELDS:
                field.widget.attrs["class"] = "govuk-input--width-3"
            if isinstance(field, forms.TypedChoiceField):
                field.choices = [c for c in field.choices if c[0] != ""]
                field.widget = forms.RadioSelect(choices=field.choices)
            self.fields[name] = field
        self.fields["title"].error_messages["required"] = "Enter the agreement's title"
        self.fields["parent"] = AgreementChoiceField(
            label="Sits underneath",
            required=False,
            empty_label="It does not sit underneath another agreement",
        )
        self.fields["parent"].queryset = (
            agreement_list(viewer=viewer).exclude(pk=agreement.pk).order_by("title")
        )
        if may_move_owner:
            self.fields["owner_organisation"] = OrganisationChoiceField(
                label="Owner organisation",
                error_messages={"required": "Select the organisation that owns the agreement"},
            )
            self.fields["owner_organisation"].load_choices()
        if not self.is_bound:
            for name in self.fields:
                if name == "version":
                    self.initial[name] = agreement.version
                elif name == "parent":
                    self.initial[name] = agreement.parent.public_id if agreement.parent else None
                elif name == "owner_organisation":
                    self.initial[name] = agreement.owner_organisation.public_id
                else:
                    self.initial[name] = getattr(agreement, name)
        self.order_fields([name for _legend, names in self.FIELDSETS for name in names])

    @property
    def fieldsets(self) -> list[tuple[str, list]]:
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.FIELDSETS
        ]

    def agreement_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


# --- Structured content, one section at a time ------------------------------------------------

ROW_LABELS = {
    "purposes": "Purpose",
    "data_items": "Data item",
    "data_subjects": "Whose information",
    "legal_bases": "Legal basis",
    "methods": "Sharing method",
    "channels": "Channel",
    "shared_systems": "Shared IT system",
    "exclusions": "Excluded service",
    "terms": "Term",
    "consent_scopes": "Consent scope",
}


class SectionForm(forms.Form):
    """One row of a section. `public_id` names the row it changes; empty, it adds a row."""

    public_id = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "basis" in self.fields:
            basis = forms.ModelChoiceField(
                label="Legal basis",
                queryset=legal_bases_available(),
                to_field_name="public_id",
                empty_label="Select a legal basis",
                error_messages={"required": "Select a legal basis"},
            )
            self.fields["basis"] = basis
            if not self.is_bound and isinstance(self.initial.get("basis"), LegalBasis):
                self.initial["basis"] = self.initial["basis"].public_id

    def item(self) -> dict:
        """What the service takes for this row."""
        return dict(self.cleaned_data, public_id=self.cleaned_data.get("public_id") or "")


class SectionFormSet(forms.BaseFormSet):
    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this from the agreement"

    def items(self) -> tuple[list[dict], list[int]]:
        """The rows to save, in order, and the index of the form each came from (the service
        names errors by the row's index in the list it was given)."""
        items, indexes = [], []
        for index, form in enumerate(self.forms):
            if self.can_delete and self._should_delete_form(form):
                continue
            if index >= self.initial_form_count() and not form.has_changed():
                continue
            item = form.item()
            item.pop("DELETE", None)
            items.append(item)
            indexes.append(index)
        return items, indexes


def _section_form_class(section: str) -> type[SectionForm]:
    spec = SECTIONS[section]
    fields = forms.fields_for_model(spec.model, fields=list(spec.fields))
    for field in fields.values():
        if isinstance(field.widget, forms.Textarea):
            field.widget.attrs["rows"] = 3
        if isinstance(field, forms.TypedChoiceField):
            field.choices = [("", "Select one"), *[c for c in field.choices if c[0] != ""]]
        if field.required:
            field.error_messages["required"] = f"Enter the {str(field.label).lower()}"
    return type(f"{section.title().replace('_', '')}Form", (SectionForm,), fields)


def section_formset(section: str, *, rows=(), data=None):
    """The formset of one section, prefixed with the section's name (the service's error keys
    use the same names): the saved rows, then one blank row for adding another."""
    spec = SECTIONS[section]
    form_class = _section_form_class(section)
    initial = [
        {"public_id": str(row.public_id), **{name: getattr(row, name) for name in spec.fields}}
        for row in rows
    ]
    formset_class = forms.formset_factory(
        form_class,
        formset=SectionFormSet,
        extra=1,
        can_delete=True,
        max_num=200,
        validate_max=True,
    )
    return formset_class(data=data, initial=initial or None, prefix=section)


# --- Lifecycle ---------------------------------------------------------------------------------


class MoveForm(VersionForm):
    reason = _text(
        "Reason",
        help_text="Recorded with the change, with your name and the date.",
        rows=3,
    )


class ApproveForm(MoveForm):
    approved_on = _date(
        "Date approved",
        required=False,
        help_text="Leave empty for today. For example, 27 3 2026",
    )
    issued_on = _date(
        "Date issued",
        required=False,
        help_text="Leave empty for the date approved.",
    )


class StartReviewForm(MoveForm):
    due_on = _date(
        "Review due on",
        required=False,
        help_text="Leave empty for the agreement's next review date.",
    )


class SupersedeForm(MoveForm):
    superseded_by = AgreementChoiceField(
        label="Replaced by",
        empty_label="Select the newer agreement",
        help_text="The newer agreement must be approved and in force.",
        error_messages={"required": "Select the agreement that replaces this one"},
    )
    carry_over_signatories = forms.BooleanField(
        label="Current signatories transfer to the newer agreement",
        required=False,
        initial=True,
        help_text="Unless they ask to be withdrawn (Buckinghamshire §1).",
    )

    def __init__(self, *args, viewer: Membership, agreement: Agreement, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["superseded_by"].queryset = (
            agreement_list(viewer=viewer).exclude(pk=agreement.pk).order_by("title")
        )


# --- Signatories -------------------------------------------------------------------------------


class InviteForm(forms.Form):
    organisation = OrganisationChoiceField(
        only_active=True,
        label="Organisation",
        empty_label="Select an organisation",
        error_messages={"required": "Select the organisation to invite"},
    )
    page_heading_field = "organisation"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].load_choices()
        self.fields["organisation"].label = "Which organisation do you want to invite to sign?"


class SignForm(forms.Form):
    signer_name = forms.CharField(
        label="Name of the person signing",
        max_length=150,
        help_text="An authorised person of the organisation.",
        error_messages={"required": "Enter the name of the person signing"},
    )
    signer_title = forms.CharField(
        label="Their title",
        max_length=150,
        help_text="For example, Headteacher or Director of Children's Services.",
        error_messages={"required": "Enter their title"},
    )
    signed_on = _date("Date signed")
    typed_signature = forms.CharField(
        label="Signature",
        max_length=150,
        help_text="Type the signer's full name, as above, to sign.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Type the signer's full name as their signature"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("signed_on", timezone.localdate())


class SignatoryDeclineForm(forms.Form):
    reason = _text("Reason for declining", rows=3)


class SignatoryWithdrawForm(forms.Form):
    withdrawn_on = _date("Date of withdrawal")
    reason = _text("Reason for withdrawing", rows=3)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("withdrawn_on", timezone.localdate())


# --- Change consultations ----------------------------------------------------------------------


class ConsultationOpenForm(forms.Form):
    summary = forms.CharField(
        label="Proposed change",
        max_length=250,
        help_text="A one-line summary, for example: Rebrand the protocol as a code of practice.",
        error_messages={"required": "Enter a summary of the proposed change"},
    )
    details = _text("Details of the change", help_text="What changes, and why.")
    respond_by = _date(
        "Responses due by",
        help_text="Signatories that have not responded by then are taken to agree. "
        "For example, 27 3 2026",
    )


class RespondForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Responding for",
        queryset=None,
        to_field_name="public_id",
        empty_label="Select an organisation",
        error_messages={"required": "Select the organisation that is responding"},
    )
    reply = forms.ChoiceField(
        label="What is the response?",
        choices=Reply.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select agree, object or comment"},
    )
    comment = _text(
        "Comment",
        required=False,
        help_text="Needed for an objection or a comment.",
        rows=3,
    )

    def __init__(self, *args, organisations, fixed: Organisation | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if fixed is not None:
            # A manager answers for their own organisation only.
            del self.fields["organisation"]
            self.fixed = fixed
        else:
            self.fields["organisation"].queryset = organisations
            self.fixed = None

    def responding_for(self) -> Organisation:
        return self.fixed or self.cleaned_data["organisation"]


class DecisionForm(forms.Form):
    reason = _text("Reason", help_text="Recorded with the decision.", rows=3)


# --- Reviews and audit requests ----------------------------------------------------------------


class ReviewFindingsForm(forms.Form):
    reviewed_on = _date("Date of the review")
    reviewers = _text(
        "Reviewers",
        required=False,
        help_text="The officers the partners agreed should undertake it.",
        rows=2,
    )
    findings = _text("Findings")
    next_meeting_on = _date(
        "Next partners' meeting",
        required=False,
        help_text="Findings are reported at this meeting or within a calendar month of the "
        "review, whichever is sooner.",
    )


class ReviewReportForm(forms.Form):
    reported_on = _date("Date the findings were reported in writing")


class ReviewActionForm(forms.Form):
    description = _text("Action", rows=3)
    owner_organisation = OrganisationChoiceField(
        label="Owner organisation",
        empty_label="Select an organisation",
        error_messages={"required": "Select the organisation that owns the action"},
    )
    owner_name = forms.CharField(
        label="Owner",
        max_length=150,
        help_text="The person responsible.",
        error_messages={"required": "Enter the name of the person responsible"},
    )
    due_on = _date("Due by")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].load_choices()


class ReviewActionCompleteForm(forms.Form):
    completed_on = _date("Date done", required=False, help_text="Leave empty for today.")


class ReviewCompleteForm(forms.Form):
    implementation_plan = _text(
        "Implementation plan",
        help_text="The plan the partners approved, or that none is needed.",
    )
    changes_required = forms.TypedChoiceField(
        label="Does the agreement need to change?",
        choices=[("yes", "Yes: it stays under review until the new version is approved"),
                 ("no", "No: it returns to active as it is")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the agreement needs to change"},
    )  # fmt: skip
    completed_on = _date("Date completed", required=False, help_text="Leave empty for today.")


class AuditRequestForm(forms.Form):
    requesting_organisation = OrganisationChoiceField(
        only_active=True,
        label="Requesting organisation",
        empty_label="Select an organisation",
        error_messages={"required": "Select the organisation requesting the audit"},
    )
    audited_organisation = OrganisationChoiceField(
        label="Organisation to be audited",
        required=False,
        empty_label="Every partner organisation",
    )
    auditor = forms.CharField(
        label="Auditing body",
        max_length=200,
        help_text="The internal or external auditor.",
        error_messages={"required": "Enter the auditing body"},
    )
    scope = _text("Scope of the audit", help_text="The written notice must detail it.")
    notice_given_on = _date("Date written notice was given")
    starts_on = _date(
        "Date the audit starts",
        help_text="At least one calendar month after the notice (Haringey 5.9).",
    )

    def __init__(self, *args, fixed: Organisation | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["audited_organisation"].load_choices()
        if fixed is not None:
            del self.fields["requesting_organisation"]
        else:
            self.fields["requesting_organisation"].load_choices()
        self.fixed = fixed
        self.initial.setdefault("notice_given_on", timezone.localdate())

    def request_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["requesting_organisation"] = self.fixed or data["requesting_organisation"]
        return data


class AuditCompleteForm(forms.Form):
    outcome = _text("Outcome")
    completed_on = _date("Date completed", required=False, help_text="Leave empty for today.")


class AuditCancelForm(forms.Form):
    reason = _text("Reason for cancelling", rows=3)
