"""The inbox: a member's notices, why they got each one, and marking them read; and the 'due and
overdue' page: everything the reminder jobs would remind about, for the viewer's scope."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.views import View
from django.views.generic import ListView, TemplateView

from notifications.selectors import inbox_list, inbox_unread_count, notice_get, reminders_due
from notifications.services import inbox_mark_all_read, inbox_mark_read
from partners.permissions import MembershipRequiredMixin
from partners.roles import can


class InboxView(MembershipRequiredMixin, ListView):
    required_capability = "dashboard.view"
    template_name = "notifications/inbox.html"
    context_object_name = "notices"
    paginate_by = 50

    def get_queryset(self):
        return inbox_list(
            membership=self.request.membership, unread_only=self.request.GET.get("show") == "unread"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unread_only"] = self.request.GET.get("show") == "unread"
        context["unread_total"] = inbox_unread_count(membership=self.request.membership)
        return context


class NoticeOpenView(MembershipRequiredMixin, View):
    """Opening a notice marks it read and follows its link (a POST: it changes state)."""

    required_capability = "dashboard.view"

    def post(self, request, public_id):
        notice = notice_get(membership=request.membership, public_id=public_id)
        inbox_mark_read(membership=request.membership, notice=notice)
        return redirect(notice.link or "notifications_inbox")


class InboxMarkAllReadView(MembershipRequiredMixin, View):
    required_capability = "dashboard.view"

    def post(self, request):
        count = inbox_mark_all_read(membership=request.membership)
        messages.success(
            request, f"{count} notification{'s' if count != 1 else ''} marked as read."
        )
        return redirect("notifications_inbox")


# How each reminder source is headed on the 'due and overdue' page (an unknown one by its name).
SOURCE_LABELS = {
    "breaches.milestones": "Breach milestones",
    "breaches.ico_assessment": "Personal data breaches: the 72-hour ICO assessment",
    "breaches.indemnity": "Indemnity notices awaiting a written response",
    "agreements.reviews": "Agreement reviews",
    "agreements.consultations": "Change consultations closing",
    "consent.review": "Consents due for review",
    "consent.young_person": "Young people now deciding about their own consent",
    "consent.age_twelve": "Children turning 12 whose parent gave consent",
    "sharing_log.inaccuracy": "Inaccuracy notices not yet acknowledged",
    "partners.training": "IG training expiring",
    "partners.ico_registration": "ICO registrations due for renewal",
}
# How far ahead the page looks: reminders going out by now, or within the days chosen.
AHEAD_DAYS = {"0": "Due or overdue now", "7": "And the next 7 days", "30": "And the next 30 days"}
URGENT = {"overdue", "escalated"}


class DueView(MembershipRequiredMixin, TemplateView):
    """A dry run of the reminder jobs: nothing is sent or written. The IG officer (and the
    auditor) see the whole partnership's; a manager their organisation's; anyone else their own."""

    required_capability = "dashboard.view"
    template_name = "notifications/due.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ahead = self.request.GET.get("ahead", "7")
        if ahead not in AHEAD_DAYS:
            ahead = "7"
        now = timezone.now()
        groups = reminders_due(
            viewer=self.request.membership, now=now, until=now + timedelta(days=int(ahead))
        )
        context.update(
            groups=[
                {
                    "label": SOURCE_LABELS.get(group.source, group.source),
                    "failed": group.failed,
                    "items": [
                        {
                            "reminder": reminder,
                            "urgent": reminder.kind in URGENT,
                            "upcoming": reminder.due_at > now,
                        }
                        for reminder in group.reminders
                    ],
                }
                for group in groups
            ],
            ahead=ahead,
            ahead_choices=list(AHEAD_DAYS.items()),
            total=sum(len(group.reminders) for group in groups),
            scope="all"
            if can(self.request.membership, "reminders.view_all")
            else "organisation"
            if can(self.request.membership, "reminders.view_organisation")
            else "own",
        )
        return context
