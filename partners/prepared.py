"""Prepared statements for the write path of the sharing log (docs/performance.md, (c)).

PostgreSQL plans a statement each time it runs it, unless the statement is prepared: then,
after five runs, it may keep one generic plan for every value. For a decision's fifteen short
statements (each finds rows by a key) planning was over half of PostgreSQL's time, and one plan
serves every value. For a list page it is not so: a generic plan for "this partnership's
notifications" or "the dashboard's counts" cannot know how many rows a value matches, and on
the seeded partnership those pages took three to four times the CPU with generic plans.

So the application's connections send values apart from the SQL (server-side binding,
config/settings/base.py) but prepare nothing, except inside `prepared_statements()`: the views
that record decisions run inside it, and there psycopg prepares a statement the third time the
connection runs it. A statement prepared there runs unprepared, planned afresh, everywhere else.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.db import connection

# How often a connection runs a statement before it prepares it (on its next run).
PREPARE_AFTER = 2


@contextmanager
def prepared_statements() -> Iterator[None]:
    """Inside the block, the connection prepares a statement it has run PREPARE_AFTER times
    (PostgreSQL only; nothing where DATABASE_PREPARED_STATEMENTS is off)."""
    if connection.vendor != "postgresql" or not settings.SHAREWELL_PREPARED_STATEMENTS:
        yield
        return
    connection.ensure_connection()
    psycopg_connection = connection.connection
    before = psycopg_connection.prepare_threshold
    psycopg_connection.prepare_threshold = PREPARE_AFTER
    try:
        yield
    finally:
        psycopg_connection.prepare_threshold = before


def with_prepared_statements(view):
    """A view method run inside `prepared_statements()`."""

    @wraps(view)
    def prepared(*args, **kwargs):
        with prepared_statements():
            return view(*args, **kwargs)

    return prepared
