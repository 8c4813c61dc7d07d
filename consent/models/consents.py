"""Consent records and their timelines.

A consent record says who decided what, for which purposes, about sharing with whom, on which
day. What it says is written once, when it is recorded, and never changed: its purposes,
recipients and third parties are rows created with it. What happens to it afterwards —
reviewed, withdrawn, expired, replaced, its signed form attached — is a new row of its timeline
(`ConsentEvent`, append-only down to the database), and the record's `status`, `status_on` and
`review_due` only summarise the latest of them for lists and queries. Nothing is ever deleted.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from consent.choices import (
    SPECIAL_CATEGORY_VALUES,
    CaptureMethod,
    ConsentStatus,
    Decision,
    EventKind,
    GiverKind,
    Relationship,
    SpecialCategory,
)
from consent.validators import validate_consent_form_upload
from partners.security.appendonly import AppendOnlyManager, AppendOnlyModel
from partners.tenancy import TenantModel

HISTORY = {"excluded_fields": ["updated_at"]}


def consent_form_path(instance: ConsentRecord, filename: str) -> str:
    # The name a scan was uploaded under often carries the child's name; the stored name never
    # does.
    extension = PurePath(filename).suffix.lower()[:6]
    return f"consent-forms/{timezone.now():%Y}/{uuid.uuid4()}{extension}"


class ConsentRecord(TenantModel):
    subject = models.ForeignKey(
        "consent.DataSubject", on_delete=models.PROTECT, related_name="consents"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices)
    agreement = models.ForeignKey(
        "agreements.Agreement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The agreement the consent is given under.",
    )

    # Who decided: the young person when competent, or a person with parental responsibility.
    giver_kind = models.CharField("given by", max_length=20, choices=GiverKind.choices)
    giver_name = models.CharField("name of the person who decided", max_length=150)
    giver_relationship = models.CharField(
        "relationship to the child", max_length=30, choices=Relationship.choices, blank=True
    )
    giver_relationship_other = models.CharField("relationship (other)", max_length=150, blank=True)
    # The practitioner's assessment that a child under 16 is competent to decide (Gillick).
    competence_assessed_by = models.ForeignKey(
        "partners.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    competence_assessed_on = models.DateField(null=True, blank=True)
    competence_assessment = models.TextField(
        "competence (Gillick) assessment",
        blank=True,
        help_text="How the child showed they understand what is shared, why and with whom, "
        "and the consequences of agreeing or not.",
    )
    # A parent deciding for a young person past compulsory school age says why.
    parent_decides_because = models.TextField(
        "why a parent decides for the young person",
        blank=True,
        help_text="For example: the young person lacks capacity to decide (Mental Capacity "
        "Act 2005) and the parent acts for them.",
    )

    # What it allows: purposes (ConsentPurpose rows), recipients (ConsentRecipient rows), named
    # third parties (ConsentThirdParty rows), and special category data explicitly.
    explicit_special_category = models.BooleanField(
        "explicit consent for special category data", default=False
    )
    special_categories = models.JSONField(
        default=list,
        blank=True,
        help_text="The special categories explicitly consented to (SpecialCategory values).",
    )

    capture_method = models.CharField(max_length=20, choices=CaptureMethod.choices)
    signed_form = models.FileField(
        upload_to=consent_form_path, blank=True, validators=[validate_consent_form_upload]
    )
    given_on = models.DateField("given (or refused) on")
    review_due = models.DateField(null=True, blank=True)
    valid_until = models.DateField(
        null=True, blank=True, help_text="The last day of the consent, when it was limited."
    )
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        help_text="An earlier consent this one takes the place of (a renewal by the young "
        "person, say).",
    )
    notes = models.TextField(blank=True)
    # Empty only for records written by Sharewell itself (the demo seed).
    recorded_by = models.ForeignKey(
        "partners.Membership", null=True, on_delete=models.PROTECT, related_name="+"
    )

    # The summary of the timeline: the latest status, since when and why.
    status = models.CharField(max_length=10, choices=ConsentStatus.choices)
    status_on = models.DateField()
    status_reason = models.TextField(blank=True)

    history = HistoricalRecords(**HISTORY)

    class Meta:
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_due__isnull=True) | Q(review_due__gt=models.F("given_on")),
                name="consent_review_after_given",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("given_on")),
                name="consent_valid_until_after_given",
            ),
            models.CheckConstraint(
                condition=Q(decision="given") | Q(status="refused"),
                name="refused_consent_stays_refused",
            ),
        ]
        indexes = [
            models.Index(fields=["subject", "-given_on"], name="consent_subject"),
            # The review reminders and the list of consents due, in its order (review_due, id):
            # a page is the index's next fifty entries, however many share a day.
            models.Index(
                fields=["tenant", "review_due", "id"],
                condition=Q(status="given"),
                name="consent_review_due",
            ),
            # The same list for a member who sees a few hundred children of the partnership's
            # hundred thousand: each child's standing consents due by a day, found from the
            # child, rather than every due consent of the partnership tested against the
            # children the member may see (docs/performance.md, (h)).
            models.Index(
                fields=["subject", "review_due"],
                condition=Q(status="given"),
                name="consent_subject_due",
            ),
            models.Index(
                fields=["tenant", "recorded_by", "review_due"],
                condition=Q(status="given"),
                name="consent_recorded_by_due",
            ),
            # The age rules' lists (consents to renew at 16, to review at 12): a parent's
            # standing consents, most recently given first, read until a page is found.
            models.Index(
                fields=["tenant", "-given_on", "-id"],
                condition=Q(status="given", giver_kind="parent"),
                name="consent_parent_given",
            ),
            # The same lists for a member who sees a few hundred children: a child's standing
            # consents given by a parent.
            models.Index(
                fields=["subject"],
                condition=Q(status="given", giver_kind="parent"),
                name="consent_subject_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} on {self.given_on:%d %b %Y}"

    @property
    def is_given(self) -> bool:
        return self.decision == Decision.GIVEN

    @property
    def relationship_label(self) -> str:
        if self.giver_kind == GiverKind.YOUNG_PERSON:
            return "The child or young person"
        if self.giver_relationship == Relationship.OTHER:
            return self.giver_relationship_other
        return self.get_giver_relationship_display()

    def special_category_labels(self) -> list[str]:
        labels = dict(SpecialCategory.choices)
        return [labels.get(code, code) for code in self.special_categories]

    def delete(self, *args, **kwargs):
        raise ValidationError("A consent record is never deleted: withdraw it instead.")

    def clean(self) -> None:
        if self.subject_id and self.subject.tenant_id != self.tenant_id:
            raise ValidationError({"subject": "The child must be in this partnership."})
        if self.agreement_id and self.agreement.tenant_id != self.tenant_id:
            raise ValidationError({"agreement": "Choose an agreement of this partnership."})
        unknown = set(self.special_categories or []) - SPECIAL_CATEGORY_VALUES
        if unknown:
            raise ValidationError({"special_categories": "Choose from the special categories."})


class ConsentPurpose(TenantModel):
    """One purpose a consent covers: a consent scope of the agreement, or described in words."""

    consent = models.ForeignKey(ConsentRecord, on_delete=models.PROTECT, related_name="purposes")
    scope = models.ForeignKey(
        "agreements.ConsentScope", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(
        max_length=250, help_text="The scope's name, or the purpose in words."
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description


class ConsentRecipient(TenantModel):
    """An organisation of the partnership the consent allows sharing with."""

    consent = models.ForeignKey(
        ConsentRecord, on_delete=models.PROTECT, related_name="recipient_links"
    )
    organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consent", "organisation"], name="consent_recipient_once"
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class ConsentThirdParty(TenantModel):
    """A named third party outside the partnership the consent allows sharing with (SEND
    partnership policy: only "with the service user's consent and their full knowledge of the
    third party")."""

    consent = models.ForeignKey(
        ConsentRecord, on_delete=models.PROTECT, related_name="third_parties"
    )
    name = models.CharField(max_length=200)
    description = models.CharField(
        max_length=300, blank=True, help_text="Who they are and why they receive information."
    )

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "consent third parties"

    def __str__(self) -> str:
        return self.name


class ConsentEvent(AppendOnlyModel, TenantModel):
    """One entry of a consent's timeline: inserted once, never changed or removed."""

    consent = models.ForeignKey(ConsentRecord, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    on = models.DateField(help_text="The day it took effect.")
    at = models.DateTimeField(default=timezone.now, help_text="When it was recorded.")
    # Empty only for what Sharewell did itself (an expiry on the consent's last day).
    recorded_by = models.ForeignKey(
        "partners.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    review_due = models.DateField(
        null=True, blank=True, help_text="The review date the event set, if it set one."
    )

    objects = AppendOnlyManager()

    class Meta:
        ordering = ["on", "at", "id"]
        indexes = [models.Index(fields=["consent", "on"], name="consent_event_timeline")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on:%d %b %Y}"
