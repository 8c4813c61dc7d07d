"""Forms of the security pages: codes, the access log search, the partnership's settings."""

from __future__ import annotations

from django import forms

from partners.fields import PersonSearchField
from partners.forms_rendering import DateInput
from partners.models import Tenant
from partners.security.audit import OBJECT_TYPES
from partners.security.models import AccessAction


class AuthenticatorCodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        help_text="The 6-digit code your app shows for Sharewell now.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
            }
        ),
        error_messages={"required": "Enter the 6-digit code from your authenticator app."},
    )


class VerifyCodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autocapitalize": "none",
                "class": "govuk-input--width-10",
            }
        ),
        error_messages={"required": "Enter the 6-digit code from your authenticator app."},
    )


class AccessSearchForm(forms.Form):
    """Filters of the access log; every one optional."""

    who = PersonSearchField(label="Person")
    action = forms.ChoiceField(
        label="What they did", choices=[("", "Anything"), *AccessAction.choices], required=False
    )
    object_type = forms.ChoiceField(label="What it was", required=False)
    object_id = forms.UUIDField(
        label="Record id",
        required=False,
        help_text="The id of one record, from the end of its page's address.",
        error_messages={"invalid": "Enter a record id, like 0b5e0f2c-1d1c-4c53-9a1e-5a2f0c3d4e5f"},
    )
    subject_id = forms.UUIDField(
        label="Child’s record id",
        required=False,
        help_text="Shows everyone who viewed anything about this child.",
        error_messages={"invalid": "Enter a record id, like 0b5e0f2c-1d1c-4c53-9a1e-5a2f0c3d4e5f"},
    )
    since = forms.DateField(
        label="From",
        required=False,
        widget=DateInput(),
        help_text="For example, 1 9 2026",
        error_messages={"invalid": "From must be a real date"},
    )
    until = forms.DateField(
        label="To",
        required=False,
        widget=DateInput(),
        help_text="For example, 30 9 2026",
        error_messages={"invalid": "To must be a real date"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [
            ("", "Anything"),
            *sorted(OBJECT_TYPES.items(), key=lambda item: item[1]),
        ]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "To must be the same as or after From")
        return cleaned


class SecuritySettingsForm(forms.ModelForm):
    class Meta:
        model = Tenant
        fields = ["mfa_required_for_everyone", "session_idle_minutes"]
        labels = {
            "mfa_required_for_everyone": "Ask everyone for a code from an authenticator app "
            "when they sign in",
            "session_idle_minutes": "Sign people out after this many minutes without activity",
        }
        help_texts = {
            "mfa_required_for_everyone": "IG officers, designated managers and auditors are "
            "always asked. With this, SENCos and practitioners are asked too.",
            "session_idle_minutes": "Between 5 and 240. Shorter is safer on shared computers.",
        }
        widgets = {
            "session_idle_minutes": forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
        }
        error_messages = {
            "session_idle_minutes": {
                "required": "Enter the number of minutes",
                "invalid": "Enter the number of minutes as a whole number",
                "min_value": "The number of minutes must be 5 or more",
                "max_value": "The number of minutes must be 240 or fewer",
            }
        }
