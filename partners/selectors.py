"""Reads for partners: memberships, organisations, and the access function for each."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from partners.models import Membership, Organisation, User


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
