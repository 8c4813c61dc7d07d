"""Writes for partners: organisations, contacts, training, people, imports, API tokens."""

from __future__ import annotations

import csv
import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from uuid import UUID

from dateutil.relativedelta import relativedelta
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from partners import gias
from partners.middleware import SESSION_KEY
from partners.models import (
    ApiToken,
    AuthorisedContact,
    DesignatedManager,
    ImportStatus,
    Invitation,
    Membership,
    Organisation,
    OrganisationImport,
    Tenant,
    TrainingRecord,
    User,
)
from partners.roles import can
from partners.security.mfa import two_step_check_for_token
from partners.security.sessions import sessions_end_all
from partners.selectors import invitation_for_token, membership_for_user, memberships_for_user
from partners.tenancy import activate


def membership_activate(*, request: HttpRequest, public_id: str) -> Membership:
    """Make one of the signed-in user's memberships the active one for this session."""
    membership = membership_for_user(user=request.user, public_id=public_id)
    if membership is None:
        raise ValidationError({"membership": "Choose one of your partnerships."})
    request.session[SESSION_KEY] = str(membership.public_id)
    # The tenant changes; rotate the session key as at sign-in.
    request.session.cycle_key()
    return membership


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_issue(
    *,
    request: HttpRequest,
    email: str,
    password: str,
    otp: str | None = None,
    membership_id: UUID | str | None = None,
) -> tuple[str, ApiToken]:
    """Check the credentials and issue a token bound to one of the user's memberships.

    Wrong email and wrong password give the same error, so the answer never reveals whether an
    account exists. The request goes to authenticate() so that sign-in lockout (django-axes)
    counts and refuses API tries as it does the sign-in page's. Someone who must use two-step
    verification also gives the code from their authenticator app (`otp`).
    """
    user = authenticate(request, username=email, password=password)
    if user is None:
        raise ValidationError({"non_field_errors": "Enter a correct email address and password."})
    two_step_check_for_token(user=user, otp=otp)
    memberships = list(memberships_for_user(user=user))
    if membership_id:
        membership = membership_for_user(user=user, public_id=membership_id)
        if membership is None:
            raise ValidationError({"membership": "You have no active membership with that id."})
    elif len(memberships) == 1:
        membership = memberships[0]
    elif not memberships:
        raise ValidationError({"non_field_errors": "You have no active membership."})
    else:
        raise ValidationError(
            {"membership": "You belong to several partnerships: name the membership to use."}
        )
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(digest=token_digest(raw), membership=membership)
    return raw, token


def api_token_touch(*, token: ApiToken) -> None:
    # Conditional update: at most one write a minute per token, however busy it is.
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


