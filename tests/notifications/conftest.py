"""Fixtures for notifications: a mail server that can fail, and a reminder source that a test
fills, registered the way a domain app registers its own in AppConfig.ready()."""

from dataclasses import dataclass, field
from datetime import datetime

import pytest
from django.db import connection

from notifications.reminders import (
    DueReminder,
    register_reminder_source,
    unregister_reminder_source,
)
from tests.notifications.backends import FlakyBackend
from tests.test_celery_worker import celery_worker, redis_broker  # noqa: F401 (fixtures)


@pytest.fixture
def mail_server(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    FlakyBackend.reset()
    yield FlakyBackend
    FlakyBackend.reset()


@dataclass
class FakeSource:
    """Stands in for a domain app's source, e.g. agreement reviews: yields what is due by
    `until` among the reminders a test has planned."""

    planned: list[DueReminder] = field(default_factory=list)
    calls: list[datetime] = field(default_factory=list)

    def __call__(self, *, tenant, until):
        self.calls.append(until)
        # A real source reads through the tenant-scoped managers: only this tenant's people.
        return [
            reminder
            for reminder in self.planned
            if reminder.due_at <= until
            and all(member.tenant_id == tenant.pk for member in reminder.recipients)
        ]


@pytest.fixture
def reminder_source():
    source = FakeSource()
    register_reminder_source("tests.reviews", source)
    yield source
    unregister_reminder_source("tests.reviews")


@pytest.fixture
def concurrent_writers(transactional_db):
    """Two threads writing at once, each with its own connection, as two workers would.

    SQLite's in-memory test database (shared cache) answers a second writer with "table is
    locked" at once instead of waiting for the busy timeout, so a race there says nothing about
    the code; with a file database (TEST_SQLITE_NAME) writers queue as in `make run`, and on
    PostgreSQL (DATABASE_URL) they race for real.
    """
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("Concurrent writers need PostgreSQL or a file SQLite database")
