"""Forms of the pages, worded as GOV.UK services do: accounts, choosing a partnership,
organisations, authorised contacts, people, training and importing from GIAS.

Forms parse and check what was typed; the services validate the rules and save, and their
errors are put back on the form's fields (`partners.fields.add_service_errors`).
"""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError

from partners import selectors
from partners.fields import (
    DOCUMENT_TYPES,
    EVIDENCE_TYPES,
    MEGABYTE,
    MemberChoiceField,
    ModelValidatorsMixin,
    OrganisationChoiceField,
    OrganisationChoiceMixin,
    PersonSearchField,
    clean_document,
)
from partners.forms_rendering import DateInput
from partners.models import (
    AuthorisedContact,
    Membership,
    Organisation,
    OrganisationType,
    TrainingPolicy,
)
from partners.roles import Role
from partners.validators import normalise_postcode


class SignInForm(auth_forms.AuthenticationForm):
    """Email and password. A wrong email and a wrong password get the same single error, so the
    page never reveals whether an account exists (an inactive account gets it too)."""

    error_messages = {
        "invalid_login": "Enter a correct email address and password.",
        "inactive": "Enter a correct email address and password.",
    }

    username = forms.CharField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"}
        ),
        error_messages={"required": "Enter your email address."},
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password."},
    )


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "password_incorrect": "Your current password is not correct. Enter it again.",
        "password_mismatch": "The new passwords do not match. Enter the same password twice.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _word_password_fields(self)
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password."


class SetPasswordForm(auth_forms.SetPasswordForm):
    """Choosing a new password from a reset link."""

    error_messages = {
        **auth_forms.SetPasswordForm.error_messages,
        "password_mismatch": "The new passwords do not match. Enter the same password twice.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _word_password_fields(self)


def _word_password_fields(form: forms.Form) -> None:
    new1, new2 = form.fields["new_password1"], form.fields["new_password2"]
    new1.label = "New password"
    new1.help_text = (
        "Use at least 12 characters. Avoid common passwords, your name or your email address."
    )
    new1.error_messages["required"] = "Enter a new password."
    new2.label = "Confirm new password"
    new2.help_text = ""
    new2.error_messages["required"] = "Enter the new password again."


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Asks for the email address. The answer is the same whether or not an account has it."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"}
        ),
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address in the correct format, like name@example.org.",
        },
    )


class MembershipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        return obj.tenant.name

    def hint_from_instance(self, obj: Membership) -> str:
        return f"{obj.get_role_display()}, {obj.organisation.name}"


class ChooseMembershipForm(forms.Form):
    """Which of the user's partnerships to work in. Memberships are named by their public id.

    The choices are the user's own memberships across partnerships (from
    `selectors.memberships_for_user`), so the field is built per request.
    """

    page_heading_field = "membership"

    def __init__(self, *args, memberships, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership"] = MembershipChoiceField(
            label="Which partnership do you want to work in?",
            queryset=memberships,
            to_field_name="public_id",
            widget=forms.RadioSelect,
            empty_label=None,
            error_messages={
                "required": "Choose the partnership you want to work in.",
                "invalid_choice": "Choose one of your partnerships.",
            },
        )


# --- Errors from services --------------------------------------------------------------------


