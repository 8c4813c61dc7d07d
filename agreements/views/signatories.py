"""Signatories (Haringey §13): inviting an organisation, and an authorised person signing for
it, declining, or withdrawing later. A manager acts for their own organisation; the IG officer
records any organisation's answer (a signature received on paper, say)."""

from __future__ import annotations

from functools import cached_property

from django.core.exceptions import PermissionDenied

from agreements import services
from agreements.forms import InviteForm, SignatoryDeclineForm, SignatoryWithdrawForm, SignForm
from agreements.models import Signatory
from agreements.selectors import signatory_get_for
from agreements.views.base import (
    AgreementFormPage,
    FormPage,
    LoadsObjectFirst,
    acts_for,
    agreement_url,
)


class InviteView(AgreementFormPage):
    required_capability = "agreements.manage"
    form_class = InviteForm
    heading = "Invite an organisation to sign"
    submit_label = "Invite"
    back_tab = "signatories"
    success_message = "{result.organisation} has been invited to sign."

    def perform(self, form):
        return services.signatory_invite(
            actor=self.request.membership,
            agreement=self.agreement,
            organisation=form.cleaned_data["organisation"],
        )

    def success_url_for(self, signatory) -> str:
        return agreement_url(self.agreement, "signatories")


class SignatoryPage(LoadsObjectFirst, FormPage):
    """A page about one signatory row, for those who act for its organisation."""

    required_capability = "agreements.sign"

    @cached_property
    def signatory(self) -> Signatory:
        signatory = signatory_get_for(self.request.membership, self.kwargs["public_id"])
        if not acts_for(self.request.membership, signatory.organisation_id):
            raise PermissionDenied("You can only act for your own organisation.")
        return signatory

    def load(self) -> None:
        _ = self.signatory

    def get_caption(self) -> str:
        return self.signatory.agreement.title

    def get_back_url(self) -> str:
        return agreement_url(self.signatory.agreement, "signatories")

    def get_back_label(self) -> str:
        return self.signatory.agreement.title

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            signatory=self.signatory, agreement=self.signatory.agreement, **kwargs
        )

    def success_url_for(self, signatory) -> str:
        return agreement_url(signatory.agreement, "signatories")

    def service_refused(self, form, error):
        # The service's copy may hold what was typed; the page shows what is saved.
        self.__dict__.pop("signatory", None)
        return super().service_refused(form, error)


class SignView(SignatoryPage):
    form_class = SignForm
    submit_label = "Sign the agreement"
    intro_template = "agreements/_sign_intro.html"
    success_message = "{result.organisation} has signed."

    def get_heading(self) -> str:
        return f"Sign for {self.signatory.organisation.name}"

    def perform(self, form):
        return services.signatory_sign(
            actor=self.request.membership, signatory=self.signatory, **form.cleaned_data
        )


class DeclineView(SignatoryPage):
    form_class = SignatoryDeclineForm
    submit_label = "Decline to sign"
    warning = True
    success_message = "{result.organisation} has declined to sign."

    def get_heading(self) -> str:
        return f"Decline to sign for {self.signatory.organisation.name}"

    def perform(self, form):
        return services.signatory_decline(
            actor=self.request.membership,
            signatory=self.signatory,
            reason=form.cleaned_data["reason"],
        )


class WithdrawSignatoryView(SignatoryPage):
    form_class = SignatoryWithdrawForm
    submit_label = "Withdraw from the agreement"
    warning = True
    intro = ("The organisation stops being a signatory from the date given, and does not carry "
             "over to later versions.",)  # fmt: skip
    success_message = "{result.organisation} has withdrawn from the agreement."

    def get_heading(self) -> str:
        return f"Withdraw {self.signatory.organisation.name} from the agreement"

    def perform(self, form):
        return services.signatory_withdraw(
            actor=self.request.membership,
            signatory=self.signatory,
            reason=form.cleaned_data["reason"],
            withdrawn_on=form.cleaned_data["withdrawn_on"],
        )
