"""Partnerships (tenants), their organisations, the people in them and their roles."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from partners.roles import Role
from partners.tenancy import TenantModel


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str) -> User:
        # Email addresses are stored lower-case; sign-in is case-insensitive.
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in by email. Users are deactivated, never deleted (history keeps them)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="Platform staff: may use the admin to create partnerships."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class BankHolidayRegion(models.TextChoices):
    ENGLAND_AND_WALES = "england-and-wales", "England and Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"
    ANY_PART_OF_UK = "any-uk", "Any part of the UK (Freedom of Information Act definition)"


class Tenant(models.Model):
    """A partnership area, e.g. "Kent & Medway". Every row of tenant data points here."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    bank_holiday_region = models.CharField(
        max_length=20,
        choices=BankHolidayRegion.choices,
        default=BankHolidayRegion.ENGLAND_AND_WALES,
    )
    timezone = models.CharField(max_length=50, default="Europe/London")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationType(models.TextChoices):
    LA_SERVICE = "la_service", "Local authority service"
    MAINTAINED_SCHOOL = "maintained_school", "Maintained school"
    ACADEMY = "academy", "Academy"
    FREE_SCHOOL = "free_school", "Free school"
    SPECIAL_SCHOOL = "special_school", "Special school"
    EARLY_YEARS = "early_years", "Early-years setting"
    FE_POST16 = "fe_post16", "FE / post-16 provider"
    NHS_TRUST = "nhs_trust", "NHS provider trust"
    ICB = "icb", "Integrated care board (ICB/CCG)"
    NHS_ENGLAND = "nhs_england", "NHS England"
    POLICE = "police", "Police"
    YOUTH_JUSTICE = "youth_justice", "Youth justice service"
    COMMISSIONED = "commissioned", "Commissioned service"
    THIRD_SECTOR = "third_sector", "Third sector"
    OTHER = "other", "Other"


class Organisation(TenantModel):
    """A partner organisation, or one service of it (a council's SEN service, say)."""

    name = models.CharField(max_length=200)
    type = models.CharField(max_length=30, choices=OrganisationType.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "name"], name="organisation_name_unique_in_tenant"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id and self.parent.tenant_id != self.tenant_id:
            raise ValidationError({"parent": "The parent must belong to the same partnership."})
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": "An organisation cannot be its own parent."})


class Membership(TenantModel):
    """A user's place in one partnership: their organisation and role. One per user and tenant."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["tenant__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "tenant"], name="one_membership_per_tenant"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.organisation}"

    def clean(self) -> None:
        if self.organisation_id and self.organisation.tenant_id != self.tenant_id:
            raise ValidationError(
                {"organisation": "The organisation must belong to the same partnership."}
            )


class ApiToken(models.Model):
    """A bearer token for the REST API, bound to one membership (and so one tenant and role).

    Only a SHA-256 digest of the token is stored; the token itself is shown once when issued.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    digest = models.CharField(max_length=64, unique=True)
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="tokens")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"API token {self.public_id}"


class JobHeartbeat(models.Model):
    """When each scheduled job last ran, so people can see that reminders are running."""

    name = models.CharField(max_length=100, unique=True)
    last_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name
