"""A task goes through the real broker and a real Celery worker, and its effect is committed.

The rest of the suite runs tasks eagerly (config/settings/test.py); this test is the one place
that proves the app, its settings and the Redis broker work together. Without Redis it is
skipped on a developer's machine, and fails where SHAREWELL_REQUIRE_SERVICES=1 (CI).
"""

import os

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.result import EagerResult
from celery.signals import task_postrun
from django.db import connections

from config.celery import app
from partners.models import JobHeartbeat
from partners.tasks import record_heartbeat

pytestmark = pytest.mark.services


def close_worker_db_connections(**kwargs) -> None:
    # The worker runs tasks in its own thread, which opens its own database connection; close it
    # so the test database can be flushed and dropped afterwards.
    connections.close_all()


@pytest.fixture
def redis_broker():
    url = app.conf.broker_url
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as exc:
        message = f"Redis is not reachable at {url}: {exc}"
        if os.environ.get("SHAREWELL_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{message} (SHAREWELL_REQUIRE_SERVICES=1)")
        pytest.skip(message)
    return url


@pytest.fixture
def celery_worker(redis_broker, transactional_db):
    # The ping task that start_worker sends first must be registered before the worker starts.
    import celery.contrib.testing.tasks  # noqa: F401

    app.conf.task_always_eager = False
    task_postrun.connect(close_worker_db_connections, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=True, shutdown_timeout=20) as w:
            yield w
    finally:
        task_postrun.disconnect(close_worker_db_connections)
        app.conf.task_always_eager = True
        # Each test process has its own queue (see config/settings/test.py); leave no trace of it.
        client = redis.Redis.from_url(redis_broker)
        for key in client.scan_iter(f"*{app.conf.task_default_queue}*"):
            client.delete(key)


def test_the_heartbeat_runs_through_a_real_worker_and_is_committed(celery_worker):
    assert app.conf.broker_url.startswith("redis://")
    assert not JobHeartbeat.objects.exists()

    result = record_heartbeat.delay()
    assert not isinstance(result, EagerResult)
    ran_at = result.get(timeout=30)

    heartbeat = JobHeartbeat.objects.get(name="scheduler")
    assert heartbeat.last_run_at.isoformat() == ran_at
