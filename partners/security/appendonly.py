"""Append-only tables: rows are inserted, never changed or removed.

Three layers refuse a change. The model refuses `save()` of a stored row and `delete()`; its
queryset refuses `update()`, `delete()` and `bulk_update()`; and the database itself refuses
UPDATE and DELETE (and on PostgreSQL TRUNCATE) by trigger, so a raw query, a database shell or
another program cannot rewrite the record either. Every refusal is an IntegrityError.

A model becomes append-only by inheriting `AppendOnlyModel`, using `AppendOnlyManager` (or
`append_only_manager(SomeManager)`) and adding `append_only_triggers("<table>")` to the migration
that creates its table. The sharing log can reuse all three.

The one exception is emptying the whole database between transactional tests (Django's
`flush`), which `flush_allowed()` lets through; tests/conftest.py wraps the test-suite flush in
it. Nothing else in the service uses it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial

from django.db import IntegrityError, migrations, models
from django.db.backends.signals import connection_created
from django.dispatch import receiver

from partners.tenancy import TenantManager, TenantQuerySet


class AppendOnlyError(IntegrityError):
    """Something tried to change or remove a row of an append-only table."""


def _refuse(model: type[models.Model], what: str):
    raise AppendOnlyError(f"{model._meta.label} is append-only: {what} is refused.")


class AppendOnlyQuerySet(TenantQuerySet):
    def update(self, **kwargs):
        _refuse(self.model, "update()")

    def delete(self):
        _refuse(self.model, "delete()")

    def bulk_update(self, objs, fields, batch_size=None):
        _refuse(self.model, "bulk_update()")

    def _raw_delete(self, using):
        _refuse(self.model, "a cascading delete")

    _raw_delete.queryset_only = True


def append_only_manager(base: type[models.Manager]) -> type[models.Manager]:
    """`base` (a manager class) over the append-only queryset."""
    return base.from_queryset(AppendOnlyQuerySet)


# Tenant-scoped, as every tenant table's manager is.
AppendOnlyManager = append_only_manager(TenantManager)


class AppendOnlyModel(models.Model):
    """A row is saved once, when it is created, and never again."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            _refuse(type(self), "saving a stored row")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse(type(self), "delete()")


# --- The database's own refusal --------------------------------------------------------------

# True only while Django empties the test database (flush_allowed()).
_flushing: ContextVar[bool] = ContextVar("sharewell_flushing", default=False)

_POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION sharewell_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE')
       AND coalesce(current_setting('sharewell.flushing', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only: % is refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END
$$;
"""


def _install(table: str, apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    quoted = schema_editor.quote_name(table)
    if vendor == "postgresql":
        # No parameters: the function's text has % signs of its own (RAISE's format).
        schema_editor.execute(_POSTGRES_FUNCTION, params=None)
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {quoted} "
            "FOR EACH ROW EXECUTE FUNCTION sharewell_refuse_change()"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only_truncate BEFORE TRUNCATE ON {quoted} "
            "FOR EACH STATEMENT EXECUTE FUNCTION sharewell_refuse_change()"
        )
    elif vendor == "sqlite":
        message = f"{table} is append-only"
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only_update BEFORE UPDATE ON {quoted} "
            f"BEGIN SELECT RAISE(ABORT, '{message}: UPDATE is refused'); END"
        )
        # sharewell_flushing() is registered on every connection (below); a client without it
        # (the sqlite3 shell) fails on the unknown function, which refuses the DELETE as well.
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only_delete BEFORE DELETE ON {quoted} "
            f"WHEN NOT sharewell_flushing() "
            f"BEGIN SELECT RAISE(ABORT, '{message}: DELETE is refused'); END"
        )
    else:
        raise NotImplementedError(f"No append-only triggers for {vendor}.")


def _remove(table: str, apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    quoted = schema_editor.quote_name(table)
    if vendor == "postgresql":
        for name in (f"{table}_append_only", f"{table}_append_only_truncate"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {quoted}")
    elif vendor == "sqlite":
        for name in (f"{table}_append_only_update", f"{table}_append_only_delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


def append_only_triggers(table: str) -> migrations.RunPython:
    """The migration operation that makes the database refuse changes to `table`."""
    return migrations.RunPython(partial(_install, table), partial(_remove, table))


@receiver(connection_created, dispatch_uid="sharewell_append_only_sqlite")
def _register_sqlite_function(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("sharewell_flushing", 0, lambda: int(_flushing.get()))


@contextmanager
def flush_allowed(connection) -> Iterator[None]:
    """Let Django's flush empty append-only tables (the test suite's teardown, nothing else)."""
    token = _flushing.set(True)
    postgres = connection.vendor == "postgresql"
    try:
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('sharewell.flushing', 'on', false)")
        yield
    finally:
        _flushing.reset(token)
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('sharewell.flushing', 'off', false)")
