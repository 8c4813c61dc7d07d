"""Reads for notifications: a member's inbox, its unread count, and the outbox rows due."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from notifications.models import Notice, OutboxEmail
from partners.models import Membership


def inbox_list(*, membership: Membership, unread_only: bool = False) -> QuerySet[Notice]:
    """The member's notices, newest first."""
    notices = Notice.objects.filter(recipient=membership)
    if unread_only:
        notices = notices.filter(read_at__isnull=True)
    return notices.order_by("-created_at", "-id")


def inbox_unread_count(*, membership: Membership) -> int:
    return Notice.objects.filter(recipient=membership, read_at__isnull=True).count()


def notice_get(*, membership: Membership, public_id: UUID | str) -> Notice:
    """One of the member's own notices. Someone else's notice, in this partnership or another, is
    the same 404 as one that does not exist."""
    notice = Notice.objects.filter(recipient=membership, public_id=public_id).first()
    if notice is None:
        raise Http404("No such notice.")
    # A second line of defence: the filter above already guarantees both.
    assert notice.recipient_id == membership.pk and notice.tenant_id == membership.tenant_id  # noqa: S101
    return notice


def outbox_due(*, now: datetime) -> QuerySet[OutboxEmail]:
    """Emails not sent yet whose next attempt is due, oldest first."""
    return OutboxEmail.objects.filter(sent_at__isnull=True, next_attempt_at__lte=now).order_by(
        "next_attempt_at", "id"
    )
