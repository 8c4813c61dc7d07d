"""The sharing decision log (Golden Rule 7): one row per decision to share, share in part or not
share, with its recipients, override approvals and the per-tenant chain head.

Every table here but the chain head is append-only down to the database: a correction is a new
decision that supersedes an earlier one, and an override's approval or rejection is a new row.
Foreign keys out of these tables are PROTECT (the rows they point at are never deleted), because
a cascading SET NULL would be an UPDATE the database refuses.

Tamper evidence: each decision carries its per-tenant `sequence`, the SHA-256 of its canonical
content (`content_hash`, sharing_log/chain.py) and `chain_hash` = SHA-256 of the previous
decision's chain hash followed by this content hash. Writers take the tenant's `SharingLogHead`
row FOR UPDATE, so concurrent writers queue and never fork the chain.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from agreements.choices import Channel, InformationLevel, SharingMethod
from partners.security.appendonly import AppendOnlyManager, AppendOnlyModel
from partners.tenancy import TenantModel
from sharing_log.chain import GENESIS_HASH
from sharing_log.choices import (
    ApprovalOutcome,
    Basis,
    IdentityCheck,
    Outcome,
    OverrideKind,
)


class SharingDecision(AppendOnlyModel, TenantModel):
    # --- Whose decision ---------------------------------------------------------------------
    # Empty for aggregate information that is about no one child.
    subject = models.ForeignKey(
        "consent.DataSubject",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sharing_decisions",
        verbose_name="child or young person",
    )
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The organisation that decided (and holds the information).",
    )
    decided_by = models.ForeignKey(
        "partners.Membership", on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    # --- Who asked, and how they were known (Kent SEND SOP "Safe Haven") --------------------------
    requested_by_name = models.CharField("requested by", max_length=150, blank=True)
    requested_by_organisation = models.ForeignKey(
        "partners.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Their organisation, when it is a partner.",
    )
    requested_by_organisation_name = models.CharField(
        "their organisation (not a partner)", max_length=200, blank=True
    )
    requested_by_role = models.CharField("their role", max_length=150, blank=True)
    identity_check = models.CharField(
        "how their identity was confirmed", max_length=20, choices=IdentityCheck.choices
    )
    identity_check_details = models.TextField(blank=True)

    # --- The decision and what it is about ----------------------------------------------------
    outcome = models.CharField("decision", max_length=20, choices=Outcome.choices)
    purpose = models.TextField(help_text="Why the information is (or would have been) shared.")
    agreement = models.ForeignKey(
        "agreements.Agreement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The information sharing agreement relied on.",
    )
    consent_scope = models.ForeignKey(
        "agreements.ConsentScope",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The agreement's consent scope the purpose falls under, if any.",
    )
    information_level = models.CharField(max_length=20, choices=InformationLevel.choices)
    # A snapshot of the agreement's data items shared or withheld: [{"id", "name", "level"}].
    data_items = models.JSONField(default=list, blank=True)
    # Special category (and criminal offence) data among them: consent.choices.SpecialCategory.
    special_categories = models.JSONField(default=list, blank=True)
    information_description = models.TextField(
        "information shared or withheld", help_text="What exactly, in words."
    )
    method = models.CharField(max_length=20, choices=SharingMethod.choices, blank=True)
    channel = models.CharField(max_length=20, choices=Channel.choices, blank=True)
    record_location = models.CharField(
        "where the record of what was shared is kept", max_length=300, blank=True
    )

    # --- Legal basis (Haringey 4.4–4.5) --------------------------------------------------------
    # Required for a share; a decision not to share may name the basis it considered, or none.
    basis = models.CharField("legal basis", max_length=30, choices=Basis.choices, blank=True)
    # Consent: the record consent_check found, and its state at the time.
    consent = models.ForeignKey(
        "consent.ConsentRecord", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consent_snapshot = models.JSONField(default=dict, blank=True)
    # Statutory function: the gateway, a shared LegalBasis row of kind "statute".
    statutory_gateway = models.ForeignKey(
        "agreements.LegalBasis", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The police's Section 29(3) form, a court order's or the Home Office request's reference.
    request_reference = models.CharField(max_length=100, blank=True)
    basis_details = models.TextField(blank=True)
    immediate_risk = models.BooleanField(
        default=False, help_text="A child is at immediate risk of harm: there is no time to wait."
    )

    # --- Golden Rule 6 -------------------------------------------------------------------------
    check_necessary = models.BooleanField("necessary")
    check_proportionate = models.BooleanField("proportionate")
    check_relevant = models.BooleanField("relevant")
    check_adequate = models.BooleanField("adequate")
    check_accurate = models.BooleanField("accurate")
    check_timely = models.BooleanField("timely")
    check_secure = models.BooleanField("secure")
    checks_note = models.TextField(blank=True)

    # --- Advice, protection of others, reasons ------------------------------------------------
    advice_sought = models.JSONField(default=list, blank=True)  # AdviceSource values
    advice_given = models.TextField(blank=True)
    protected_identities = models.TextField(
        "people whose identity must be protected",
        blank=True,
        help_text="Named people to be redacted before sharing.",
    )
    reasons = models.TextField()
    # A decision not to share says whether it will be looked at again, and when.
    will_reconsider = models.BooleanField(null=True, blank=True)
    reconsider_on = models.DateField(null=True, blank=True)

    # --- Override of confidentiality (Haringey 4.6–4.7) -----------------------------------------
    override_kind = models.CharField(
        max_length=20, choices=OverrideKind.choices, default=OverrideKind.NONE
    )
    override_reasons = models.TextField(blank=True)
    override_evidence = models.TextField(blank=True)
    third_parties_informed = models.TextField(blank=True)

    # --- Corrections ------------------------------------------------------------------------------
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        help_text="The earlier decision this one corrects; a decision is superseded once.",
    )
    supersede_reason = models.TextField(blank=True)

    # --- The chain ------------------------------------------------------------------------------
    sequence = models.PositiveBigIntegerField(editable=False)
    content_hash = models.CharField(max_length=64, editable=False)
    chain_hash = models.CharField(max_length=64, editable=False)

    objects = AppendOnlyManager()

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = "sharing decision"
        constraints = [
            models.UniqueConstraint(fields=["tenant", "sequence"], name="decision_sequence"),
            models.CheckConstraint(
                condition=Q(outcome=Outcome.NOT_SHARE) | ~Q(basis=""),
                name="decision_share_has_basis",
            ),
            models.CheckConstraint(
                condition=Q(outcome=Outcome.NOT_SHARE)
                | ~Q(basis=Basis.CONSENT)
                | Q(consent__isnull=False),
                name="decision_consent_basis_has_consent",
            ),
            models.CheckConstraint(
                condition=~Q(basis=Basis.POLICE_REQUEST) | ~Q(request_reference=""),
                name="decision_police_request_has_reference",
            ),
        ]
        indexes = [
            # Keyset pages of a tenant's log and of each filter, newest first.
            models.Index(fields=["tenant", "decided_at", "id"], name="decision_log"),
            models.Index(fields=["tenant", "subject", "decided_at", "id"], name="decision_subject"),
            models.Index(
                fields=["tenant", "organisation", "decided_at", "id"], name="decision_org"
            ),
            models.Index(
                fields=["tenant", "decided_by", "decided_at", "id"], name="decision_practitioner"
            ),
            models.Index(fields=["tenant", "basis", "decided_at", "id"], name="decision_basis"),
            # The managers' queue: overrides of an organisation.
            models.Index(
                fields=["tenant", "organisation", "decided_at"],
                condition=~Q(override_kind="none"),
                name="decision_overrides",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.get_basis_display()}) #{self.sequence}"

    @property
    def shares(self) -> bool:
        return self.outcome in (Outcome.SHARE, Outcome.SHARE_IN_PART)


def recipient_label(person_name: str, organisation_name: str) -> str:
    """Who received a decision's information: the person, then their organisation (the name
    recorded for one outside the partnership, or the partner's name)."""
    return ", ".join(part for part in (person_name, organisation_name) if part)


