"""Tenant isolation, enforced once.

The active tenant is held in a context variable that the request middleware, the API token
authentication, Celery tasks and management commands set with `activate()`. Every tenant-owned
model inherits `TenantModel`, whose default manager filters by the active tenant and raises
`NoActiveTenant` when there is none, so a query that forgot its tenant fails loudly instead of
reading every partnership's data. Following a foreign key from an object already in hand uses
Django's unfiltered base manager, so it needs no active tenant.

Code that must cross tenants (choosing a membership at sign-in, the platform admin, jobs that
sweep every tenant) says so with `Model.objects.cross_tenant()` for one query or
`cross_tenant_context()` for a block; the test suite keeps a list of the modules allowed to use
either.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from partners.models import Tenant

# The active tenant, or CROSS_TENANT inside `cross_tenant_context()`.
_active_tenant: ContextVar[Tenant | object | None] = ContextVar(
    "sharewell_active_tenant", default=None
)
CROSS_TENANT = object()


class NoActiveTenant(RuntimeError):
    """A tenant-scoped query ran with no tenant active."""


def get_active_tenant() -> Tenant:
    tenant = _active_tenant.get()
    if tenant is None or tenant is CROSS_TENANT:
        raise NoActiveTenant(
            "No tenant is active. Tenant data is read inside a request with an active "
            "membership, inside `activate(tenant)`, or through `cross_tenant()`."
        )
    return tenant


def active_tenant_or_none() -> Tenant | None:
    tenant = _active_tenant.get()
    return None if tenant is CROSS_TENANT else tenant


@contextmanager
def activate(tenant: Tenant | None) -> Iterator[None]:
    """Make `tenant` the active tenant for the enclosed block (None deactivates)."""
    token = _active_tenant.set(tenant)
    try:
        yield
    finally:
        _active_tenant.reset(token)


@contextmanager
def cross_tenant_context() -> Iterator[None]:
    """Let tenant-scoped managers read every tenant inside the block: the escape hatch for the
    platform admin and for jobs that sweep all partnerships. Its callers are on an allow-list."""
    token = _active_tenant.set(CROSS_TENANT)
    try:
        yield
    finally:
        _active_tenant.reset(token)


class TenantQuerySet(models.QuerySet):
    pass


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    """Default manager of tenant-owned models: only the active tenant's rows exist."""

    def get_queryset(self) -> TenantQuerySet:
        if _active_tenant.get() is CROSS_TENANT:
            return super().get_queryset()
        return super().get_queryset().filter(tenant=get_active_tenant())

    def create(self, **kwargs):
        # Creating reads nothing, so a row whose tenant is given needs no active tenant
        # (factories, seeding, jobs); without one, save() takes the active tenant.
        if "tenant" in kwargs or "tenant_id" in kwargs:
            return super().get_queryset().create(**kwargs)
        return super().create(**kwargs)

    def cross_tenant(self) -> TenantQuerySet:
        """Every tenant's rows. The one escape hatch; its callers are on an allow-list."""
        return super().get_queryset()


class TenantModel(models.Model):
    """A row that belongs to one tenant (partnership) and is addressed publicly by UUID."""

    tenant = models.ForeignKey("partners.Tenant", on_delete=models.PROTECT, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.tenant_id is None:
            self.tenant = get_active_tenant()
        super().save(*args, **kwargs)

    def full_clean(self, *args, **kwargs) -> None:
        # Validation checks uniqueness within the tenant, so the tenant is known first.
        if self.tenant_id is None:
            self.tenant = get_active_tenant()
        super().full_clean(*args, **kwargs)


def bind_for_request(tenant: Tenant) -> None:
    """Activate a tenant for the rest of the current request.

    Only for authentication that happens inside the view (API tokens): the request middleware
    wraps every request in `activate()`, whose exit restores the previous value.
    """
    _active_tenant.set(tenant)
