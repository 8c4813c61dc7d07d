"""Scheduled housekeeping. Tasks load ids and call services; they may run twice safely."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from partners.models import JobHeartbeat, OrganisationImport, Tenant
from partners.security.sessions import sessions_prune
from partners.services import organisation_import_run
from partners.tenancy import activate


@shared_task(name="partners.tasks.record_heartbeat")
def record_heartbeat() -> str:
    """Stamp the time so the IG officer's dashboard shows that scheduled jobs are running."""
    now = timezone.now()
    JobHeartbeat.objects.update_or_create(name="scheduler", defaults={"last_run_at": now})
    return now.isoformat()


@shared_task(name="partners.tasks.clear_expired_sessions")
def clear_expired_sessions() -> int:
    """Delete the sessions that have expired, and forget signed-in sessions (the register
    behind "sign out everywhere") unused for a month; a second run deletes nothing."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    sessions_prune()
    return deleted


@shared_task(name="partners.tasks.run_organisation_import", acks_late=True)
def run_organisation_import(job_id: int) -> str:
    """Run one GIAS import in its partnership. A redelivered or repeated message finds the job
    claimed or finished and does nothing (see organisation_import_run)."""
    tenant_id = (
        OrganisationImport.objects.cross_tenant()
        .filter(pk=job_id)
        .values_list("tenant_id", flat=True)
        .first()
    )
    if tenant_id is None:
        return "missing"
    with activate(Tenant.objects.get(pk=tenant_id)):
        job = organisation_import_run(job_id=job_id)
    return job.status if job else "skipped"
