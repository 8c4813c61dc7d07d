"""The designated manager's queue of overrides waiting for them, and approving or rejecting
one (Haringey 4.6): each answer is a new record, sent to the practitioner."""

from __future__ import annotations

from django.views.generic import TemplateView

from partners.permissions import MembershipRequiredMixin
from sharing_log.choices import ApprovalOutcome
from sharing_log.forms import ApprovalForm
from sharing_log.selectors import may_decide_override, overrides_pending_for
from sharing_log.services import override_decide
from sharing_log.views.base import DecisionActionPage, decision_url

QUEUE_LIMIT = 200


class OverrideQueueView(MembershipRequiredMixin, TemplateView):
    """Overrides of the organisations the member decides for, oldest first: the longest
    waiting comes first. Empty for anyone who approves for no organisation."""

    required_capability = "decisions.view"
    template_name = "sharing_log/override_queue.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pending = list(overrides_pending_for(manager=self.request.membership)[: QUEUE_LIMIT + 1])
        context.update(decisions=pending[:QUEUE_LIMIT], more=len(pending) > QUEUE_LIMIT)
        return context


class OverrideDecideView(DecisionActionPage):
    required_capability = "decisions.view"
    form_class = ApprovalForm
    heading = "Approve or reject overriding confidentiality"
    submit_label = "Record your answer"
    refusal = (
        "Only a designated manager of the organisation that made the decision can approve or "
        "reject it."
    )

    def may_use(self) -> bool:
        return may_decide_override(self.request.membership, self.decision)

    def perform(self, form):
        return override_decide(
            actor=self.request.membership,
            decision=self.decision,
            outcome=form.cleaned_data["outcome"],
            reasons=form.cleaned_data["reasons"].strip(),
        )

    def success_message_for(self, approval) -> str:
        if approval.outcome == ApprovalOutcome.APPROVED:
            return "You approved overriding confidentiality. The practitioner has been told."
        return "You rejected overriding confidentiality. The practitioner has been told."

    def success_url_for(self, approval) -> str:
        return decision_url(self.decision)
