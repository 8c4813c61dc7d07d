"""Django's flush (emptying the test database after a transactional test) through the
append-only triggers, which refuse DELETE (SQLite) and TRUNCATE (PostgreSQL) otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.backends.base.operations import BaseDatabaseOperations

from partners.security.appendonly import flush_allowed


@contextmanager
def allow_the_test_flush() -> Iterator[None]:
    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with flush_allowed(self.connection):
            return original(self, sql_list)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush
    try:
        yield
    finally:
        BaseDatabaseOperations.execute_sql_flush = original
