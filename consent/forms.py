"""Forms of the children and consent pages. They parse what was typed; the services check the
rules and save, and their errors are put back on the fields (`partners.fields.add_service_errors`).

Choices that name another record (an organisation, an agreement, a consent scope) carry its
public id and are read per request, inside the active partnership.
"""

from __future__ import annotations

import re

from django import forms

from agreements.forms import _date
from agreements.models import IN_FORCE_STATUSES, Agreement, ConsentScope
from agreements.selectors import agreements_visible_to
from consent.choices import (
    CaptureMethod,
    ChildConfirmation,
    Decision,
    Ethnicity,
    Gender,
    GiverKind,
    Relationship,
    Requester,
    SenStatus,
    SpecialCategory,
)
from consent.services import ThirdParty
from consent.validators import CONSENT_FORM_MAX_BYTES, validate_nhs_number, validate_upn
from partners.fields import OrganisationChoiceField, clean_document
from partners.models import Membership, Organisation


def _text(label: str, *, required: bool = True, help_text: str = "", rows: int = 3):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"Enter {label[0].lower()}{label[1:]}"},
    )


class FieldsetsMixin:
    """Fields in the groups the page shows as fieldsets (templates/consent/_fieldsets.html)."""

    FIELDSETS: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def fieldsets(self) -> list[tuple[str, list]]:
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.FIELDSETS
        ]


# --- Finding a child ---------------------------------------------------------------------------


class FindChildForm(forms.Form):
    """One search box. Sent by POST only: what is typed names a child, so it never goes in a
    URL."""

    query = forms.CharField(
        label="Name, date of birth, NHS number or UPN",
        max_length=200,
        help_text="For example, Sam Smith, 31/12/2015, 943 476 5919 or a Unique Pupil Number. "
        "A name and a date of birth together narrow the search.",
        widget=forms.TextInput(
            attrs={"spellcheck": "false", "autocomplete": "off", "type": "search"}
        ),
        error_messages={"required": "Enter a name, date of birth, NHS number or UPN"},
    )


# --- A child's record --------------------------------------------------------------------------


class SubjectForm(FieldsetsMixin, forms.Form):
    """A child's details, as `subject_create` and `subject_update` take them."""

    FIELDSETS = (
        ("Name", ("forenames", "surname", "aliases")),
        ("About the child", ("date_of_birth", "gender", "ethnicity")),
        ("Identifiers", ("nhs_number", "upn")),
        (
            "Address and telephone",
            ("address_line_1", "address_line_2", "town", "postcode", "phone"),
        ),
        ("Education", ("current_setting", "sen_status")),
    )

    forenames = forms.CharField(
        label="First names",
        max_length=150,
        error_messages={"required": "Enter the child's first names"},
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    surname = forms.CharField(
        label="Last name",
        max_length=150,
        error_messages={"required": "Enter the child's last name"},
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    aliases = _text(
        "Other names they are known by",
        required=False,
        help_text="One per line: previous names, nicknames, other spellings.",
    )
    date_of_birth = _date("Date of birth", help_text="For example, 31 3 2015")
    gender = forms.ChoiceField(
        label="Gender",
        choices=Gender.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the child's gender"},
    )
    ethnicity = forms.ChoiceField(
        label="Ethnic origin",
        required=False,
        choices=[("", "Not recorded"), *Ethnicity.choices],
        help_text="Special category data: record it only when it is needed.",
    )
    nhs_number = forms.CharField(
        label="NHS number",
        required=False,
        max_length=20,
        validators=[validate_nhs_number],
        help_text="10 digits, for example 943 476 5919",
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-10", "inputmode": "numeric", "autocomplete": "off"}
        ),
    )
    upn = forms.CharField(
        label="Unique Pupil Number (UPN)",
        required=False,
        max_length=20,
        validators=[validate_upn],
        help_text="13 characters: a letter, then 12 digits (or 11 digits and a letter)",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "autocomplete": "off"}),
    )
    address_line_1 = forms.CharField(label="Address line 1", required=False, max_length=200)
    address_line_2 = forms.CharField(label="Address line 2", required=False, max_length=200)
    town = forms.CharField(
        label="Town or city",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "govuk-!-width-two-thirds"}),
    )
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    phone = forms.CharField(
        label="Telephone",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "type": "tel"}),
    )
    current_setting = OrganisationChoiceField(
        only_active=True,
        label="Current setting",
        required=False,
        empty_label="Not in a setting",
        help_text="Where the child is now: an early-years setting, school or college. It sees the "
        "child's record.",
    )
    sen_status = forms.ChoiceField(
        label="Special educational needs provision",
        choices=SenStatus.choices,
        initial=SenStatus.NONE,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["current_setting"].load_choices()

    def subject_fields(self) -> dict:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("confirmed_different", "version")
        }


class SubjectCreateForm(SubjectForm):
    """A new record: on a possible duplicate, the page shows the records the user may see and
    this box appears, to confirm that this is a different child."""

    confirmed_different = forms.BooleanField(
        label="This is a different child: open a new record",
        required=False,
        widget=forms.HiddenInput,
    )

    def offer_confirmation(self) -> None:
        self.fields["confirmed_different"].widget = forms.CheckboxInput()