class DecisionRecipient(AppendOnlyModel, TenantModel):
    """An organisation or named person a decision shared with (or would have). `decided_at` is the
    decision's, copied so that "decisions received by an organisation" is a keyset query on one
    index."""

    decision = models.ForeignKey(
        SharingDecision, on_delete=models.PROTECT, related_name="recipients"
    )
    organisation = models.ForeignKey(
        "partners.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation_name = models.CharField("organisation (not a partner)", max_length=200, blank=True)
    person_name = models.CharField(max_length=150, blank=True)
    person_role = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField()

    objects = AppendOnlyManager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False)
                | ~Q(organisation_name="")
                | ~Q(person_name=""),
                name="recipient_names_someone",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "organisation", "decided_at", "decision"],
                name="recipient_org_log",
            ),
        ]

    def __str__(self) -> str:
        return recipient_label(
            self.person_name, self.organisation_name or str(self.organisation or "")
        )


class OverrideApproval(AppendOnlyModel, TenantModel):
    """A designated manager's answer to an override: approved or rejected, once per decision."""

    decision = models.OneToOneField(
        SharingDecision, on_delete=models.PROTECT, related_name="approval"
    )
    manager = models.ForeignKey("partners.Membership", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=10, choices=ApprovalOutcome.choices)
    reasons = models.TextField()
    decided_at = models.DateTimeField(default=timezone.now)
    retrospective = models.BooleanField(
        default=False, help_text="Approved after an urgent share had already happened."
    )

    objects = AppendOnlyManager()

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} on {self.decided_at:%d %b %Y}"


class SharingLogHead(models.Model):
    """The last link of a tenant's chain. The one mutable row of the log: writers lock it (SELECT
    … FOR UPDATE) to append, which serialises them per tenant."""

    tenant = models.OneToOneField(
        "partners.Tenant", on_delete=models.PROTECT, related_name="+", primary_key=True
    )
    sequence = models.PositiveBigIntegerField(default=0)
    chain_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Sharing log head #{self.sequence}"
