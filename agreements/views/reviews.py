"""Reviews (Haringey 5.1–5.5): findings, the date they were reported in writing (due within a
calendar month of the review), the implementation plan's actions with owners and due dates,
and completing the review, which sets the next review date. Audit requests between partners,
with one month's written notice (5.9)."""

from __future__ import annotations

from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from agreements import services
from agreements.forms import (
    AuditCancelForm,
    AuditCompleteForm,
    AuditRequestForm,
    ReviewActionCompleteForm,
    ReviewActionForm,
    ReviewCompleteForm,
    ReviewFindingsForm,
    ReviewReportForm,
)
from agreements.models import AuditRequest, Review, ReviewAction
from agreements.selectors import audit_request_get_for, review_action_get_for, review_get_for
from agreements.views.base import (
    AgreementFormPage,
    FormPage,
    LoadsObjectFirst,
    acts_for,
    agreement_url,
)
from partners.permissions import MembershipRequiredMixin
from partners.roles import can


def review_url(review: Review) -> str:
    return reverse("review_detail", kwargs={"public_id": review.public_id})


class ReviewMixin(LoadsObjectFirst):
    @cached_property
    def review(self) -> Review:
        return review_get_for(self.request.membership, self.kwargs["public_id"])

    def load(self) -> None:
        _ = self.review


class ReviewDetailView(ReviewMixin, MembershipRequiredMixin, TemplateView):
    required_capability = "agreements.view"
    template_name = "agreements/review_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = self.review
        today = timezone.localdate()
        context.update(
            review=review,
            agreement=review.agreement,
            agreement_url=agreement_url(review.agreement, "reviews"),
            actions=review.actions.select_related("owner_organisation"),
            today=today,
            may_manage=can(self.request.membership, "agreements.manage"),
            report_overdue=bool(
                review.is_open
                and review.report_due_on
                and not review.reported_on
                and review.report_due_on < today
            ),
        )
        return context


class ReviewPage(ReviewMixin, FormPage):
    required_capability = "agreements.manage"

    def get_caption(self) -> str:
        return f"Review of {self.review.agreement.title}"

    def get_back_url(self) -> str:
        return review_url(self.review)

    def get_back_label(self) -> str:
        return "The review"

    def get_context_data(self, **kwargs):
        return super().get_context_data(review=self.review, **kwargs)

    def success_url_for(self, result) -> str:
        return review_url(self.review)

    def service_refused(self, form, error):
        self.__dict__.pop("review", None)
        return super().service_refused(form, error)


class ReviewFindingsView(ReviewPage):
    form_class = ReviewFindingsForm
    heading = "Record the review's findings"
    submit_label = "Save the findings"
    success_message = "The findings have been saved."

    def get_initial(self):
        review = self.review
        return {
            "reviewed_on": review.reviewed_on or timezone.localdate(),
            "reviewers": review.reviewers,
            "findings": review.findings,
            "next_meeting_on": review.next_meeting_on,
        }

    def perform(self, form):
        return services.review_record_findings(
            actor=self.request.membership, review=self.review, **form.cleaned_data
        )


class ReviewReportView(ReviewPage):
    form_class = ReviewReportForm
    heading = "Record when the findings were reported"
    submit_label = "Save the date"
    success_message = "The date of the report has been saved."

    def get_intro(self) -> tuple[str, ...]:
        due = self.review.report_due_on
        if due is None:
            return ()
        return (f"The findings were due to be reported in writing by {due.day} {due:%B %Y}.",)

    def get_initial(self):
        return {"reported_on": self.review.reported_on or timezone.localdate()}

    def perform(self, form):
        return services.review_report(
            actor=self.request.membership,
            review=self.review,
            reported_on=form.cleaned_data["reported_on"],
        )


class ReviewActionAddView(ReviewPage):
    form_class = ReviewActionForm
    heading = "Add an action to the implementation plan"
    submit_label = "Add the action"
    success_message = "The action has been added."

    def perform(self, form):
        return services.review_action_add(
            actor=self.request.membership, review=self.review, **form.cleaned_data
        )


