"""Reads for partners: memberships, organisations, and the access function for each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from django.db.models import Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from partners.models import (
    AuthorisedContact,
    Invitation,
    JobHeartbeat,
    Membership,
    Organisation,
    TrainingRecord,
    User,
)


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    """The active memberships a user may choose between, across partnerships.

    Sign-in happens before any tenant is active, so this is one of the few places that reads
    across tenants; it reads only the signed-in user's own rows.
    """
    return (
        Membership.objects.cross_tenant()
        .filter(user=user, is_active=True, tenant__is_active=True, user__is_active=True)
        .select_related("tenant", "organisation", "user")
        .order_by("tenant__name")
    )


def membership_for_user(*, user: User, public_id: UUID | str | None) -> Membership | None:
    if not public_id:
        return None
    try:
        return memberships_for_user(user=user).get(public_id=public_id)
    except (Membership.DoesNotExist, ValueError):
        return None


def organisation_list(*, search: str = "") -> QuerySet[Organisation]:
    queryset = Organisation.objects.select_related("parent")
    if search:
        queryset = queryset.filter(name__icontains=search)
    return queryset.order_by("name")


def organisation_get(*, public_id: UUID | str) -> Organisation:
    """The active tenant's organisation with this id; missing and not-yours are the same 404."""
    try:
        return Organisation.objects.select_related("parent").get(public_id=public_id)
    except (Organisation.DoesNotExist, ValueError):
        raise Http404("No such organisation.") from None


def organisation_count() -> int:
    """How many organisations the active tenant has (active or not)."""
    return Organisation.objects.count()


def membership_count() -> int:
    """How many people are active members of the active tenant."""
    return Membership.objects.filter(is_active=True, user__is_active=True).count()


def user_has_several_memberships(*, user: User) -> bool:
    """Whether the user can switch between partnerships (shown as "Switch partnership")."""
    return memberships_for_user(user=user)[:2].count() > 1


# The beat stamps the scheduler's heartbeat every five minutes (config/celery.py); missing a few
# stamps is a hiccup, missing half an hour means reminders are not going out.
SCHEDULER_LATE_AFTER = timedelta(minutes=30)


def scheduler_heartbeat() -> JobHeartbeat | None:
    """When the scheduled jobs last ran (platform-wide, not tenant data), or None if never."""
    return JobHeartbeat.objects.filter(name="scheduler").first()


def scheduler_is_late(*, heartbeat: JobHeartbeat | None, now: datetime | None = None) -> bool:
    if heartbeat is None:
        return True
    return (now or timezone.now()) - heartbeat.last_run_at > SCHEDULER_LATE_AFTER


# --- Contacts and training -------------------------------------------------------------------


def contacts_current(*, organisation: Organisation, on: date) -> QuerySet[AuthorisedContact]:
    """Contacts authorised on that day (Kent protocol: kept up to date, changes notified)."""
    return AuthorisedContact.objects.filter(organisation=organisation, valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )


def training_is_current(*, membership: Membership, on: date) -> bool:
    return TrainingRecord.objects.filter(membership=membership, expires_on__gt=on).exists()


@dataclass(frozen=True)
class TrainingStatus:
    membership: Membership
    expires_on: date | None
    status: str  # "current", "expired" or "none"


def training_status_for_organisation(
    *, organisation: Organisation, on: date
) -> list[TrainingStatus]:
    """Everyone active at the organisation with the state of their IG training, in one query."""
    memberships = (
        Membership.objects.filter(organisation=organisation, is_active=True)
        .select_related("user")
        .annotate(latest_expiry=Max("training_records__expires_on"))
        .order_by("user__full_name")
    )
    return [
        TrainingStatus(
            membership=membership,
            expires_on=membership.latest_expiry,
            status="none"
            if membership.latest_expiry is None
            else ("current" if membership.latest_expiry > on else "expired"),
        )
        for membership in memberships
    ]


def invitation_for_token(*, digest: str) -> Invitation | None:
    """The open invitation a link names, in whichever partnership issued it: the invitee has no
    membership yet, so no tenant is active when they follow the link."""
    return (
        Invitation.objects.cross_tenant()
        .select_related("tenant", "organisation", "invited_by__user")
        .filter(
            token_digest=digest,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )
