"""The inbox: a member's notices, why they got each one, and marking them read."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.views import View
from django.views.generic import ListView

from notifications.selectors import inbox_list, inbox_unread_count, notice_get
from notifications.services import inbox_mark_all_read, inbox_mark_read
from partners.permissions import MembershipRequiredMixin


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
