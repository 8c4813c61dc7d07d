"""Delivery of the outbox and the reminder sweep. Both may run twice, late or at once: the
services claim each row with a conditional update, so each effect still happens once."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from notifications.selectors import outbox_due
from notifications.services import outbox_deliver, reminders_sweep
from partners.models import Tenant
from partners.tenancy import activate, cross_tenant_context

logger = logging.getLogger(__name__)


@shared_task(name="notifications.tasks.deliver_outbox")
def deliver_outbox(batch: int = 100) -> dict[str, int]:
    """Every minute: send the due emails of every partnership that has any."""
    # One query across partnerships finds who has mail waiting; each is then served with its
    # own tenant active, as a request would be.
    with cross_tenant_context():
        tenant_ids = list(
            outbox_due(now=timezone.now()).order_by().values_list("tenant_id", flat=True).distinct()
        )
    sent = failed = 0
    for tenant in Tenant.objects.filter(pk__in=tenant_ids, is_active=True).order_by("pk"):
        with activate(tenant):
            report = outbox_deliver(batch=batch)
        sent += report.sent
        failed += report.failed
    return {"sent": sent, "failed": failed}


@shared_task(name="notifications.tasks.sweep_reminders")
def sweep_reminders() -> dict[str, int]:
    """Every 15 minutes: send the reminders that have fallen due in every partnership."""
    now = timezone.now()
    sent = failed = 0
    for tenant in Tenant.objects.filter(is_active=True).order_by("pk"):
        with activate(tenant):
            report = reminders_sweep(now=now)
        sent += report.sent
        failed += report.failed
    if failed:
        logger.error(
            "Reminder sweep finished with %s failures; the next sweep retries them.", failed
        )
    return {"sent": sent, "failed": failed}
