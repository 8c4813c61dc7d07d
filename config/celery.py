"""Celery for Sharewell: one app, the beat schedule in code.

Periodic work is a frequent, idempotent sweep rather than a once-a-day job at an exact time, so a
missed, doubled or clock-change run does no harm: each sweep selects what is due by time window
and claims it with a conditional update. Only one beat runs (the `beat` service, or the worker's
embedded beat in `make run`).
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("sharewell")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "record-heartbeat": {
        "task": "partners.tasks.record_heartbeat",
        "schedule": crontab(minute="*/5"),
    },
    "clear-expired-sessions": {
        "task": "partners.tasks.clear_expired_sessions",
        "schedule": crontab(minute=17),
    },
}
