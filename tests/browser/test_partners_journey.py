"""An IG officer's journey through the partners pages, in a real browser with a real Celery worker.

They sign in, upload the sample Get Information About Schools extract, check the preview, start
the import and watch its progress until it has finished (the import runs in a Celery worker
started in this process, not eagerly), add an authorised contact to one of the imported schools,
and record IG training for a member. axe checks every page on the way (see journey.py).

The worker uses the broker the settings configure: Redis when REDIS_URL is set, otherwise kombu's
filesystem transport (as `make run` does without services), in a folder of this test's own.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun, task_prerun
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections
from playwright.sync_api import expect

from config.celery import app
from partners.models import AuthorisedContact, TrainingRecord
from partners.roles import Role
from partners.tenancy import activate
from tests.factories import DEFAULT_PASSWORD
from tests.security.browser import pass_two_step

SAMPLE = Path(__file__).resolve().parents[2] / "partners" / "fixtures" / "gias_sample.csv"
# The import is small; this is the longest a slow machine should need for the worker to run it.
IMPORT_TIMEOUT_MS = 30_000


def _reset_broker_connections() -> None:
    # The app keeps a pool of broker connections (and of producers on them) from the first
    # message it sent; a changed broker URL needs new ones.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker(tmp_path):
    """The configured broker: Redis when REDIS_URL is set, else the filesystem transport."""
    if os.environ.get("REDIS_URL"):
        yield app.conf.broker_url
        # This process's queue (see config/settings/test.py) leaves no trace on the server.
        client = redis.Redis.from_url(app.conf.broker_url)
        for key in client.scan_iter(f"*{app.conf.task_default_queue}*"):
            client.delete(key)
        return
    queue, processed = tmp_path / "broker" / "queue", tmp_path / "broker" / "processed"
    control = tmp_path / "broker" / "control"
    for folder in (queue, processed, control):
        folder.mkdir(parents=True)
    saved = {
        key: app.conf[key]
        for key in ("broker_url", "broker_transport_options", "task_ignore_result")
    }
    app.conf.broker_url = "filesystem://"
    app.conf.broker_transport_options = {
        "data_folder_in": str(queue),
        "data_folder_out": str(queue),
        "processed_folder": str(processed),
        "control_folder": str(control),
        "store_processed": False,
    }
    # No result backend runs without services, and nothing here waits for a task's result.
    app.conf.task_ignore_result = True
    _reset_broker_connections()
    try:
        yield app.conf.broker_url
    finally:
        app.conf.update(saved)
        _reset_broker_connections()


@pytest.fixture
def database_turns(monkeypatch, transactional_db):
    """A lock that the live server's requests and the worker's tasks take turns to hold, when
    the test database is SQLite in memory.

    The in-memory database is one shared cache, in which a connection that writes a table
    another connection is reading fails at once ("database table is locked") instead of waiting
    as PostgreSQL, or an SQLite file in WAL mode, would. Taking turns stands in for that waiting;
    on PostgreSQL (CI) the lock is not used. The import still runs in the worker's own thread,
    between two of the page's polls.
    """
    connection = connections["default"]
    if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        return None
    lock = threading.RLock()
    handle = WSGIHandler.__call__

    def one_at_a_time(self, environ, start_response):
        with lock:
            return handle(self, environ, start_response)

    monkeypatch.setattr(WSGIHandler, "__call__", one_at_a_time)
    return lock


@pytest.fixture
def celery_worker(broker, database_turns):
    """A Celery worker in a thread of this process, taking tasks from the broker. Yields the
    (task name, whether it ran eagerly, the worker that ran it) of every task run."""
    ran: list[tuple[str, bool, str | None]] = []

    def before_task(sender=None, **kwargs) -> None:
        ran.append((sender.name, bool(sender.request.is_eager), sender.request.hostname))
        if database_turns is not None:
            database_turns.acquire()

    def after_task(sender=None, **kwargs) -> None:
        # The worker thread has its own database connection; close it so the test database
        # can be flushed afterwards.
        connections.close_all()
        if database_turns is not None:
            database_turns.release()

    app.conf.task_always_eager = False
    task_prerun.connect(before_task, weak=False)
    task_postrun.connect(after_task, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
            yield ran
    finally:
        task_prerun.disconnect(before_task)
        task_postrun.disconnect(after_task)
        app.conf.task_always_eager = True


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def sign_in(journey, membership) -> None:
    journey.goto("/sign-in/")
    page = journey.page
    page.get_by_label("Email address").fill(membership.user.email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    journey.click(page.get_by_role("button", name="Sign in"))
    pass_two_step(journey, membership.user.email)
    assert journey.path == "/"


def fill_date(page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def test_an_ig_officer_imports_schools_adds_a_contact_and_records_training(
    journey, partnership, celery_worker, media
):
    officer = partnership.member(Role.IG_OFFICER)
    practitioner = partnership.member(Role.PRACTITIONER)
    page = journey.page
    sign_in(journey, officer)

    # Organisations → import from GIAS.
    journey.click(
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Organisations")
    )
    journey.click(page.get_by_role("link", name=re.compile("Import schools from Get Information")))
    page.get_by_label("Upload a GIAS establishment extract").set_input_files(str(SAMPLE))
    journey.click(page.get_by_role("button", name="Upload and preview"))

    # The preview: what would happen, and the rows, before anything is saved.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check the import before you start it"
    )
    for key, value in [
        ("Rows in the file", "8"),
        ("Organisations to add", "8"),
        ("Rows with errors", "0"),
    ]:
        row = page.locator(".govuk-summary-list__row", has_text=key)
        expect(row.locator(".govuk-summary-list__value")).to_have_text(value)
    expect(page.get_by_role("table")).to_contain_text("Oakfield Primary School (demo)")
    journey.click(page.get_by_role("button", name="Import"))

    # Progress, polled by htmx every second until the worker has finished.
    assert re.fullmatch(r"/organisations/import/[0-9a-f-]{36}/progress/", journey.path)
    status = page.get_by_role("status")
    expect(status).to_contain_text(
        "Finished: 8 added, 0 updated, 0 rows with errors.", timeout=IMPORT_TIMEOUT_MS
    )
    expect(page.get_by_label("Rows processed")).to_have_attribute("value", "8")
    expect(page.locator("[hx-trigger]")).to_have_count(0)  # the polling has stopped
    journey.check()
    # It ran once, in the worker: not eagerly inside the request that started it.
    [(task, eager, worker)] = celery_worker
    assert (task, eager) == ("partners.tasks.run_organisation_import", False)
    assert worker

    # An authorised contact for one of the imported schools.
    journey.click(page.get_by_role("link", name="Go to the organisations"))
    search = page.get_by_label("Search by name")
    search.fill("Oakfield")
    expect(page.locator("#organisation-count")).to_have_text(re.compile("1 organisation matching"))
    journey.check()
    journey.click(page.get_by_role("link", name="Oakfield Primary School (demo)"))
    page.get_by_role("tab", name="Authorised contacts").click()
    journey.check()
    journey.click(page.get_by_role("button", name="Add an authorised contact"))
    page.get_by_label("Full name").fill("Anna Baker")
    page.get_by_label("Role or job title").fill("Headteacher")
    page.get_by_label("Email address").fill("head@oakfield.example.org")
    fill_date(page, "Authorised from", "1", "9", "2026")
    journey.click(page.get_by_role("button", name="Add contact"))
    expect(page.get_by_role("alert")).to_contain_text(
        "Anna Baker has been added as an authorised contact."
    )
    expect(page.locator("#contacts")).to_contain_text("Anna Baker")

    # IG training for a member of the partnership.
    journey.click(page.get_by_role("navigation", name="Menu").get_by_role("link", name="People"))
    page.get_by_label("Name or email address").fill(practitioner.user.email.upper())
    journey.click(page.get_by_role("button", name="Search"))
    expect(page.get_by_role("status")).to_have_text("1 person matches")
    journey.click(page.get_by_role("link", name=practitioner.user.full_name))
    journey.click(page.get_by_role("button", name="Record training"))
    page.get_by_label("Course").fill("Information sharing for practitioners")
    fill_date(page, "Date completed", "14", "9", "2026")
    journey.click(page.get_by_role("button", name="Record training"))
    expect(page.get_by_role("alert")).to_contain_text("has been recorded")
    expect(page.get_by_role("table")).to_contain_text("Information sharing for practitioners")

    with activate(partnership.tenant):
        contact = AuthorisedContact.objects.get(name="Anna Baker")
        assert contact.organisation.urn == "990001"
        record = TrainingRecord.objects.get(membership=practitioner)
        assert record.recorded_by == officer
