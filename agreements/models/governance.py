"""Who signed an agreement, how changes to it are agreed, and how it is reviewed and audited."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from agreements.choices import AuditRequestStatus, ConsultationStatus, Reply, SignatoryStatus
from partners.tenancy import TenantModel

HISTORY = {"excluded_fields": ["updated_at"]}


class Signatory(TenantModel):
    """An organisation invited to sign an agreement, and what became of it (Haringey §13).

    An organisation has at most one current row (invited or signed) per agreement; after it
    declines or withdraws, a fresh invitation is a new row, so the dates of every period of
    membership stay on record and counts over time can be told exactly.
    """

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.CASCADE, related_name="signatories"
    )
    organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=SignatoryStatus.choices, default=SignatoryStatus.INVITED
    )
    invited_on = models.DateField()
    invited_by = models.ForeignKey(
        "partners.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The authorised person's signature.
    signer_name = models.CharField("name of signatory", max_length=150, blank=True)
    signer_title = models.CharField("title", max_length=150, blank=True)
    typed_signature = models.CharField("signature", max_length=150, blank=True)
    signed_on = models.DateField("date signed", null=True, blank=True)
    version_signed = models.PositiveIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        "partners.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Signed the agreement this one superseded, and transferred unless it asked to withdraw.
    carried_over_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    declined_on = models.DateField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)

    history = HistoricalRecords(**HISTORY)

    class Meta:
        ordering = ["organisation__name", "invited_on"]
        verbose_name_plural = "signatories"
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organisation"],
                condition=Q(status__in=["invited", "signed"]),
                name="signatory_current_once",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["signed", "withdrawn"])
                | (Q(signed_on__isnull=False) & ~Q(signer_name="") & ~Q(typed_signature="")),
                name="signed_signatory_has_signature",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("signed_on")),
                name="signatory_withdrawn_after_signing",
            ),
        ]
        indexes = [models.Index(fields=["agreement", "status"])]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_status_display()})"

    @property
    def carried_over(self) -> bool:
        """Signed an earlier version (or agreement) and carried over to the current one."""
        return self.carried_over_from_id is not None or (
            self.version_signed is not None
            and self.version_signed < self.agreement.document_version
        )


class ChangeConsultation(TenantModel):
    """A proposed change circulated to every signatory with a deadline (Bucks §1–2)."""

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.CASCADE, related_name="consultations"
    )
    summary = models.CharField(max_length=250)
    details = models.TextField()
    respond_by = models.DateField("responses due by")
    status = models.CharField(
        max_length=20, choices=ConsultationStatus.choices, default=ConsultationStatus.OPEN
    )
    proposed_by = models.ForeignKey(
        "partners.Membership", on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        "partners.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    history = HistoricalRecords(**HISTORY)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(status="open"),
                name="one_open_consultation_per_agreement",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "status", "respond_by"])]

    def __str__(self) -> str:
        return self.summary


class ChangeResponse(TenantModel):
    """One signatory organisation's answer; after the deadline, silence is agreement."""

    consultation = models.ForeignKey(
        ChangeConsultation, on_delete=models.CASCADE, related_name="responses"
    )
    organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    reply = models.CharField(max_length=10, choices=Reply.choices, blank=True)
    comment = models.TextField(blank=True)
    # No response by the deadline, so taken as agreement (Bucks §1).
    deemed = models.BooleanField("taken as agreement", default=False)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        "partners.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(**HISTORY)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "organisation"], name="one_response_per_organisation"
            ),
            models.CheckConstraint(
                condition=Q(deemed=False) | Q(reply="agree"), name="deemed_response_is_agreement"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_reply_display() or 'no response'}"


class Review(TenantModel):
    """A review of an agreement (Haringey 5.1–5.5): findings reported in writing within one
    calendar month (or at the next partners' meeting, if sooner), and an implementation plan."""

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.CASCADE, related_name="reviews"
    )
    due_on = models.DateField("review due on")
    opened_by = models.ForeignKey("partners.Membership", on_delete=models.PROTECT, related_name="+")
    reviewers = models.TextField(
        blank=True, help_text="The officers the partners agreed should undertake it (5.2)."
    )
    reviewed_on = models.DateField("review undertaken on", null=True, blank=True)
    findings = models.TextField(blank=True)
    next_meeting_on = models.DateField("next partners' meeting", null=True, blank=True)
    report_due_on = models.DateField("findings to be reported by", null=True, blank=True)
    reported_on = models.DateField("findings reported in writing on", null=True, blank=True)
    implementation_plan = models.TextField(blank=True)
    changes_required = models.BooleanField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        "partners.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(**HISTORY)

    class Meta:
        ordering = ["-due_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(completed_on__isnull=True),
                name="one_open_review_per_agreement",
            ),
            models.CheckConstraint(
                condition=Q(reported_on__isnull=True) | Q(reported_on__gte=F("reviewed_on")),
                name="review_reported_after_it_was_undertaken",
            ),
        ]

    def __str__(self) -> str:
        return f"Review due {self.due_on:%d %B %Y}"

    @property
    def is_open(self) -> bool:
        return self.completed_on is None

    @property
    def reported_late(self) -> bool:
        return bool(
            self.reported_on and self.report_due_on and self.reported_on > self.report_due_on
        )


class ReviewAction(TenantModel):
    """An action of a review's implementation plan, with its owner and due date (5.4–5.5)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner_organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    owner_name = models.CharField("owner", max_length=150)
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords(**HISTORY)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["tenant", "completed_on", "due_on"])]

    def __str__(self) -> str:
        return self.description[:80]


class AuditRequest(TenantModel):
    """A partner's request for the others' help with an audit, with one month's written notice
    detailing its scope (Haringey 5.9)."""

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.CASCADE, related_name="audit_requests"
    )
    requesting_organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    # Empty when every partner organisation is asked to assist.
    audited_organisation = models.ForeignKey(
        "partners.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    auditor = models.CharField(
        "auditing body", max_length=200, help_text="The internal or external auditor."
    )
    scope = models.TextField()
    notice_given_on = models.DateField("written notice given on")
    starts_on = models.DateField("audit starts on")
    status = models.CharField(
        max_length=20, choices=AuditRequestStatus.choices, default=AuditRequestStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        "partners.Membership", on_delete=models.PROTECT, related_name="+"
    )
    completed_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)

    history = HistoricalRecords(**HISTORY)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__gt=F("notice_given_on")),
                name="audit_starts_after_notice",
            ),
        ]

    def __str__(self) -> str:
        return f"Audit by {self.auditor} from {self.starts_on:%d %B %Y}"
