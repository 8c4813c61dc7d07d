"""New rows written through a raw cursor, for the one write every decision makes many times over
(docs/performance.md, (c)): `insert` stores new instances of one model as `bulk_create` stores
them, each value prepared by its field exactly as the ORM prepares it, in one INSERT.

`bulk_create` built and compiled its statement each time, a tenth of recording a decision. On
PostgreSQL the statement is written with the server's own placeholders ($1, $2, …) and sent by a
raw cursor (psycopg's `RawCursor`): psycopg rewrites `%s` placeholders by parsing the statement,
and caches what it parsed only for statements of at most 50 parameters, so a decision (55
columns) was parsed afresh each time, a twentieth of recording one."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import psycopg
from django.db import connection
from django.db.models import AutoField, Field, Model

from partners.raw_reads import placeholders, quote


@cache
def _inserted(model: type[Model]) -> tuple[tuple[Field, ...], str, str]:
    """The fields an INSERT gives (every concrete column but the key the database assigns), the
    statement's start, and its end (the key returned)."""
    meta = model._meta
    fields = tuple(
        field
        for field in meta.concrete_fields
        if not field.generated and not isinstance(field, AutoField)
    )
    start = (
        f"INSERT INTO {quote(meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(field.column) for field in fields)}) VALUES "
    )
    return fields, start, f" RETURNING {quote(meta.pk.column)}"


def insert(objs: Sequence[Model]) -> None:
    """Insert these new, unsaved instances of one model (whose key the database assigns) in one
    statement, and give each its key, as `Model.objects.bulk_create(objs)` does: each field's
    value is its `pre_save` (the times of `auto_now`) prepared by `get_db_prep_save`. No signal
    is sent, as bulk_create sends none. Related objects must be saved already."""
    if not objs:
        return
    fields, start, end = _inserted(type(objs[0]))
    params = [
        field.get_db_prep_save(field.pre_save(obj, True), connection)
        for obj in objs
        for field in fields
    ]
    raw = _raw_cursor()
    width = len(fields)
    if raw is None:
        rows = [f"({placeholders(width)})"] * len(objs)
    else:
        rows = [
            f"({', '.join(f'${first + i}' for i in range(width))})"
            for first in range(1, len(params), width)
        ]
    with raw or connection.cursor() as cursor:
        cursor.execute(start + ", ".join(rows) + end, params)
        keys = cursor.fetchall()
    for obj, (key,) in zip(objs, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = connection.alias


def _raw_cursor():
    """A cursor that sends statements with PostgreSQL's own placeholders as they are, wrapped as
    Django wraps its cursors (errors become django.db's), or None where `%s` is the form: on
    SQLite, and while queries are being logged (tests counting them, DEBUG), since Django
    renders a logged statement by filling in `%s`."""
    if connection.vendor != "postgresql" or connection.queries_logged:
        return None
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection.make_cursor(psycopg.RawCursor(connection.connection))
