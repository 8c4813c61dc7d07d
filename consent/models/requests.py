"""Subject access requests about a child, and each partnership's consent settings."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from consent.choices import ChildConfirmation, Requester
from partners.tenancy import TenantModel


class SubjectAccessRequest(TenantModel):
    """A request for a copy of a child's records (UK GDPR Article 15).

    For a child over 12, when a parent asks on the child's behalf, the record says whether the
    child's confirmation was sought (SEND partnership policy: "For children over the age of 12,
    where appropriate, confirmation of consent may be sought when a parent is making a subject
    access request on their behalf").
    """

    subject = models.ForeignKey(
        "consent.DataSubject", on_delete=models.PROTECT, related_name="access_requests"
    )
    requester = models.CharField("made by", max_length=20, choices=Requester.choices)
    requester_name = models.CharField(max_length=150)
    received_on = models.DateField()
    child_age_on_receipt = models.PositiveSmallIntegerField()
    child_confirmation_sought = models.BooleanField(null=True, blank=True)
    child_confirmation = models.CharField(
        "the child's answer", max_length=20, choices=ChildConfirmation.choices, blank=True
    )
    not_sought_because = models.TextField("why the child's confirmation was not sought", blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        "partners.Membership", on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"Subject access request received {self.received_on:%d %b %Y}"


class ConsentSettings(TenantModel):
    """A partnership's own consent rules. A partnership without a row has the defaults."""

    review_months = models.PositiveSmallIntegerField(
        "review consent every (months)",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text="Golden Rule 2: consent is reviewed frequently so that it is always current.",
    )
    review_at_twelve = models.BooleanField(
        "review a parent's consent when the child turns 12",
        default=False,
        help_text="Remind whoever recorded it to check the child's own view.",
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name_plural = "consent settings"
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="consent_settings_once_per_tenant")
        ]

    def __str__(self) -> str:
        return "Consent settings"
