"""The moves of an agreement's lifecycle, each a page of its own asking for the reason (and
what else the move needs) and calling its own service. A move that is not possible now is not
offered on the agreement's page; forced, it is refused with the rule's message and changes
nothing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse

from agreements import services
from agreements.choices import AgreementAction
from agreements.forms import ApproveForm, MoveForm, StartReviewForm, SupersedeForm
from agreements.services.lifecycle import check_move
from agreements.views.base import AgreementFormPage, refuse_with_message

A = AgreementAction


class MoveView(AgreementFormPage):
    required_capability = "agreements.manage"
    form_class = MoveForm
    action: AgreementAction
    service = None
    back_tab = "summary"

    def get(self, request, *args, **kwargs):
        self.load()
        try:
            check_move(self.agreement, self.action)
        except ValidationError as error:
            return refuse_with_message(request, error, self.get_back_url())
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return {"version": self.agreement.version}

    def move_arguments(self, form) -> dict:
        return {}

    def perform(self, form):
        return type(self).service(
            actor=self.request.membership,
            agreement=self.agreement,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
            **self.move_arguments(form),
        )

    def success_url_for(self, result) -> str:
        return reverse("agreement_detail", kwargs={"public_id": self.agreement.public_id})


class CirculateView(MoveView):
    action = A.CIRCULATE
    service = services.agreement_circulate
    heading = "Send the draft to the partners for consultation"
    submit_label = "Send for consultation"
    intro = (
        "The draft can no longer be edited by managers while it is in consultation. "
        "Organisations invited to sign can read it.",
    )
    success_message = "{result.title} has been sent for consultation."


class ReturnToDraftView(MoveView):
    action = A.RETURN_TO_DRAFT
    service = services.agreement_return_to_draft
    heading = "Return the agreement to draft"
    submit_label = "Return to draft"
    success_message = "{result.title} is a draft again."


class ApproveView(MoveView):
    action = A.APPROVE
    service = services.agreement_approve
    form_class = ApproveForm
    heading = "Approve the agreement"
    submit_label = "Approve"
    intro = (
        "Approval gives the agreement a new version number. Its current signatories carry "
        "over to the new version unless they withdraw, and agreements underneath it are "
        "flagged for review.",
    )
    success_message = "{result.title} version {result.document_version} has been approved."

    def move_arguments(self, form) -> dict:
        return {
            "approved_on": form.cleaned_data["approved_on"],
            "issued_on": form.cleaned_data["issued_on"],
        }


class StartReviewView(MoveView):
    action = A.START_REVIEW
    service = services.agreement_start_review
    form_class = StartReviewForm
    heading = "Start a review of the agreement"
    submit_label = "Start the review"
    success_message = "The review has started."

    def move_arguments(self, form) -> dict:
        return {"due_on": form.cleaned_data["due_on"]}

    def success_url_for(self, review) -> str:
        return reverse("review_detail", kwargs={"public_id": review.public_id})


class SupersedeView(MoveView):
    action = A.SUPERSEDE
    service = services.agreement_supersede
    form_class = SupersedeForm
    heading = "Mark the agreement as superseded"
    submit_label = "Mark as superseded"
    warning = True
    success_message = "{result.title} has been superseded."

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "viewer": self.request.membership,
            "agreement": self.agreement,
        }

    def move_arguments(self, form) -> dict:
        return {
            "superseded_by": form.cleaned_data["superseded_by"],
            "carry_over_signatories": form.cleaned_data["carry_over_signatories"],
        }


class ExpireView(MoveView):
    action = A.EXPIRE
    service = services.agreement_expire
    heading = "Mark the agreement as expired"
    submit_label = "Mark as expired"
    warning = True
    intro = ("An expired agreement cannot be changed or signed again.",)
    success_message = "{result.title} has expired."


class WithdrawView(MoveView):
    action = A.WITHDRAW
    service = services.agreement_withdraw
    heading = "Withdraw the agreement"
    submit_label = "Withdraw the agreement"
    warning = True
    intro = (
        "A withdrawn agreement cannot be changed or signed again. Any change out for "
        "consultation is dropped, and agreements underneath it are flagged for review.",
    )
    success_message = "{result.title} has been withdrawn."
