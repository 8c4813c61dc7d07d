"""The in-app inbox, the email outbox and the reminder ledger.

Each table makes one effect happen once: a notice once per recipient and dedup key, an email once
per dedup key, a reminder once per (source, object, kind, due time). The unique constraints are
the guarantee; the services only rely on them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from partners.models import Membership
from partners.tenancy import TenantModel

# A link is a path inside the service ("/breaches/<uuid>/"), never another site.
_LINK_IS_A_PATH = Q(link="") | (Q(link__startswith="/") & ~Q(link__startswith="//"))


class Notice(TenantModel):
    """One message in one person's inbox."""

    recipient = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="notices")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True, help_text="A path in the service.")
    reason = models.CharField(
        max_length=300, help_text="Why this person was told, shown with the notice."
    )
    dedup_key = models.CharField(max_length=200)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "recipient", "dedup_key"], name="notice_once_per_key"
            ),
            models.CheckConstraint(condition=_LINK_IS_A_PATH, name="notice_link_is_a_path"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notice_inbox"),
            # The header's unread count on every page.
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notice_unread"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.link and (not self.link.startswith("/") or self.link.startswith("//")):
            raise ValidationError({"link": "A notice links to a path in the service."})


class OutboxEmail(TenantModel):
    """An email written in the transaction that caused it and delivered later by the worker, so a
    mail server outage delays it and loses nothing."""

    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    dedup_key = models.CharField(max_length=255)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # Not before this time: the first try, the next try after a failure, or the end of the lease
    # of the deliverer that claimed the row.
    next_attempt_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["next_attempt_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "dedup_key"], name="outbox_once_per_key"),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "next_attempt_at"],
                condition=Q(sent_at__isnull=True),
                name="outbox_due",
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class Reminder(TenantModel):
    """The ledger: one row per reminder that has fallen due, whether or not it was sent yet."""

    source = models.CharField(max_length=60, help_text="The registered reminder source.")
    object_id = models.UUIDField(help_text="The public id of the object reminded about.")
    kind = models.CharField(max_length=60)
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "source", "object_id", "kind", "due_at"], name="reminder_once"
            ),
        ]
        indexes = [
            # The sweep's query: what is due and not sent yet.
            models.Index(
                fields=["tenant", "source", "due_at"],
                condition=Q(sent_at__isnull=True),
                name="reminder_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} due {self.due_at:%Y-%m-%d %H:%M}"