class OrganisationForm(ModelValidatorsMixin, forms.ModelForm):
    """Every field of an organisation, in the groups the page shows as fieldsets."""

    FIELDSETS = (
        ("Organisation details", ("name", "type", "parent", "is_active")),
        (
            "Address and telephone",
            ("address_line_1", "address_line_2", "town", "postcode", "phone"),
        ),
        (
            "Identifiers",
            ("urn", "la_establishment_number", "ods_code", "charity_number", "company_number"),
        ),
        ("ICO registration", ("ico_registration_number", "ico_renewal_date")),
        (
            "Governance people",
            ("caldicott_guardian", "dpo_name", "dpo_email", "designated_managers"),
        ),
        ("Security summary", ("security_summary",)),
    )

    security_summary = forms.FileField(
        label="Security summary document",
        required=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,.docx,.odt"}),
        error_messages={"empty": "The selected file is empty"},
        help_text="The summary of security arrangements each partner supplies (Haringey 7.4): "
        "a PDF, DOCX or ODT file, smaller than 10MB.",
    )

    class Meta:
        model = Organisation
        # The parent is added per request (its choices are the tenant's organisations).
        fields = (
            "name",
            "type",
            "is_active",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "phone",
            "urn",
            "la_establishment_number",
            "ods_code",
            "charity_number",
            "company_number",
            "ico_registration_number",
            "ico_renewal_date",
            "caldicott_guardian",
            "dpo_name",
            "dpo_email",
        )
        labels = {
            "name": "Name",
            "type": "Type of organisation",
            "parent": "Part of",
            "is_active": "This organisation is an active partner",
            "caldicott_guardian": "Caldicott guardian",
            "dpo_name": "Data protection officer",
            "ico_renewal_date": "ICO registration renewal date",
        }
        help_texts = {
            "postcode": "For example, ME14 1XQ.",
            "la_establishment_number": "For example, 886/2001.",
            "ods_code": "For example, RYY.",
            "ico_registration_number": "For example, Z1234567.",
            "ico_renewal_date": "When the data protection fee is next due. For example, 31 3 2027",
        }
        widgets = {
            "ico_renewal_date": DateInput(),
            "postcode": forms.TextInput(attrs={"class": "govuk-input--width-10"}),
            "urn": forms.TextInput(attrs={"class": "govuk-input--width-10"}),
            "la_establishment_number": forms.TextInput(attrs={"class": "govuk-input--width-10"}),
            "ods_code": forms.TextInput(attrs={"class": "govuk-input--width-10"}),
            "ico_registration_number": forms.TextInput(attrs={"class": "govuk-input--width-10"}),
            "charity_number": forms.TextInput(attrs={"class": "govuk-input--width-10"}),
            "company_number": forms.TextInput(attrs={"class": "govuk-input--width-10"}),
            "phone": forms.TextInput(attrs={"class": "govuk-input--width-20", "type": "tel"}),
            "dpo_email": forms.EmailInput(attrs={"spellcheck": "false"}),
        }
        error_messages = {
            "name": {"required": "Enter the organisation's name"},
            "type": {"required": "Select the type of organisation"},
            "dpo_email": {
                "invalid": "Enter an email address in the correct format, like name@example.org"
            },
            "ico_renewal_date": {"invalid": "ICO registration renewal date must be a real date"},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        parent = OrganisationChoiceField(
            required=False,
            label="Part of",
            empty_label="Not part of another organisation",
            help_text="The body this is part of, such as the council a service belongs to.",
        )
        parent.load_choices(exclude=self._saved_instance)
        self.fields["parent"] = parent
        if instance.pk and instance.parent_id and "parent" not in self.initial:
            self.initial["parent"] = instance.parent.public_id
        self.fields["type"].choices = [("", "Select a type"), *OrganisationType.choices]
        self.order_by_fieldsets()

    def order_by_fieldsets(self) -> None:
        # The error summary lists errors in field order: the order of the page.
        self.order_fields([name for _legend, names in self.FIELDSETS for name in names])

    @property
    def fieldsets(self) -> list[tuple[str, list]]:
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.FIELDSETS
        ]

    @property
    def _saved_instance(self) -> Organisation | None:
        return self.instance if self.instance.pk else None

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if selectors.organisation_name_taken(name=name, exclude=self._saved_instance):
            raise ValidationError("An organisation with this name is already in the partnership")
        return name

    def clean_urn(self) -> str:
        urn = self.cleaned_data["urn"].strip()
        if selectors.organisation_urn_taken(urn=urn, exclude=self._saved_instance):
            raise ValidationError("Another organisation in the partnership has this URN")
        return urn

    def clean_postcode(self) -> str:
        return normalise_postcode(self.cleaned_data["postcode"])

    def clean_ods_code(self) -> str:
        return self.cleaned_data["ods_code"].strip().upper()

    def clean_ico_registration_number(self) -> str:
        return self.cleaned_data["ico_registration_number"].strip().upper()

    def clean_security_summary(self):
        return clean_document(
            self.cleaned_data.get("security_summary"), allowed=DOCUMENT_TYPES, max_megabytes=10
        )

    def organisation_fields(self) -> dict:
        """What to hand the service: every field, and the document only when one was chosen."""
        fields = {name: self.cleaned_data[name] for name in (*self.Meta.fields, "parent")}
        if self.cleaned_data.get("security_summary"):
            fields["security_summary"] = self.cleaned_data["security_summary"]
        return fields


