"""sweep_reminders, the beat-scheduled task, through the real Redis broker and a real Celery
worker (the worker of tests/test_celery_worker.py): a breach reported two months late has every
milestone before the meeting overdue and escalated; each reminder is sent once, committed, and a
second run through the worker sends nothing."""

import datetime as dt

import pytest
from celery.result import EagerResult
from django.utils import timezone

from config.celery import app
from notifications.models import Notice, Reminder
from notifications.tasks import sweep_reminders
from partners.tenancy import activate
from tests.breaches.conftest import build_world, report
from tests.conftest import build_partnership
from tests.test_celery_worker import celery_worker, redis_broker  # noqa: F401 (fixtures)

pytestmark = pytest.mark.services


def test_the_reminder_sweep_runs_through_a_real_worker_and_sends_each_reminder_once(
    celery_worker,  # noqa: F811
):
    assert app.conf.beat_schedule["sweep-reminders"]["task"] == sweep_reminders.name
    partnership = build_partnership("Kent and Medway")
    with activate(partnership.tenant):
        world = build_world(partnership)
        breach = report(world, identified_at=timezone.now() - dt.timedelta(days=60))

    result = sweep_reminders.delay()
    assert not isinstance(result, EagerResult)
    # Partners notified, report distributed, meeting held: each overdue (to the responsible
    # organisation's managers) and escalated (to the IG officer).
    assert result.get(timeout=60) == {"sent": 6, "failed": 0}

    rows = Reminder.objects.cross_tenant().filter(source="breaches.milestones")
    assert sorted(rows.values_list("kind", flat=True)) == ["escalated"] * 3 + ["overdue"] * 3
    assert all(row.sent_at is not None for row in rows)
    reminded = Notice.objects.cross_tenant().filter(dedup_key__startswith="reminder:")
    assert reminded.count() == 6
    assert {n.link for n in reminded} == {f"/breaches/{breach.public_id}/"}

    assert sweep_reminders.delay().get(timeout=60) == {"sent": 0, "failed": 0}
    assert reminded.count() == 6
