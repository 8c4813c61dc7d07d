"""Scheduled housekeeping. Tasks load ids and call services; they may run twice safely."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from partners.models import JobHeartbeat


@shared_task(name="partners.tasks.record_heartbeat")
def record_heartbeat() -> str:
    """Stamp the time so the IG officer's dashboard shows that scheduled jobs are running."""
    now = timezone.now()
    JobHeartbeat.objects.update_or_create(name="scheduler", defaults={"last_run_at": now})
    return now.isoformat()


@shared_task(name="partners.tasks.clear_expired_sessions")
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
