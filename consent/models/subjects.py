"""A child or young person (the data subject), the team around them, and the object permissions
that make their record need-to-know (Haringey 3.8)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from consent.choices import ADDITIONAL_NEEDS, Ethnicity, Gender, SenStatus
from consent.validators import (
    normalise_nhs_number,
    normalise_upn,
    validate_nhs_number,
    validate_upn,
)
from partners.tenancy import TenantModel
from partners.validators import normalise_postcode, validate_uk_postcode

HISTORY = {"excluded_fields": ["updated_at"]}


def full_name(forenames: str, surname: str) -> str:
    """A child's name as every page writes it (also from rows read without the model)."""
    return f"{forenames} {surname}".strip()


class DataSubject(TenantModel):
    """A child or young person: the minimum data that identifies them (Haringey 3.8).

    `str()` is the child's name: never put it in a log line, an error or a URL (use public_id).
    """

    forenames = models.CharField("first names", max_length=150)
    surname = models.CharField("last name", max_length=150)
    aliases = models.TextField(
        "other names they are known by",
        blank=True,
        help_text="One per line: previous names, nicknames, other spellings.",
    )
    date_of_birth = models.DateField()
    gender = models.CharField(max_length=20, choices=Gender.choices)
    ethnicity = models.CharField(
        "ethnic origin", max_length=40, choices=Ethnicity.choices, blank=True
    )
    address_line_1 = models.CharField("address line 1", max_length=200, blank=True)
    address_line_2 = models.CharField("address line 2", max_length=200, blank=True)
    town = models.CharField("town or city", max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True, validators=[validate_uk_postcode])
    phone = models.CharField(max_length=30, blank=True)
    nhs_number = models.CharField(
        "NHS number", max_length=10, blank=True, validators=[validate_nhs_number]
    )
    upn = models.CharField(
        "Unique Pupil Number (UPN)", max_length=13, blank=True, validators=[validate_upn]
    )
    current_setting = models.ForeignKey(
        "partners.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Where the child is now: an early-years setting, school or college.",
    )
    sen_status = models.CharField(
        "SEN provision", max_length=20, choices=SenStatus.choices, default=SenStatus.NONE
    )
    # Bumped on every edit; a save carrying an older version is refused.
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(**HISTORY)

    class Meta:
        ordering = ["surname", "forenames", "id"]
        verbose_name = "child or young person"
        verbose_name_plural = "children and young people"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "nhs_number"],
                condition=~Q(nhs_number=""),
                name="subject_nhs_number_once_in_tenant",
            ),
            models.UniqueConstraint(
                fields=["tenant", "upn"], condition=~Q(upn=""), name="subject_upn_once_in_tenant"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "date_of_birth"], name="subject_dob"),
            models.Index(fields=["tenant", "surname"], name="subject_surname"),
            # Finding a child by part of a name uses trigram indexes that exist on PostgreSQL
            # only, so they are created by migration 0002, not declared here.
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return full_name(self.forenames, self.surname)

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    @property
    def has_additional_needs(self) -> bool:
        return self.sen_status in ADDITIONAL_NEEDS

    def normalise(self) -> None:
        """Identifiers and names as stored, however they were typed: before validation, so that
        "943 476 5919" is checked (and fits) as 9434765919."""
        self.forenames = " ".join((self.forenames or "").split())
        self.surname = " ".join((self.surname or "").split())
        self.nhs_number = normalise_nhs_number(self.nhs_number)
        self.upn = normalise_upn(self.upn)
        if self.postcode:
            self.postcode = normalise_postcode(self.postcode)

    def clean(self) -> None:
        self.normalise()
        if self.current_setting_id and self.current_setting.tenant_id != self.tenant_id:
            raise ValidationError(
                {"current_setting": "Choose an organisation of this partnership."}
            )


class TeamMember(TenantModel):
    """One organisation (and, where known, one person) in the team around the child.

    Never deleted: leaving the team sets `ended_on`, so the record keeps who was involved when.
    """

    subject = models.ForeignKey(DataSubject, on_delete=models.PROTECT, related_name="team")
    organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    membership = models.ForeignKey(
        "partners.Membership",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The person, when they use Sharewell.",
    )
    person_name = models.CharField(
        "person's name", max_length=150, blank=True, help_text="When they do not use Sharewell."
    )
    role = models.CharField(
        max_length=150, help_text='Their role for this child, e.g. "Educational psychologist".'
    )
    is_lead = models.BooleanField(
        "lead professional",
        default=False,
        help_text="The key contact, who is told when shared information is found inaccurate "
        "(Haringey 3.8 a).",
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)
    added_by = models.ForeignKey(
        "partners.Membership", null=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_by = models.ForeignKey(
        "partners.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(**HISTORY)

    class Meta:
        ordering = ["-is_lead", "started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject"],
                condition=Q(is_lead=True, ended_on__isnull=True),
                name="one_current_lead_professional",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="team_member_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(
                fields=["subject", "organisation"],
                condition=Q(ended_on__isnull=True),
                name="team_member_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.role}, {self.organisation}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None

    @property
    def person_label(self) -> str:
        if self.membership_id:
            return self.membership.user.full_name
        return self.person_name

    def clean(self) -> None:
        if self.organisation_id and self.organisation.tenant_id != self.tenant_id:
            raise ValidationError({"organisation": "Choose an organisation of this partnership."})
        if self.membership_id:
            if self.membership.tenant_id != self.tenant_id:
                raise ValidationError({"membership": "Choose someone in this partnership."})
            if self.membership.organisation_id != self.organisation_id:
                raise ValidationError(
                    {"membership": "Choose someone who works for the organisation named."}
                )


class OrganisationGroup(TenantModel):
    """The django-auth group that stands for one organisation in object permissions.

    Need-to-know grants on a child's record go to this group, one per organisation. Kept in the
    consent app (rather than as a field of Organisation) so that partners needs no change. The
    group's members are not maintained: a user's organisation is a property of their membership
    in one partnership, so access is read through the membership's organisation (consent.access),
    never through `user.groups`.
    """

    organisation = models.OneToOneField(
        "partners.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="sharewell_organisation"
    )

    def __str__(self) -> str:
        return self.group.name


class DataSubjectUserObjectPermission(UserObjectPermissionBase):
    """Guardian's grants on a child's record to a user, in a table of its own (direct FK)."""

    content_object = models.ForeignKey(DataSubject, on_delete=models.CASCADE)
    tenant = models.ForeignKey("partners.Tenant", on_delete=models.PROTECT, related_name="+")

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False

    def save(self, *args, **kwargs) -> None:
        if self.tenant_id is None:
            self.tenant_id = self.content_object.tenant_id
        super().save(*args, **kwargs)


class DataSubjectGroupObjectPermission(GroupObjectPermissionBase):
    """Guardian's grants on a child's record to an organisation's group (direct FK)."""

    content_object = models.ForeignKey(DataSubject, on_delete=models.CASCADE)
    tenant = models.ForeignKey("partners.Tenant", on_delete=models.PROTECT, related_name="+")

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False

    def save(self, *args, **kwargs) -> None:
        if self.tenant_id is None:
            self.tenant_id = self.content_object.tenant_id
        super().save(*args, **kwargs)