class OrganisationEditForm(OrganisationForm):
    """The edit form also carries the version it was loaded with, and the designated managers,
    chosen from the organisation's own people."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.instance
        self.fields["designated_managers"] = MemberChoiceField(
            queryset=selectors.designated_manager_candidates(organisation=organisation),
            to_field_name="public_id",
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label="Designated managers",
            help_text="Senior managers who decide whether confidentiality may be overridden "
            "(Haringey 4.6, 8.3). Only people of this organisation can be chosen.",
        )
        if not self.is_bound:
            self.initial["version"] = organisation.version
            self.initial["designated_managers"] = list(organisation.designated_managers.all())
        self.order_by_fieldsets()
        self.fields["security_summary"].help_text += (
            " Choose a file only to replace the current document."
            if organisation.security_summary
            else ""
        )


# --- Authorised contacts ---------------------------------------------------------------------


class ContactForm(ModelValidatorsMixin, forms.ModelForm):
    class Meta:
        model = AuthorisedContact
        fields = ("name", "role", "email", "phone", "valid_from", "valid_to")
        labels = {
            "name": "Full name",
            "role": "Role or job title",
            "email": "Email address",
            "phone": "Telephone",
            "valid_from": "Authorised from",
            "valid_to": "Authorised until",
        }
        help_texts = {
            "valid_from": "For example, 1 9 2026",
            "valid_to": "Enter the date their authority ends, or leave it empty while they "
            "remain authorised.",
        }
        widgets = {
            "valid_from": DateInput(),
            "valid_to": DateInput(),
            "email": forms.EmailInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"class": "govuk-input--width-20", "type": "tel"}),
        }
        error_messages = {
            "name": {"required": "Enter the contact's full name"},
            "role": {"required": "Enter the contact's role or job title"},
            "email": {
                "required": "Enter the contact's email address",
                "invalid": "Enter an email address in the correct format, like name@example.org",
            },
            "valid_from": {
                "required": "Enter the date they are authorised from",
                "invalid": "Authorised from must be a real date",
            },
            "valid_to": {"invalid": "Authorised until must be a real date"},
        }


# --- People ----------------------------------------------------------------------------------


class RoleField(forms.ChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(
            choices=Role.choices,
            widget=forms.RadioSelect,
            error_messages={"required": "Select a role"},
            **kwargs,
        )


class InvitationForm(OrganisationChoiceMixin, forms.Form):
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Enter the person's full name"},
    )
    email = forms.EmailField(
        label="Email address",
        help_text="We will email them a link to join. It works once, for 7 days.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the person's email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    organisation = OrganisationChoiceField(
        only_active=True,
        label="Organisation",
        empty_label="Select an organisation",
        error_messages={"required": "Select the organisation they work for"},
    )
    role = RoleField(label="Role")


class MembershipChangeForm(OrganisationChoiceMixin, forms.Form):
    role = RoleField(label="Role")
    organisation = OrganisationChoiceField(
        label="Organisation", error_messages={"required": "Select an organisation"}
    )


class PeopleSearchForm(forms.Form):
    """The people list's filters, read from the query string; every one optional."""

    STATUSES = {"active": True, "deactivated": False}

    who = PersonSearchField(label="Name or email address", help_text="Part of it is enough")
    organisation = OrganisationChoiceField(
        label="Organisation",
        required=False,
        empty_label="Any organisation",
        error_messages={"invalid_choice": "Select an organisation from the list"},
    )
    role = forms.ChoiceField(
        label="Role",
        required=False,
        choices=[("", "Any role"), *Role.choices],
        error_messages={"invalid_choice": "Select a role from the list"},
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            ("", "Any status"),
            ("active", "Active"),
            ("deactivated", "Deactivated"),
        ],
        error_messages={"invalid_choice": "Select a status from the list"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A partnership's thousand organisations, written once while they are unchanged.
        self.fields["organisation"].load_choices()
        self.fields["organisation"].prebuild_options()

    def filters(self) -> dict:
        """The arguments of membership_list for what was asked."""
        data = self.cleaned_data
        organisation = data.get("organisation")
        return {
            "who": data.get("who", ""),
            "organisation": organisation.public_id if organisation else None,
            "role": data.get("role", ""),
            "is_active": self.STATUSES.get(data.get("status", "")),
        }


class AcceptInvitationForm(forms.Form):
    """The invitee's password: a new one, or the one of the account they already have."""

    def __init__(self, *args, has_account: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.has_account = has_account
        if has_account:
            self.fields["password"] = forms.CharField(
                label="Your Sharewell password",
                strip=False,
                help_text="You already have a Sharewell account with this email address.",
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                error_messages={"required": "Enter your password"},
            )
        else:
            self.fields["password"] = forms.CharField(
                label="Create a password",
                strip=False,
                help_text="Use at least 12 characters. Avoid common passwords, your name or "
                "your email address.",
                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                error_messages={"required": "Enter a password"},
            )
            self.fields["password_again"] = forms.CharField(
                label="Confirm password",
                strip=False,
                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                error_messages={"required": "Enter the password again"},
            )

    def clean(self):
        cleaned = super().clean()
        if (
            not self.has_account
            and cleaned.get("password")
            and cleaned.get("password_again")
            and cleaned["password"] != cleaned["password_again"]
        ):
            self.add_error("password_again", "The passwords do not match. Enter the same twice.")
        return cleaned


# --- Training --------------------------------------------------------------------------------


class TrainingForm(forms.Form):
    course = forms.CharField(
        label="Course",
        max_length=200,
        help_text="For example, Kent schools information governance refresher.",
        error_messages={"required": "Enter the name of the course"},
    )
    completed_on = forms.DateField(
        label="Date completed",
        widget=DateInput(),
        help_text="For example, 14 9 2026",
        error_messages={
            "required": "Enter the date the course was completed",
            "invalid": "Date completed must be a real date",
        },
    )
    expires_on = forms.DateField(
        label="Date it expires",
        required=False,
        widget=DateInput(),
        help_text="Leave empty for 12 months after completion, the usual refresher interval.",
        error_messages={"invalid": "Date it expires must be a real date"},
    )
    evidence = forms.FileField(
        label="Certificate or other evidence",
        required=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,.docx,.odt,.png,.jpg,.jpeg"}),
        error_messages={"empty": "The selected file is empty"},
        help_text="A PDF, DOCX, ODT, PNG or JPG file, smaller than 10MB.",
    )

    def clean_evidence(self):
        return clean_document(
            self.cleaned_data.get("evidence"), allowed=EVIDENCE_TYPES, max_megabytes=10
        )


class TrainingPolicyForm(forms.Form):
    untrained_decision_policy = forms.ChoiceField(
        label="When someone's IG training has lapsed",
        choices=TrainingPolicy.choices,
        widget=forms.RadioSelect,
        help_text="Training is refreshed every 12 months (Kent SEND SOP, Quality Standards).",
        error_messages={"required": "Select what happens when training has lapsed"},
    )


# --- Importing from GIAS ---------------------------------------------------------------------


class OrganisationImportForm(forms.Form):
    source = forms.FileField(
        label="Upload a GIAS establishment extract",
        help_text="A CSV file downloaded from Get Information About Schools, with the columns "
        "URN, EstablishmentName and TypeOfEstablishment (name). Smaller than 20MB.",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={"required": "Select a CSV file", "empty": "The selected file is empty"},
    )
    page_heading_field = "source"

    def clean_source(self):
        upload = self.cleaned_data["source"]
        if upload.size == 0:
            raise ValidationError("The selected file is empty")
        if Path(upload.name or "").suffix.lower() != ".csv":
            raise ValidationError("The selected file must be a CSV")
        if upload.size > 20 * MEGABYTE:
            raise ValidationError("The selected file must be smaller than 20MB")
        return upload
