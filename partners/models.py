"""Partnerships (tenants), their organisations, the people in them and their roles."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from partners.roles import Role
from partners.tenancy import TenantModel
from partners.validators import validate_uk_postcode


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


class TrainingPolicy(models.TextChoices):
    WARN = "warn", "Warn, but allow them to log decisions"
    BLOCK = "block", "Block logging until training is current"


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
    untrained_decision_policy = models.CharField(
        "practitioners without current IG training",
        max_length=10,
        choices=TrainingPolicy.choices,
        default=TrainingPolicy.WARN,
        help_text="Whether someone whose IG training has lapsed may log sharing decisions.",
    )
    # Security settings of the partnership (SECURITY.md).
    mfa_required_for_everyone = models.BooleanField(
        "two-step verification for everyone",
        default=False,
        help_text="IG officers, designated managers and auditors always use two-step "
        "verification; this asks it of SENCos and practitioners too.",
    )
    session_idle_minutes = models.PositiveSmallIntegerField(
        "minutes without activity before signing someone out",
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
    )
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
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The body this is part of, such as the council a service belongs to.",
    )
    # Contact details (Haringey §13 lists each partner's main address and telephone).
    address_line_1 = models.CharField("address line 1", max_length=200, blank=True)
    address_line_2 = models.CharField("address line 2", max_length=200, blank=True)
    town = models.CharField("town or city", max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True, validators=[validate_uk_postcode])
    phone = models.CharField("main telephone", max_length=30, blank=True)
    # Identifiers, where they apply.
    urn = models.CharField(
        "DfE URN",
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^\d{5,7}$", "A URN is 5 to 7 digits.")],
        help_text="Unique Reference Number from Get Information About Schools.",
    )
    la_establishment_number = models.CharField(
        "LA/establishment number",
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^\d{3}/?\d{4}$", "Use the form 886/2001.")],
    )
    ods_code = models.CharField(
        "NHS ODS code",
        max_length=10,
        blank=True,
        validators=[
            RegexValidator(r"^[A-Z0-9]{3,10}$", "ODS codes are 3 to 10 capital letters or digits.")
        ],
    )
    ico_registration_number = models.CharField(
        "ICO registration number",
        max_length=10,
        blank=True,
        validators=[
            RegexValidator(r"^[A-Z]{1,2}\d{6,7}$", "ICO numbers look like Z1234567 or ZA123456.")
        ],
    )
    ico_renewal_date = models.DateField(
        "ICO registration renewal date",
        null=True,
        blank=True,
        help_text="When the data protection fee is next due (Haringey 4.1–4.2).",
    )
    charity_number = models.CharField(max_length=10, blank=True)
    company_number = models.CharField(max_length=10, blank=True)
    # Governance people (Haringey 8.3 and 12.1).
    caldicott_guardian = models.CharField(max_length=150, blank=True)
    dpo_name = models.CharField("data protection officer", max_length=150, blank=True)
    dpo_email = models.EmailField("data protection officer's email", blank=True)
    designated_managers = models.ManyToManyField(
        "Membership",
        through="DesignatedManager",
        blank=True,
        related_name="designated_for",
        help_text="Senior managers who decide on overriding confidentiality (Haringey 4.6, 8.3).",
    )
    security_summary = models.FileField(
        "security summary document",
        upload_to="security-summaries/%Y/",
        blank=True,
        help_text="The summary security document each partner supplies (Haringey 7.4).",
    )
    is_active = models.BooleanField(default=True)
    # Bumped on every edit; a save carrying an older version is refused (two tabs, one record).
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "name"], name="organisation_name_unique_in_tenant"
            ),
            models.UniqueConstraint(
                fields=["tenant", "urn"],
                condition=~models.Q(urn=""),
                name="organisation_urn_unique_in_tenant",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "type", "is_active"])]

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


class DesignatedManager(TenantModel):
    """A senior manager designated to decide on overriding confidentiality for an organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "membership"], name="designated_manager_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership.user} for {self.organisation}"


class AuthorisedContact(TenantModel):
    """A person authorised to share information for an organisation (Kent schools protocol:
    "Confirm which individuals are authorised information sharing contacts… notified promptly")."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="authorised_contacts"
    )
    name = models.CharField(max_length=150)
    role = models.CharField("role or job title", max_length=150)
    email = models.EmailField()
    phone = models.CharField(max_length=30, blank=True)
    valid_from = models.DateField("authorised from")
    valid_to = models.DateField("authorised until", null=True, blank=True)
    recorded_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="contact_valid_to_after_valid_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class TrainingRecord(TenantModel):
    """Information governance training, refreshed annually (Kent SEND SOP "Quality Standards")."""

    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="training_records"
    )
    course = models.CharField(max_length=200)
    completed_on = models.DateField()
    expires_on = models.DateField(help_text="Normally twelve months after completion.")
    evidence = models.FileField(upload_to="training-evidence/%Y/", blank=True)
    recorded_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-completed_on"]
        indexes = [models.Index(fields=["tenant", "expires_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gt=models.F("completed_on")),
                name="training_expires_after_completion",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} ({self.completed_on:%d %b %Y})"


class Invitation(TenantModel):
    """An IG officer's invitation to join the partnership, accepted through a one-time link."""

    email = models.EmailField()
    full_name = models.CharField(max_length=150)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    # Only a digest of the link's token is kept; the link itself is in the email alone.
    token_digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "Previewed"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Importing"
    DONE = "done", "Finished"
    FAILED = "failed", "Failed"


class OrganisationImport(TenantModel):
    """One upload of a Get Information About Schools (GIAS) establishment extract."""

    source = models.FileField(upload_to="imports/%Y/")
    original_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=20, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    # [{"line": 7, "urn": "123456", "message": "…"}], one entry per rejected row.
    errors = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import of {self.original_name}"

    @property
    def percent_done(self) -> int:
        if not self.total_rows:
            return 100 if self.status == ImportStatus.DONE else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


# The security app's models (access audit, signed-in sessions) are partners models too.
from partners.security.models import AccessEvent, SignedInSession  # noqa: E402, F401
