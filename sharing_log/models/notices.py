"""Inaccuracy notices (Kent SEND SOP "Quality Standards"): when information shared turns out
inaccurate or out of date, the sharer tells every organisation that received it, and each
acknowledges. All three tables are append-only: an acknowledgement is a new row."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from partners.security.appendonly import AppendOnlyManager, AppendOnlyModel
from partners.tenancy import TenantModel


class InaccuracyNotice(AppendOnlyModel, TenantModel):
    decision = models.ForeignKey(
        "sharing_log.SharingDecision", on_delete=models.PROTECT, related_name="inaccuracy_notices"
    )
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The organisation that shared the information and gives notice.",
    )
    recorded_by = models.ForeignKey(
        "partners.Membership", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    what_was_wrong = models.TextField(help_text="Which information is inaccurate or out of date.")
    correction = models.TextField(
        blank=True, help_text="The correct information, or what recipients should do."
    )

    objects = AppendOnlyManager()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["tenant", "recorded_at", "id"], name="notice_log")]

    def __str__(self) -> str:
        return f"Inaccuracy notice of {self.recorded_at:%d %b %Y}"


class InaccuracyNoticeRecipient(AppendOnlyModel, TenantModel):
    """An organisation that must acknowledge a notice: each partner organisation the decision
    shared with, fixed when the notice is recorded."""

    notice = models.ForeignKey(
        InaccuracyNotice, on_delete=models.PROTECT, related_name="recipient_organisations"
    )
    organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="+"
    )

    objects = AppendOnlyManager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "organisation"], name="notice_recipient_once"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "organisation"], name="notice_recipient_org")]


class InaccuracyAcknowledgement(AppendOnlyModel, TenantModel):
    notice = models.ForeignKey(
        InaccuracyNotice, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_by = models.ForeignKey(
        "partners.Membership", on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True, help_text="What was done, e.g. records updated.")

    objects = AppendOnlyManager()

    class Meta:
        ordering = ["acknowledged_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "organisation"], name="notice_acknowledged_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Acknowledged on {self.acknowledged_at:%d %b %Y}"
