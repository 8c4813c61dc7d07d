"""An agreement's structured content: each list is a table of rows edited as a form, and the
reference table of legal bases the agreements cite."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from agreements.choices import Channel, InformationLevel, LegalBasisKind, Party, SharingMethod
from partners.tenancy import TenantModel, active_tenant_or_none

HISTORY = {"excluded_fields": ["updated_at"]}


class LegalBasisQuerySet(models.QuerySet):
    def available(self) -> LegalBasisQuerySet:
        """The bases an agreement of the active partnership may cite: the shared reference rows
        and the partnership's own additions. With no tenant active, the shared rows only."""
        tenant = active_tenant_or_none()
        own = models.Q(tenant=tenant) if tenant is not None else models.Q(pk__in=[])
        return self.filter(models.Q(tenant__isnull=True) | own, is_active=True)


class LegalBasis(models.Model):
    """A UK GDPR Article 6 or 9 condition, a DPA 2018 Schedule 1 condition, or a statute.

    Shared rows (no tenant) are seeded and kept current by migrations from
    `agreements/reference.py`, so every partnership cites the same wording; a partnership may add
    its own rows (a local act, say), which only it sees. Rows are retired, never deleted, because
    agreements cite them.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey(
        "partners.Tenant", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    code = models.SlugField(max_length=60)
    kind = models.CharField(max_length=20, choices=LegalBasisKind.choices)
    citation = models.CharField(max_length=200, help_text='e.g. "UK GDPR Article 6(1)(e)"')
    title = models.CharField(max_length=200, help_text='e.g. "Public task"')
    summary = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    objects = LegalBasisQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "citation"]
        verbose_name_plural = "legal bases"
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(tenant__isnull=True), name="legal_basis_code"
            ),
            models.UniqueConstraint(
                fields=["tenant", "code"],
                condition=models.Q(tenant__isnull=False),
                name="legal_basis_code_in_tenant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.citation}: {self.title}"


class AgreementContent(TenantModel):
    """A row of one of an agreement's lists, kept in the order the editor gave."""

    position = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def clean(self) -> None:
        if self.agreement_id and self.agreement.tenant_id != self.tenant_id:
            raise ValidationError("The row must belong to the agreement's partnership.")


class Purpose(AgreementContent):
    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.CASCADE, related_name="purposes"
    )
    service = models.CharField(
        "service it serves", max_length=200, help_text='e.g. "Early Help and Preventative Services"'
    )
    description = models.TextField()

    history = HistoricalRecords(**HISTORY)

    class Meta(AgreementContent.Meta):
        pass

    def __str__(self) -> str:
        return self.service


class DataItem(AgreementContent):
    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.CASCADE, related_name="data_items"
    )
    level = models.CharField(max_length=20, choices=InformationLevel.choices)
    name = models.CharField(max_length=250)
    special_category = models.BooleanField(
        "special category data",
        default=False,
        help_text="Health, ethnic origin, religion, sex life, biometrics… (UK GDPR Article 9).",
    )
    criminal_offence = models.BooleanField(
        "criminal offence data", default=False, help_text="Offences, alleged offences, sentences."
    )

    history = HistoricalRecords(**HISTORY)

    class Meta(AgreementContent.Meta):
        pass

    def __str__(self) -> str:
        return self.name


class DataSubjectCategory(AgreementContent):
    """Whose information may be shared ("Parents, guardians, carers of the above")."""

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.CASCADE, related_name="data_subjects"
    )
    description = models.CharField(max_length=250)

    history = HistoricalRecords(**HISTORY)

    class Meta(AgreementContent.Meta):
        verbose_name_plural = "data subject categories"

    def __str__(self) -> str:
        return self.description


class AgreementLegalBasis(AgreementContent):
    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.CASCADE, related_name="legal_bases"
    )
    basis = models.ForeignKey(LegalBasis, on_delete=models.PROTECT, related_name="+")
    how_it_applies = models.TextField(blank=True)

    history = HistoricalRecords(**HISTORY)

    class Meta(AgreementContent.Meta):
        constraints = [
            models.UniqueConstraint(fields=["agreement", "basis"], name="legal_basis_cited_once")
        ]

    def __str__(self) -> str:
        return str(self.basis)

    def clean(self) -> None:
        super().clean()
        if self.basis_id and self.basis.tenant_id not in (None, self.tenant_id):
            raise ValidationError({"basis": "Choose a legal basis available to this partnership."})


class AgreementMethod(AgreementContent):
    """A sharing method of the Kent & Medway agreement used under this one (Kent SEND SOP)."""

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.CASCADE, related_name="methods"
    )
    method = models.CharField(max_length=20, choices=SharingMethod.choices)
    notes = models.TextField(blank=True)

    history = HistoricalRecords(**HISTORY)

    class Meta(AgreementContent.Meta):
        constraints = [
            models.UniqueConstraint(fields=["agreement", "method"], name="sharing_method_once")
        ]

    def __str__(self) -> str:
        return self.get_method_display()


class AgreementChannel(AgreementContent):
    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.CASCADE, related_name="channels"
    )
    channel = models.CharField(max_length=30, choices=Channel.choices)
    conditions = models.TextField(
        blank=True, help_text='e.g. "Subject to each organisation\'s email policy".'
    )

    history = HistoricalRecords(**HISTORY)

    class Meta(AgreementContent.Meta):
        constraints = [
            models.UniqueConstraint(fields=["agreement", "channel"], name="channel_once")
        ]

    def __str__(self) -> str:
        return self.get_channel_display()


class SharedSystem(AgreementContent):
    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.CASCADE, related_name="shared_systems"
    )
    name = models.CharField(max_length=200)
    description = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords(**HISTORY)

    class Meta(AgreementContent.Meta):
        pass

    def __str__(self) -> str:
        return self.name


class Exclusion(AgreementContent):
    """A service excluded from the agreement's scope."""

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.CASCADE, related_name="exclusions"
    )
    service = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    history = HistoricalRecords(**HISTORY)

    class Meta(AgreementContent.Meta):
        pass

    def __str__(self) -> str:
        return self.service


class Term(AgreementContent):
    """One undertaking of a party ("Participating schools agree to: …")."""

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.CASCADE, related_name="terms"
    )
    party = models.CharField(max_length=20, choices=Party.choices)
    party_name = models.CharField(
        max_length=200, blank=True, help_text='The party\'s own name, e.g. "Kent County Council".'
    )
    text = models.TextField()

    history = HistoricalRecords(**HISTORY)

    class Meta(AgreementContent.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.party_label}: {self.text[:60]}"

    @property
    def party_label(self) -> str:
        return self.party_name or self.get_party_display()

    def clean(self) -> None:
        super().clean()
        if self.party == Party.OTHER and not self.party_name.strip():
            raise ValidationError({"party_name": "Name the party this term binds."})


class ConsentScope(AgreementContent):
    """What signed consent is needed for under this agreement (Kent SEND SOP "When is a signed
    Information and Sharing Consent Form needed?"). Consent records point at these rows."""

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.CASCADE, related_name="consent_scopes"
    )
    name = models.CharField(max_length=200, help_text='e.g. "Statutory assessment and EHC plan"')
    when_required = models.TextField(
        "when consent is required",
        blank=True,
        help_text="The processes this consent covers, including monitoring afterwards.",
    )
    signed_form_required = models.BooleanField("a signed consent form is needed", default=True)

    history = HistoricalRecords(**HISTORY)

    class Meta(AgreementContent.Meta):
        constraints = [
            models.UniqueConstraint(fields=["agreement", "name"], name="consent_scope_name_once")
        ]

    def __str__(self) -> str:
        return self.name
