"""The agreement itself: its document control, lifecycle, narrative headings and settings."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from agreements.choices import AgreementAction, AgreementKind, AgreementStatus
from partners.tenancy import TenantModel

S = AgreementStatus
A = AgreementAction

# Each move of the lifecycle: the statuses it may start from and where it ends. Nothing else is
# a legal transition; the services refuse the rest with a message naming what is possible.
TRANSITIONS: dict[AgreementAction, tuple[frozenset[AgreementStatus], AgreementStatus]] = {
    A.CIRCULATE: (frozenset({S.DRAFT}), S.CONSULTATION),
    A.RETURN_TO_DRAFT: (frozenset({S.CONSULTATION}), S.DRAFT),
    A.APPROVE: (frozenset({S.CONSULTATION, S.UNDER_REVIEW}), S.ACTIVE),
    A.START_REVIEW: (frozenset({S.ACTIVE}), S.UNDER_REVIEW),
    A.CLOSE_REVIEW: (frozenset({S.UNDER_REVIEW}), S.ACTIVE),
    A.SUPERSEDE: (frozenset({S.ACTIVE, S.UNDER_REVIEW}), S.SUPERSEDED),
    A.EXPIRE: (frozenset({S.ACTIVE, S.UNDER_REVIEW}), S.EXPIRED),
    A.WITHDRAW: (frozenset({S.DRAFT, S.CONSULTATION, S.ACTIVE, S.UNDER_REVIEW}), S.WITHDRAWN),
}
TERMINAL_STATUSES = frozenset({S.SUPERSEDED, S.EXPIRED, S.WITHDRAWN})
# The agreement is in force: partners sign it and act under it.
IN_FORCE_STATUSES = frozenset({S.ACTIVE, S.UNDER_REVIEW})
# Statuses whose content the IG officer may edit (a granted manager: drafts only).
EDITABLE_STATUSES = frozenset({S.DRAFT, S.CONSULTATION, S.UNDER_REVIEW})


def actions_from(status: str) -> list[AgreementAction]:
    return [action for action, (sources, _) in TRANSITIONS.items() if status in sources]


class Agreement(TenantModel):
    """An information sharing agreement, protocol, procedure or code of practice."""

    title = models.CharField(max_length=250)
    reference = models.CharField(
        max_length=50, blank=True, help_text="The partnership's own reference, if it has one."
    )
    kind = models.CharField(max_length=20, choices=AgreementKind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="sits underneath",
        help_text="The agreement this one sits underneath and is read in conjunction with.",
    )
    summary = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=AgreementStatus.choices, default=S.DRAFT)

    # Document control (Kent schools protocol's table: owner, version, approval, issue, review).
    owner_organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    owner_name = models.CharField("document owner", max_length=150, blank=True)
    owner_job_title = models.CharField("document owner's job title", max_length=150, blank=True)
    document_version = models.PositiveIntegerField(
        "version number", default=0, help_text="0 until first approved; each approval adds 1."
    )
    approval_date = models.DateField(null=True, blank=True)
    issue_date = models.DateField(null=True, blank=True)
    next_review_date = models.DateField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )

    # Narrative headings of the ICO data sharing code that are prose rather than lists.
    parties_and_roles = models.TextField(
        "organisations involved and their roles",
        blank=True,
        help_text="Who takes part, and whether each is a controller, joint controller or "
        "processor.",
    )
    transparency = models.TextField(
        blank=True, help_text="How people are told their information is shared (privacy notices)."
    )
    individual_rights = models.TextField(
        "individuals' rights",
        blank=True,
        help_text="How access, rectification, objection and other requests are handled.",
    )
    contact_point = models.TextField(
        "point of contact",
        blank=True,
        help_text="Where people send access requests, enquiries and complaints.",
    )
    data_quality = models.TextField(blank=True)
    retention = models.TextField(
        "retention and deletion",
        blank=True,
        help_text="How long shared information is kept and how it is returned or destroyed.",
    )
    security = models.TextField(blank=True)
    breach_arrangements = models.TextField(
        "breaches and incidents", blank=True, help_text="Who resolves incidents and how."
    )
    training = models.TextField(blank=True)
    termination = models.TextField(
        blank=True, help_text="What happens to shared information when a partner leaves or it ends."
    )
    further_details = models.TextField(blank=True)

    # Breaches of protocol (Haringey 6.1–6.6), in working days; the breaches app computes dates.
    breach_notify_days = models.PositiveSmallIntegerField(
        "partners notified within (working days)",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    breach_report_days = models.PositiveSmallIntegerField(
        "breach report distributed within (working days)",
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    breach_meeting_days = models.PositiveSmallIntegerField(
        "partners' meeting held within (working days)",
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    breach_minutes_days = models.PositiveSmallIntegerField(
        "minutes circulated within (working days after the meeting)",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    # Haringey 11.1(b): an alleged contributor responds in writing to an indemnity notice.
    breach_indemnity_response_days = models.PositiveSmallIntegerField(
        "indemnity notice answered within (working days)",
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )

    # Review schedule (Haringey 5.1: six months after completion, annually thereafter).
    first_review_months = models.PositiveSmallIntegerField(
        "first review (months after approval)",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    review_interval_months = models.PositiveSmallIntegerField(
        "then reviewed every (months)",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    # Set when an agreement it sits under changes or ends; cleared by completing a review.
    review_flagged_at = models.DateTimeField(null=True, blank=True)
    review_flag_reason = models.TextField(blank=True)

    # Bumped on every edit and move; a save carrying an older version is refused.
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "title"], name="agreement_title_unique"),
            models.CheckConstraint(
                condition=~models.Q(status="superseded") | models.Q(superseded_by__isnull=False),
                name="superseded_agreement_names_successor",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "next_review_date"]),
            models.Index(fields=["tenant", "parent"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES

    @property
    def version_label(self) -> str:
        return f"V{self.document_version}.0" if self.document_version else "Not yet approved"

    def clean(self) -> None:
        if self.owner_organisation_id and self.owner_organisation.tenant_id != self.tenant_id:
            raise ValidationError(
                {"owner_organisation": "The owner must be an organisation of this partnership."}
            )
        if self.parent_id:
            self._check_parent()

    def _check_parent(self) -> None:
        parent = self.parent
        if parent.tenant_id != self.tenant_id:
            raise ValidationError({"parent": "Choose an agreement of this partnership."})
        seen = set()
        while parent is not None:
            if self.pk and parent.pk == self.pk:
                raise ValidationError(
                    {"parent": "An agreement cannot sit underneath itself or one of its own."}
                )
            if parent.pk in seen:
                break
            seen.add(parent.pk)
            parent = parent.parent


class AgreementTransition(TenantModel):
    """One move of an agreement's lifecycle: who, when and why."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=20, choices=AgreementAction.choices)
    from_status = models.CharField(max_length=20, choices=AgreementStatus.choices)
    to_status = models.CharField(max_length=20, choices=AgreementStatus.choices)
    # Empty only for moves made by Sharewell itself (the demo seed).
    actor = models.ForeignKey(
        "partners.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    reason = models.TextField()
    document_version = models.PositiveIntegerField(
        help_text="The agreement's version number after the move."
    )

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["agreement", "action", "document_version"])]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class AgreementUserObjectPermission(UserObjectPermissionBase):
    """Guardian's grants on an agreement to a user, in a table of its own (direct foreign key)."""

    content_object = models.ForeignKey(Agreement, on_delete=models.CASCADE)
    # Every tenant row carries its tenant; taken from the agreement on save.
    tenant = models.ForeignKey("partners.Tenant", on_delete=models.PROTECT, related_name="+")

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False

    def save(self, *args, **kwargs) -> None:
        if self.tenant_id is None:
            self.tenant_id = self.content_object.tenant_id
        super().save(*args, **kwargs)


class AgreementGroupObjectPermission(GroupObjectPermissionBase):
    """Guardian's grants on an agreement to a group (direct foreign key)."""

    content_object = models.ForeignKey(Agreement, on_delete=models.CASCADE)
    tenant = models.ForeignKey("partners.Tenant", on_delete=models.PROTECT, related_name="+")

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False

    def save(self, *args, **kwargs) -> None:
        if self.tenant_id is None:
            self.tenant_id = self.content_object.tenant_id
        super().save(*args, **kwargs)
