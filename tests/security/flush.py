"""Django's flush (emptying the test database after a transactional test) through the
append-only triggers, which refuse DELETE (SQLite) and TRUNCATE (PostgreSQL) otherwise; and the
reference rows a data migration wrote (the shared legal bases) put back afterwards, as the tests
that follow on the same database expect them as a migrated database has them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.backends.base.operations import BaseDatabaseOperations

from partners.security.appendonly import flush_allowed


def _restore_reference_rows() -> None:
    from agreements.models import LegalBasis
    from agreements.reference import legal_bases_sync

    legal_bases_sync(LegalBasis)


@contextmanager
def allow_the_test_flush() -> Iterator[None]:
    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with flush_allowed(self.connection):
            original(self, sql_list)
        _restore_reference_rows()

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush
    try:
        yield
    finally:
        BaseDatabaseOperations.execute_sql_flush = original