class ReviewCompleteView(ReviewPage):
    form_class = ReviewCompleteForm
    heading = "Complete the review"
    submit_label = "Complete the review"
    intro = ("Completing the review sets the agreement's next review date.",)
    success_message = "The review has been completed."

    def get_initial(self):
        return {"implementation_plan": self.review.implementation_plan}

    def perform(self, form):
        return services.review_complete(
            actor=self.request.membership, review=self.review, **form.cleaned_data
        )


class ReviewActionCompleteView(LoadsObjectFirst, FormPage):
    required_capability = "agreements.manage"
    form_class = ReviewActionCompleteForm
    heading = "Mark the action as done"
    submit_label = "Mark as done"
    success_message = "The action has been marked as done."

    @cached_property
    def action(self) -> ReviewAction:
        return review_action_get_for(self.request.membership, self.kwargs["public_id"])

    def load(self) -> None:
        _ = self.action

    def get_caption(self) -> str:
        return f"Review of {self.action.review.agreement.title}"

    def get_intro(self) -> tuple[str, ...]:
        return (self.action.description,)

    def get_back_url(self) -> str:
        return review_url(self.action.review)

    def get_back_label(self) -> str:
        return "The review"

    def perform(self, form):
        return services.review_action_complete(
            actor=self.request.membership,
            action=self.action,
            completed_on=form.cleaned_data["completed_on"],
        )

    def success_url_for(self, action) -> str:
        return review_url(self.action.review)


# --- Audit requests ----------------------------------------------------------------------------


class AuditRequestCreateView(AgreementFormPage):
    required_capability = "agreements.request_audit"
    form_class = AuditRequestForm
    heading = "Request an audit"
    submit_label = "Request the audit"
    back_tab = "reviews"
    intro = (
        "Partners assist with an audit as long as one month's notice is given in writing "
        "detailing its scope (Haringey 5.9).",
    )
    success_message = "The audit request has been recorded."

    def get_form_kwargs(self):
        viewer = self.request.membership
        fixed = None if can(viewer, "agreements.manage") else viewer.organisation
        return {**super().get_form_kwargs(), "fixed": fixed}

    def perform(self, form):
        return services.audit_request_create(
            actor=self.request.membership, agreement=self.agreement, **form.request_fields()
        )

    def success_url_for(self, request) -> str:
        return agreement_url(self.agreement, "reviews")


class AuditRequestPage(LoadsObjectFirst, FormPage):
    required_capability = "agreements.request_audit"

    @cached_property
    def audit_request(self) -> AuditRequest:
        request = audit_request_get_for(self.request.membership, self.kwargs["public_id"])
        if not acts_for(self.request.membership, request.requesting_organisation_id):
            raise PermissionDenied("Only the requesting organisation or the IG officer can.")
        return request

    def load(self) -> None:
        _ = self.audit_request

    def get_caption(self) -> str:
        return self.audit_request.agreement.title

    def get_intro(self) -> tuple[str, ...]:
        return (str(self.audit_request),)

    def get_back_url(self) -> str:
        return agreement_url(self.audit_request.agreement, "reviews")

    def get_back_label(self) -> str:
        return self.audit_request.agreement.title

    def success_url_for(self, result) -> str:
        return agreement_url(self.audit_request.agreement, "reviews")


class AuditCompleteView(AuditRequestPage):
    form_class = AuditCompleteForm
    heading = "Record the audit's outcome"
    submit_label = "Complete the audit request"
    success_message = "The audit has been recorded as completed."

    def perform(self, form):
        return services.audit_request_complete(
            actor=self.request.membership, request=self.audit_request, **form.cleaned_data
        )


class AuditCancelView(AuditRequestPage):
    form_class = AuditCancelForm
    heading = "Cancel the audit request"
    submit_label = "Cancel the audit request"
    warning = True
    success_message = "The audit request has been cancelled."

    def perform(self, form):
        return services.audit_request_cancel(
            actor=self.request.membership,
            request=self.audit_request,
            reason=form.cleaned_data["reason"],
        )
