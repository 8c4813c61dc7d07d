"""Celery for Sharewell: one app, the beat schedule in code.

Periodic work is a frequent, idempotent sweep rather than a once-a-day job at an exact time, so a
missed, doubled or clock-change run does no harm: each sweep selects what is due by time window
and claims it with a conditional update. Only one beat runs (the `beat` service, or the worker's
embedded beat in `make run`).

Rules for every task (the settings that back them are in config/settings/base.py):

1. A task may run twice. Messages are acknowledged late (`CELERY_TASK_ACKS_LATE`), after the task
   returns, and a message whose worker died is delivered again
   (`CELERY_TASK_REJECT_ON_WORKER_LOST`). So a task takes ids, loads fresh rows and calls a
   service whose effect happens once however often it runs: `update_or_create` on a unique key, a
   conditional UPDATE that claims the work, or a ledger row with a unique constraint.
2. No ETA or countdown longer than the broker's visibility timeout
   (`SHAREWELL_TASK_VISIBILITY_TIMEOUT`, two hours). Redis hands a message that has not been
   acknowledged within that time to another worker, so a task scheduled further ahead would run
   again every time the timeout passes until it is finally due. Work that is due later is a row
   with a due time that a beat sweep picks up. `SharewellTask.apply_async` refuses to send a task
   that breaks this rule, in every mode, so the mistake shows up in development and tests.
3. A task finishes well within the visibility timeout too (`CELERY_TASK_TIME_LIMIT`), for the
   same reason: a task still running when the timeout passes is started a second time elsewhere.
4. Arguments are JSON: ids (`public_id`), never model instances, and nothing about a child.
"""

import os
from datetime import UTC, datetime, timedelta

from celery import Celery, Task
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


class EtaBeyondVisibilityTimeout(ValueError):
    """A task was scheduled further ahead than the broker keeps a message unacknowledged."""


class SharewellTask(Task):
    """The base of every task of the app: refuses an ETA beyond the visibility timeout."""

    def apply_async(self, args=None, kwargs=None, *rest, **options):
        from django.conf import settings

        limit = timedelta(seconds=settings.SHAREWELL_TASK_VISIBILITY_TIMEOUT)
        countdown, eta = options.get("countdown"), options.get("eta")
        ahead = timedelta(seconds=countdown or 0)
        if eta is not None:
            when = datetime.fromisoformat(eta) if isinstance(eta, str) else eta
            # Celery reads a naive ETA as UTC.
            ahead = max(ahead, when.replace(tzinfo=when.tzinfo or UTC) - datetime.now(UTC))
        if ahead > limit:
            raise EtaBeyondVisibilityTimeout(
                f"{self.name} is scheduled {ahead} ahead, beyond the broker's visibility timeout "
                f"of {limit}: record a due time and let a beat sweep pick it up instead."
            )
        return super().apply_async(args, kwargs, *rest, **options)


app = Celery("sharewell", task_cls=SharewellTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "record-heartbeat": {
        "task": "partners.tasks.record_heartbeat",
        "schedule": crontab(),
    },
    "clear-expired-sessions": {
        "task": "partners.tasks.clear_expired_sessions",
        "schedule": crontab(minute=17),
    },
    # Expiry drops the runs a stopped worker missed: the next run does their work anyway.
    "deliver-outbox": {
        "task": "notifications.tasks.deliver_outbox",
        "schedule": crontab(),
        "options": {"expires": 55},
    },
    # Consents past their review date become expired events (consent_check already treats them
    # as expired by date; this records it and removes the access they gave).
    "expire-consents": {
        "task": "consent.tasks.expire_consents",
        "schedule": crontab(minute=7),
        "options": {"expires": 55 * 60},
    },
    "sweep-reminders": {
        "task": "notifications.tasks.sweep_reminders",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 14 * 60},
    },
}
