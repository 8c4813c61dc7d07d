"""Scheduled tasks may run twice, late or overlapping: each effect still happens once."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from config.celery import EtaBeyondVisibilityTimeout
from partners.models import JobHeartbeat
from partners.tasks import clear_expired_sessions, record_heartbeat

pytestmark = pytest.mark.django_db


def new_session() -> str:
    store = SessionStore()
    store["sharewell_active_membership"] = "00000000-0000-0000-0000-000000000000"
    store.create()
    return store.session_key


def test_the_heartbeat_run_twice_keeps_one_row_with_the_latest_time():
    first_run = timezone.now()
    with time_machine.travel(first_run, tick=False):
        record_heartbeat.delay()
    with time_machine.travel(first_run + timedelta(minutes=5), tick=False):
        record_heartbeat.delay()

    heartbeat = JobHeartbeat.objects.get()
    assert heartbeat.name == "scheduler"
    assert heartbeat.last_run_at == first_run + timedelta(minutes=5)


def test_clearing_sessions_twice_deletes_only_the_expired_ones_once():
    with time_machine.travel(timezone.now() - timedelta(hours=9)):
        expired = new_session()
    live = new_session()

    assert clear_expired_sessions.delay().get() == 1
    assert clear_expired_sessions.delay().get() == 0

    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
    assert expired != live


@pytest.mark.parametrize(
    "options",
    [
        lambda now: {"countdown": 60 * 60 * 3},
        lambda now: {"eta": now + timedelta(days=1)},
        lambda now: {"eta": (now + timedelta(hours=2, minutes=1)).isoformat()},
    ],
    ids=["countdown", "eta", "eta-as-text"],
)
def test_a_task_is_never_scheduled_beyond_the_visibility_timeout(options):
    with pytest.raises(EtaBeyondVisibilityTimeout):
        record_heartbeat.apply_async(**options(timezone.now()))
    assert not JobHeartbeat.objects.exists()


def test_a_task_scheduled_within_the_visibility_timeout_is_accepted():
    record_heartbeat.apply_async(countdown=60 * 60)
    record_heartbeat.apply_async(eta=timezone.now() + timedelta(minutes=90))

    assert JobHeartbeat.objects.count() == 1
