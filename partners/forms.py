"""Forms of the accounts pages and of choosing a partnership, worded as GOV.UK services do."""

from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms

from partners.models import Membership


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
