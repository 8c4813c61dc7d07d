"""Reads for notifications: a member's inbox, its unread count, the outbox rows due, and what
the reminder jobs would remind about (the 'due and overdue' page)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from notifications.models import Notice, OutboxEmail
from notifications.reminders import DueReminder, reminder_sources
from partners.models import Membership
from partners.roles import can

logger = logging.getLogger(__name__)


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


# --- Due and overdue ------------------------------------------------------------------------


@dataclass(frozen=True)
class DueGroup:
    """The reminders of one source that would go out by a time, for the 'due and overdue' page."""

    source: str
    reminders: list[DueReminder]
    failed: bool = False


def reminders_due(*, viewer: Membership, now: datetime, until: datetime) -> list[DueGroup]:
    """A dry run of every registered reminder source for the viewer's partnership: what the
    sweep has reminded about by `now` and still would (what it is about is not done yet), and
    what it will remind about by `until`; nothing is written. For each object one reminder is
    kept: its latest stage reached by now (an overdue milestone, not also its "due in 2 days"),
    or else the next one to come.

    Scope: the IG officer and the auditor see everything; a manager what would go to the people
    of their organisation; anyone else what would go to them."""
    tenant = viewer.tenant
    groups = []
    for source in reminder_sources():
        try:
            found = list(source.function(tenant=tenant, until=until))
        except Exception as exc:
            # One broken source must not take the page down; it says so instead.
            logger.error("Reminder source %s failed: %s", source.name, type(exc).__name__)
            groups.append(DueGroup(source.name, [], failed=True))
            continue
        kept: dict = {}
        for reminder in found:
            if reminder.due_at > until or not _in_scope(viewer, reminder):
                continue
            current = kept.get(reminder.object_id)
            if current is None or _sooner_to_show(reminder, current, now):
                kept[reminder.object_id] = reminder
        if kept:
            groups.append(DueGroup(source.name, sorted(kept.values(), key=lambda r: r.due_at)))
    return groups


def _sooner_to_show(new: DueReminder, old: DueReminder, now: datetime) -> bool:
    """Of two stages of one deadline: the later of those reached by now, else the earlier."""
    if (new.due_at <= now) != (old.due_at <= now):
        return new.due_at <= now
    return new.due_at > old.due_at if new.due_at <= now else new.due_at < old.due_at


def _in_scope(viewer: Membership, reminder: DueReminder) -> bool:
    if can(viewer, "reminders.view_all"):
        return True
    if can(viewer, "reminders.view_organisation"):
        # The people of their organisation, but not its IG officers' partnership-wide notices.
        return any(
            m.organisation_id == viewer.organisation_id and not can(m, "reminders.view_all")
            for m in reminder.recipients
        )
    return any(m.pk == viewer.pk for m in reminder.recipients)