class SubjectEditForm(SubjectForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


# --- The team around the child ---------------------------------------------------------------


class TeamMemberForm(forms.Form):
    organisation = OrganisationChoiceField(
        only_active=True,
        label="Organisation",
        empty_label="Select an organisation",
        error_messages={"required": "Select the organisation"},
    )
    role = forms.CharField(
        label="Their role for this child",
        max_length=150,
        help_text="For example, Educational psychologist",
        error_messages={"required": "Enter their role for this child"},
    )
    person_name = forms.CharField(
        label="Person's name",
        required=False,
        max_length=150,
        help_text="Needed for a lead professional.",
    )
    is_lead = forms.BooleanField(
        label="They are the lead professional",
        required=False,
        help_text="The key contact. The current lead stays in the team.",
    )
    started_on = _date("Joined the team on", required=False, help_text="Today if left blank.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].load_choices()


class TeamEndForm(forms.Form):
    reason = _text("Why they are leaving the team")
    ended_on = _date("Left the team on", required=False, help_text="Today if left blank.")


class ConfirmForm(forms.Form):
    """A page whose only input is the button."""


# --- The signed consent form --------------------------------------------------------------

SIGNED_FORM_TYPES = {"pdf": "PDF", "png": "PNG", "jpg": "JPEG", "jpeg": "JPEG"}


def signed_form_field(*, required: bool, help_text: str) -> forms.FileField:
    return forms.FileField(
        label="Scan of the signed form",
        required=required,
        widget=forms.FileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
        help_text=help_text,
        error_messages={
            "required": "Select the scan of the signed form",
            "empty": "The selected file is empty",
        },
    )


def clean_signed_form(upload):
    """Type (by name and content) and size checked, and a random stored name given."""
    return clean_document(
        upload,
        allowed=SIGNED_FORM_TYPES,
        max_megabytes=CONSENT_FORM_MAX_BYTES // (1024 * 1024),
    )


# --- Consent -----------------------------------------------------------------------------------


class ScopeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ConsentScope) -> str:
        return obj.name

    def hint_from_instance(self, obj: ConsentScope) -> str:
        form = "signed form needed" if obj.signed_form_required else "no signed form needed"
        return f"{obj.agreement.title} ({form})"


class OrganisationsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name

    def hint_from_instance(self, obj: Organisation) -> str:
        return obj.get_type_display()


class AgreementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agreement) -> str:
        return obj.title


def scopes_in_force(viewer: Membership):
    """The consent scopes of the agreements in force the viewer may read."""
    agreements = agreements_visible_to(viewer).filter(status__in=IN_FORCE_STATUSES)
    return (
        ConsentScope.objects.filter(agreement__in=agreements)
        .select_related("agreement")
        .order_by("agreement__title", "position", "id")
    )


def parse_third_parties(text: str) -> list[ThirdParty]:
    """One per line: "Name – who they are" (a dash between spaces, or a colon, separates the
    description)."""
    parties = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        name, *description = re.split(r"\s+[–—-]\s+|:\s+", line.strip(), maxsplit=1)
        parties.append(ThirdParty(name.strip(), description[0].strip() if description else ""))
    return parties


