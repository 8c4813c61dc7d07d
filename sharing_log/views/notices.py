"""Inaccuracy notices (Kent SEND SOP "Quality Standards"): the sharer tells every organisation
that received information it has since found inaccurate or out of date; each acknowledges; the
IG officer sees the notices not yet acknowledged."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.views.generic import TemplateView

from agreements.views.base import FormPage
from partners.permissions import MembershipRequiredMixin
from partners.roles import Role, can
from sharing_log.audit import audit_notice
from sharing_log.forms import AcknowledgeForm, InaccuracyNoticeForm
from sharing_log.selectors import notices_to_acknowledge, notices_unacknowledged
from sharing_log.services import inaccuracy_acknowledge, inaccuracy_notice_record
from sharing_log.views.base import DecisionActionPage, NoticeMixin, notice_url

LIST_LIMIT = 200


def awaiting(notice) -> tuple[list, set[int]]:
    """The recipient organisations of a notice and the ids of those that have acknowledged."""
    recipients = [row.organisation for row in notice.recipient_organisations.all()]
    acknowledged = {ack.organisation_id for ack in notice.acknowledgements.all()}
    return recipients, acknowledged


class NoticeListView(MembershipRequiredMixin, TemplateView):
    """Notices not acknowledged: every one of the partnership for the IG officer and the
    auditor, otherwise those waiting for the viewer's organisation to acknowledge."""

    required_capability = "decisions.view"
    template_name = "sharing_log/notice_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        viewer = self.request.membership
        sees_all = can(viewer, "decisions.view_all")
        waiting = (
            notices_unacknowledged(viewer=viewer)
            if sees_all
            else notices_to_acknowledge(membership=viewer)
        )
        notices = list(
            waiting.select_related("decision", "organisation", "recorded_by__user")
            .prefetch_related("recipient_organisations__organisation", "acknowledgements")
            .order_by("recorded_at", "id")[: LIST_LIMIT + 1]
        )
        rows = []
        for notice in notices[:LIST_LIMIT]:
            recipients, acknowledged = awaiting(notice)
            rows.append(
                {
                    "notice": notice,
                    "waiting": [o for o in recipients if o.pk not in acknowledged],
                }
            )
        context.update(
            rows=rows,
            more=len(notices) > LIST_LIMIT,
            sees_all=sees_all,
        )
        return context


def may_give_notice(membership, decision) -> bool:
    """Someone of the organisation that shared, who records decisions (the service checks it
    again)."""
    return can(membership, "decisions.record") and membership.organisation_id == (
        decision.organisation_id
    )


def may_acknowledge(membership, recipient_ids: set[int]) -> bool:
    """Someone of a recipient organisation who records decisions, or its IG officer."""
    return (
        can(membership, "decisions.record") or membership.role == Role.IG_OFFICER
    ) and membership.organisation_id in recipient_ids


class NoticeCreateView(DecisionActionPage):
    required_capability = "decisions.record"
    form_class = InaccuracyNoticeForm
    heading = "Tell the recipients that information shared was inaccurate"
    submit_label = "Send the notice"
    refusal = "Only the organisation that shared the information gives notice."

    def may_use(self) -> bool:
        return may_give_notice(self.request.membership, self.decision)

    def perform(self, form):
        return inaccuracy_notice_record(
            actor=self.request.membership,
            decision=self.decision,
            what_was_wrong=form.cleaned_data["what_was_wrong"].strip(),
            correction=form.cleaned_data["correction"].strip(),
        )

    def success_message_for(self, notice) -> str:
        return "The notice has been sent. Each recipient organisation is asked to acknowledge it."

    def success_url_for(self, notice) -> str:
        return notice_url(notice)


class NoticeDetailView(NoticeMixin, MembershipRequiredMixin, TemplateView):
    required_capability = "decisions.view"
    template_name = "sharing_log/notice_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        notice, viewer = self.notice, self.request.membership
        audit_notice(self.request, notice)
        recipients, acknowledged = awaiting(notice)
        context.update(
            notice=notice,
            decision=notice.decision,
            recipients=[
                {"organisation": organisation, "acknowledged": organisation.pk in acknowledged}
                for organisation in recipients
            ],
            acknowledgements=list(notice.acknowledgements.all()),
            may_acknowledge=may_acknowledge(viewer, {o.pk for o in recipients})
            and viewer.organisation_id not in acknowledged,
            acknowledge_form=AcknowledgeForm(),
        )
        return context


class NoticeAcknowledgeView(NoticeMixin, FormPage):
    required_capability = "decisions.view"
    form_class = AcknowledgeForm
    heading = "Acknowledge the inaccuracy notice"
    submit_label = "Acknowledge"

    def load(self) -> None:
        super().load()
        recipient_ids = {row.organisation_id for row in self.notice.recipient_organisations.all()}
        if not may_acknowledge(self.request.membership, recipient_ids):
            raise PermissionDenied(
                "Only an organisation that received the information acknowledges."
            )

    def get_back_url(self) -> str:
        return notice_url(self.notice)

    def get_back_label(self) -> str:
        return "The notice"

    def get_intro(self):
        return (f"What was wrong: {self.notice.what_was_wrong}",)

    def perform(self, form):
        return inaccuracy_acknowledge(
            actor=self.request.membership,
            notice=self.notice,
            note=form.cleaned_data["note"].strip(),
        )

    def success_message_for(self, acknowledgement) -> str:
        return f"{acknowledgement.organisation.name} has acknowledged the notice."

    def success_url_for(self, acknowledgement) -> str:
        return notice_url(self.notice)
