"""Consent's scheduled job: mark consents whose last day has passed as expired. It may run
twice, late or at once with itself: each consent is claimed with a conditional update, so it
expires once."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from consent.services import consents_expire_due
from partners.models import Tenant
from partners.tenancy import activate


@shared_task(name="consent.tasks.expire_consents")
def expire_consents() -> int:
    """Hourly: in every partnership, each consent past its last day gets its expiry event, and
    the organisations it named lose the child's record unless involved otherwise."""
    expired = 0
    for tenant in Tenant.objects.filter(is_active=True).order_by("pk"):
        with activate(tenant):
            expired += consents_expire_due(on=timezone.localdate())
    return expired