class ConsentForm(FieldsetsMixin, forms.Form):
    """Everything `consent_record` takes, in the order a practitioner asks it."""

    FIELDSETS = (
        ("The decision", ("decision",)),
        (
            "Who decided",
            (
                "giver_kind",
                "giver_name",
                "giver_relationship",
                "giver_relationship_other",
                "competence_assessment",
                "competence_assessed_on",
                "parent_decides_because",
            ),
        ),
        ("What it is for", ("scopes", "other_purposes", "agreement")),
        ("Who it allows sharing with", ("recipients", "third_parties")),
        ("Special category data", ("explicit_special_category", "special_categories")),
        (
            "How and when",
            ("capture_method", "signed_form", "given_on", "review_due", "valid_until", "notes"),
        ),
    )

    decision = forms.ChoiceField(
        label="What did they decide?",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        initial=Decision.GIVEN,
        error_messages={"required": "Select whether consent was given or refused"},
    )
    giver_kind = forms.ChoiceField(
        label="Who decided?",
        choices=GiverKind.choices,
        widget=forms.RadioSelect,
        help_text="The young person decides when they are competent to (under 16, record your "
        "competence assessment); past compulsory school age, they decide for themselves.",
        error_messages={"required": "Select who decided"},
    )
    giver_name = forms.CharField(
        label="Name of the person who decided",
        required=False,
        max_length=150,
        help_text="The child's own name is used when the young person decided.",
    )
    giver_relationship = forms.ChoiceField(
        label="How they hold parental responsibility",
        required=False,
        choices=[("", "Select (a parent or carer only)"), *Relationship.choices],
    )
    giver_relationship_other = forms.CharField(
        label="Relationship, if other", required=False, max_length=150
    )
    competence_assessment = _text(
        "Your competence (Gillick) assessment",
        required=False,
        help_text="When a child under 16 decides: how they showed they understand what is shared, "
        "why and with whom, and what happens if they agree or not.",
    )
    competence_assessed_on = _date(
        "Assessed on", required=False, help_text="The day they decided, if left blank."
    )
    parent_decides_because = _text(
        "Why a parent decides for the young person",
        required=False,
        help_text="Only for a young person past compulsory school age, for example when they lack "
        "capacity to decide (Mental Capacity Act 2005).",
    )
    scopes = ScopeChoiceField(
        label="Purposes from the agreements",
        queryset=None,
        to_field_name="public_id",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_purposes = _text(
        "Other purposes, in words",
        required=False,
        help_text="One per line, when no purpose above fits.",
    )
    agreement = AgreementChoiceField(
        label="Agreement it is given under",
        queryset=None,
        to_field_name="public_id",
        required=False,
        empty_label="The agreement of the purposes chosen above",
    )
    recipients = OrganisationsField(
        label="Organisations it allows sharing with",
        queryset=None,
        to_field_name="public_id",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    third_parties = _text(
        "Named third parties outside the partnership",
        required=False,
        help_text="One per line, with who they are after a dash: Dr A Patel – private speech "
        "and language therapist.",
    )
    explicit_special_category = forms.BooleanField(
        label="They gave explicit consent to share special category data",
        required=False,
        help_text="Such as health information. Choose the categories below.",
    )
    special_categories = forms.MultipleChoiceField(
        label="Special categories consented to",
        required=False,
        choices=SpecialCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    capture_method = forms.ChoiceField(
        label="How was the decision recorded?",
        choices=CaptureMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the decision was recorded"},
    )
    signed_form = signed_form_field(
        required=False,
        help_text="A PDF, PNG or JPEG file, smaller than 10MB. You can attach it later.",
    )
    given_on = _date("Given (or refused) on")
    review_due = _date(
        "Review due on",
        required=False,
        help_text="12 months after it was given if left blank (Golden Rule 2).",
    )
    valid_until = _date(
        "Last day of the consent",
        required=False,
        help_text="Only when the consent was limited to a period.",
    )
    notes = _text("Notes", required=False)

    def __init__(self, *args, viewer: Membership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        scopes = scopes_in_force(viewer)
        self.fields["scopes"].queryset = scopes
        self.fields["agreement"].queryset = (
            agreements_visible_to(viewer).filter(status__in=IN_FORCE_STATUSES).order_by("title")
        )
        self.fields["recipients"].queryset = Organisation.objects.filter(is_active=True).order_by(
            "name"
        )

    def clean_signed_form(self):
        return clean_signed_form(self.cleaned_data.get("signed_form"))

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["other_purposes"] = [
            line.strip() for line in data.pop("other_purposes", "").splitlines() if line.strip()
        ]
        data["third_parties"] = parse_third_parties(data.pop("third_parties", ""))
        data["recipients"] = list(data.get("recipients") or [])
        data["scopes"] = list(data.get("scopes") or [])
        for optional in ("competence_assessed_on", "review_due", "valid_until", "signed_form"):
            if not data.get(optional):
                data.pop(optional, None)
        return data


class ConsentReviewForm(forms.Form):
    reviewed_on = _date("Reviewed on", required=False, help_text="Today if left blank.")
    review_due = _date(
        "Next review due on",
        required=False,
        help_text="12 months after this review if left blank.",
    )
    notes = _text(
        "What was checked",
        required=False,
        help_text="For example: talked it through with the parent, who confirmed it still stands.",
    )


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = _date("Withdrawn on", required=False, help_text="Today if left blank.")
    reason = _text(
        "How and why it was withdrawn",
        help_text="For example: the parent asked by telephone that nothing more is shared.",
    )


class AttachFormForm(forms.Form):
    signed_form = signed_form_field(
        required=True,
        help_text="A PDF, PNG or JPEG file, smaller than 10MB. Once attached it is never replaced.",
    )

    def clean_signed_form(self):
        return clean_signed_form(self.cleaned_data.get("signed_form"))


class AccessRequestForm(forms.Form):
    """A subject access request about the child (`subject_access_request_record`)."""

    requester = forms.ChoiceField(
        label="Who made the request?",
        choices=Requester.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who made the request"},
    )
    requester_name = forms.CharField(
        label="Their name",
        max_length=150,
        error_messages={"required": "Enter the name of the person making the request"},
    )
    received_on = _date("Received on")
    child_confirmation_sought = forms.TypedChoiceField(
        label="Was the child's confirmation sought?",
        required=False,
        choices=[
            ("", "Not needed (the child is under 12, or made the request)"),
            ("yes", "Yes"),
            ("no", "No"),
        ],
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
        help_text="For a child over 12 when a parent asks on their behalf (SEND partnership "
        "policy).",
    )
    child_confirmation = forms.ChoiceField(
        label="The child's answer",
        required=False,
        choices=[("", "Not asked"), *ChildConfirmation.choices],
    )
    not_sought_because = _text("Why the child's confirmation was not sought", required=False)
    notes = _text("Notes", required=False)