def user_deactivate(*, user: User) -> None:
    """Deactivate (never delete) a user: their sessions end and their API tokens stop working
    at once."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    ApiToken.objects.filter(membership__user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    sessions_end_all(user=user)


# --- Organisations ---------------------------------------------------------------------------


class ConcurrentEdit(ValidationError):
    """Someone else saved the record after this edit began; nothing was overwritten."""


ORGANISATION_EDITABLE_FIELDS = (
    "name",
    "type",
    "parent",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "phone",
    "urn",
    "la_establishment_number",
    "ods_code",
    "ico_registration_number",
    "ico_renewal_date",
    "charity_number",
    "company_number",
    "caldicott_guardian",
    "dpo_name",
    "dpo_email",
    "security_summary",
    "is_active",
)


def _require(actor: Membership, capability: str) -> None:
    if not can(actor, capability):
        raise PermissionDenied("Your role does not allow this.")


def organisation_create(*, actor: Membership, **fields) -> Organisation:
    _require(actor, "organisations.manage")
    organisation = Organisation(tenant=actor.tenant)
    _assign(organisation, fields)
    organisation._history_user = actor.user
    organisation.full_clean()
    organisation.save()
    return organisation


def organisation_update(
    *, actor: Membership, organisation: Organisation, expected_version: int, **fields
) -> Organisation:
    """Save an edit, refusing it when the record changed since the editor loaded it."""
    _require(actor, "organisations.manage")
    _assign(organisation, fields)
    organisation.full_clean()
    # The conditional update is the version check: of two tabs editing one record, only the
    # first save matches the version both started from.
    claimed = Organisation.objects.filter(pk=organisation.pk, version=expected_version).update(
        version=expected_version + 1
    )
    if claimed != 1:
        raise ConcurrentEdit(
            "Someone else changed this organisation while you were editing it. "
            "Your changes have not been saved: reload the page to see theirs, then edit again."
        )
    organisation.version = expected_version + 1
    organisation._history_user = actor.user
    organisation.save()
    return organisation


def _assign(organisation: Organisation, fields: dict) -> None:
    for name, value in fields.items():
        if name not in ORGANISATION_EDITABLE_FIELDS:
            raise TypeError(f"{name} is not an editable organisation field")
        setattr(organisation, name, value)


def organisation_set_designated_managers(
    *, actor: Membership, organisation: Organisation, managers: list[Membership]
) -> None:
    _require(actor, "organisations.manage")
    for manager in managers:
        if manager.tenant_id != organisation.tenant_id:
            raise ValidationError({"designated_managers": "Choose people in this partnership."})
    keep = {manager.pk for manager in managers}
    for link in DesignatedManager.objects.filter(organisation=organisation):
        if link.membership_id not in keep:
            link._history_user = actor.user
            link.delete()
    existing = set(
        DesignatedManager.objects.filter(organisation=organisation).values_list(
            "membership_id", flat=True
        )
    )
    for manager in managers:
        if manager.pk not in existing:
            link = DesignatedManager(organisation=organisation, membership=manager)
            link._history_user = actor.user
            link.save()


# --- Authorised contacts ---------------------------------------------------------------------


CONTACT_FIELDS = ("name", "role", "email", "phone", "valid_from", "valid_to")


def contact_add(*, actor: Membership, organisation: Organisation, **fields) -> AuthorisedContact:
    _require(actor, "organisations.manage")
    contact = AuthorisedContact(organisation=organisation, recorded_by=actor)
    for name, value in fields.items():
        if name not in CONTACT_FIELDS:
            raise TypeError(f"{name} is not a contact field")
        setattr(contact, name, value)
    contact._history_user = actor.user
    _check_contact_dates(contact)
    contact.full_clean()
    contact.save()
    return contact


def _check_contact_dates(contact: AuthorisedContact) -> None:
    # The database refuses it too; this says which field is wrong, in words.
    if contact.valid_from and contact.valid_to and contact.valid_to < contact.valid_from:
        raise ValidationError({"valid_to": "The end date must be on or after the start date."})


def contact_update(*, actor: Membership, contact: AuthorisedContact, **fields) -> AuthorisedContact:
    _require(actor, "organisations.manage")
    for name, value in fields.items():
        if name not in CONTACT_FIELDS:
            raise TypeError(f"{name} is not a contact field")
        setattr(contact, name, value)
    contact.recorded_by = actor
    contact._history_user = actor.user
    _check_contact_dates(contact)
    contact.full_clean()
    contact.save()
    return contact


# --- Training --------------------------------------------------------------------------------

TRAINING_VALIDITY = relativedelta(months=12)


def training_record(
    *,
    actor: Membership,
    membership: Membership,
    course: str,
    completed_on: date,
    expires_on: date | None = None,
    evidence=None,
) -> TrainingRecord:
    """Record completed IG training; it lapses after twelve months unless told otherwise."""
    if membership.pk != actor.pk:
        _require(actor, "memberships.manage")
    record = TrainingRecord(
        membership=membership,
        course=course,
        completed_on=completed_on,
        expires_on=expires_on or (completed_on + TRAINING_VALIDITY if completed_on else None),
        recorded_by=actor,
    )
    if evidence:
        record.evidence = evidence
    if expires_on and completed_on and expires_on <= completed_on:
        raise ValidationError({"expires_on": "The expiry date must be after the completion date."})
    record._history_user = actor.user
    record.full_clean()
    record.save()
    return record


# --- People and roles ------------------------------------------------------------------------

INVITATION_VALIDITY = timedelta(days=7)


def invitation_send(
    *,
    actor: Membership,
    email: str,
    full_name: str,
    organisation: Organisation,
    role: str,
    accept_url_for,
) -> Invitation:
    """Invite someone to the partnership; the email carries a one-time link valid for 7 days.

    `accept_url_for(raw_token)` builds the absolute link (the caller knows the host).
    """
    _require(actor, "memberships.manage")
    email = email.strip().lower()
    if Membership.objects.filter(user__email__iexact=email, is_active=True).exists():
        raise ValidationError({"email": "This person is already a member of the partnership."})
    raw = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email,
        full_name=full_name,
        organisation=organisation,
        role=role,
        invited_by=actor,
        token_digest=token_digest(raw),
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    invitation.full_clean()
    invitation.save()
    link = accept_url_for(raw)
    body = render_to_string(
        "partners/email/invitation.txt",
        {"invitation": invitation, "link": link, "tenant": actor.tenant},
    )
    subject = f"You are invited to {actor.tenant.name} on Sharewell"
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return invitation


def invitation_accept(*, raw_token: str, password: str) -> Membership:
    """Accept an invitation from its link: the invitee sets a password (or proves the one they
    have) and joins the partnership that invited them. A refused password leaves the link usable."""
    invitation = invitation_for_token(digest=token_digest(raw_token))
    if invitation is None:
        raise ValidationError("This invitation link has expired or has already been used.")
    user = User.objects.filter(email__iexact=invitation.email).first()
    if user is None:
        user = User(email=invitation.email, full_name=invitation.full_name)
        validate_password(password, user)
        user.set_password(password)
    elif not user.check_password(password):
        raise ValidationError(
            {"password": "Enter the password of your existing Sharewell account."}
        )
    with activate(invitation.tenant), transaction.atomic():
        # Claim the invitation first, so a link used twice at once makes one membership.
        claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
            accepted_at=timezone.now()
        )
        if claimed != 1:
            raise ValidationError("This invitation link has expired or has already been used.")
        user.save()
        # Someone who left and is invited back gets their old membership (and its history)
        # again: a person has one membership per partnership.
        membership = Membership.objects.filter(user=user).first() or Membership(user=user)
        membership.organisation = invitation.organisation
        membership.role = invitation.role
        membership.is_active = True
        membership._history_user = invitation.invited_by.user
        membership.save()
        Invitation.objects.filter(pk=invitation.pk).update(membership=membership)
    return membership


def membership_change(
    *, actor: Membership, membership: Membership, role: str, organisation: Organisation
) -> Membership:
    _require(actor, "memberships.manage")
    if membership.pk == actor.pk and role != membership.role:
        raise ValidationError({"role": "You cannot change your own role. Ask another IG officer."})
    membership.role = role
    membership.organisation = organisation
    membership._history_user = actor.user
    membership.full_clean()
    membership.save()
    return membership


def membership_deactivate(*, actor: Membership, membership: Membership) -> Membership:
    """End someone's membership (kept, with its history); their API tokens stop working and
    their sessions end at once."""
    _require(actor, "memberships.manage")
    if membership.pk == actor.pk:
        raise ValidationError("You cannot deactivate your own membership.")
    membership.is_active = False
    membership._history_user = actor.user
    membership.save(update_fields=["is_active", "updated_at"])
    ApiToken.objects.filter(membership=membership, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    # Their signed-in sessions end too (in every partnership: they sign in again to go on
    # working in another), so nothing they had open stays usable.
    sessions_end_all(user=membership.user)
    return membership


# --- Importing organisations from GIAS -------------------------------------------------------

IMPORT_BATCH_SIZE = 200
# A run whose progress has not moved for this long is taken to have died; another may resume it.
IMPORT_STALE_AFTER = timedelta(minutes=10)


@dataclass
class ImportPreview:
    total: int
    to_create: int
    to_update: int
    errors: list[dict]
    sample: list[dict]


def organisation_import_upload(*, actor: Membership, upload) -> OrganisationImport:
    """Store an uploaded GIAS extract and check that it can be read as one."""
    _require(actor, "organisations.manage")
    raw = upload.read()
    try:
        total = sum(1 for _ in gias.read_rows(raw))
    except (gias.GiasFileError, csv.Error) as error:
        raise ValidationError({"source": str(error)}) from None
    if total == 0:
        raise ValidationError({"source": "The file has no rows below its header."})
    upload.seek(0)
    job = OrganisationImport(
        source=upload,
        original_name=Path(upload.name).name[:200],
        uploaded_by=actor,
        total_rows=total,
    )
    job.save()
    return job


def organisation_import_preview(*, job: OrganisationImport, sample_size: int = 20) -> ImportPreview:
    """What the import would do, row by row, without writing anything."""
    existing = set(Organisation.objects.exclude(urn="").values_list("urn", flat=True))
    seen: dict[str, int] = {}
    to_create = to_update = 0
    errors: list[dict] = []
    sample: list[dict] = []
    for row in _rows(job):
        error = row.error or _duplicate_error(row, seen)
        if error:
            errors.append({"line": row.line, "urn": row.urn, "message": error})
            continue
        action = "update" if row.urn in existing else "create"
        to_update += action == "update"
        to_create += action == "create"
        if len(sample) < sample_size:
            sample.append({"line": row.line, "urn": row.urn, "action": action, **row.fields})
    return ImportPreview(job.total_rows, to_create, to_update, errors, sample)


def organisation_import_confirm(*, actor: Membership, job: OrganisationImport) -> None:
    _require(actor, "organisations.manage")
    queued = OrganisationImport.objects.filter(pk=job.pk, status=ImportStatus.PREVIEWED).update(
        status=ImportStatus.QUEUED
    )
    if queued != 1:
        raise ValidationError("This import has already been started.")
    from partners.tasks import run_organisation_import

    transaction.on_commit(lambda: run_organisation_import.delay(job.pk))


def organisation_import_run(*, job_id: int) -> OrganisationImport | None:
    """Run a queued import (in the worker). Safe to run twice: rows are matched by URN, and only
    one run holds the job at a time. Returns None when another run holds it or it is finished."""
    now = timezone.now()
    claimable = Q(status=ImportStatus.QUEUED) | Q(
        status=ImportStatus.RUNNING, updated_at__lt=now - IMPORT_STALE_AFTER
    )
    claimed = OrganisationImport.objects.filter(claimable, pk=job_id).update(
        status=ImportStatus.RUNNING, started_at=now, updated_at=now
    )
    if claimed != 1:
        return None
    job = OrganisationImport.objects.select_related("uploaded_by__user").get(pk=job_id)
    result = _import_rows(job)
    OrganisationImport.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE,
        processed_rows=result["processed"],
        created_count=result["created"],
        updated_count=result["updated"],
        errors=result["errors"],
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


def _import_rows(job: OrganisationImport) -> dict:
    seen: dict[str, int] = {}
    counts = {"processed": 0, "created": 0, "updated": 0, "errors": []}
    for row in _rows(job):
        error = row.error or _duplicate_error(row, seen)
        if not error:
            error = _upsert(job, row, counts)
        if error:
            counts["errors"].append({"line": row.line, "urn": row.urn, "message": error})
        counts["processed"] += 1
        if counts["processed"] % IMPORT_BATCH_SIZE == 0:
            # Progress is committed by the worker's own connection and read by the page's poll.
            OrganisationImport.objects.filter(pk=job.pk).update(
                processed_rows=counts["processed"], updated_at=timezone.now()
            )
    return counts


def _upsert(job: OrganisationImport, row: gias.GiasRow, counts: dict) -> str:
    """Create or update one organisation, each row in its own savepoint so one bad row loses
    nothing else. Returns an error message, or "" when the row was saved."""
    actor = job.uploaded_by
    organisation = (
        Organisation.objects.filter(urn=row.urn).first()
        or Organisation.objects.filter(urn="", name=row.fields["name"]).first()
    )
    created = organisation is None
    organisation = organisation or Organisation(tenant=job.tenant, urn=row.urn)
    organisation.urn = row.urn
    for name, value in row.fields.items():
        setattr(organisation, name, value)
    try:
        organisation.full_clean()
        with transaction.atomic():
            if not created:
                organisation.version += 1
            organisation._history_user = actor.user
            organisation.save()
    except ValidationError as error:
        return "; ".join(
            message for messages in error.message_dict.values() for message in messages
        )
    except IntegrityError:
        return "Another organisation already has this name or URN."
    counts["created" if created else "updated"] += 1
    return ""


def _rows(job: OrganisationImport):
    with job.source.open("rb") as handle:
        raw = handle.read()
    return gias.read_rows(raw)


def _duplicate_error(row: gias.GiasRow, seen: dict[str, int]) -> str:
    if row.urn in seen:
        return f"URN {row.urn} appears again; line {seen[row.urn]} was used."
    seen[row.urn] = row.line
    return ""


# --- Partnership settings --------------------------------------------------------------------


def tenant_set_training_policy(*, actor: Membership, policy: str) -> Tenant:
    """Whether someone whose IG training has lapsed may still log sharing decisions."""
    _require(actor, "memberships.manage")
    tenant = actor.tenant
    tenant.untrained_decision_policy = policy
    tenant.full_clean()
    tenant.save(update_fields=["untrained_decision_policy"])
    return tenant
