"""New rows written through a raw cursor, for the one write every decision makes many times over
(docs/performance.md, (c)): `insert` stores new instances of one model as `bulk_create` stores
them, each value prepared by its field exactly as the ORM prepares it, in one INSERT.

`bulk_create` built and compiled its statement each time, a tenth of recording a decision. On
PostgreSQL the statement is written with the server's own placeholders ($1, $2, …) and sent by a
raw cursor (psycopg's `RawCursor`): psycopg rewrites `%s` placeholders by parsing the statement,
and caches what it parsed only for statements of at most 50 parameters, so a decision (55
columns) was parsed afresh each time, a twentieth of recording one."""

from __future__ import annotations

import re
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


def most_values() -> int:
    """The most values one statement may carry: PostgreSQL's protocol counts a statement's
    parameters in 16 bits; SQLite's limit is Django's (`max_query_params`)."""
    return connection.features.max_query_params or 65_535


def insert(objs: Sequence[Model]) -> None:
    """Insert these new, unsaved instances of one model (whose key the database assigns) in one
    statement (more when they carry more values than one statement may), and give each its key,
    as `Model.objects.bulk_create(objs)` does: each field's value is its `pre_save` (the times
    of `auto_now`) prepared by `get_db_prep_save`. No signal is sent, as bulk_create sends none.
    Related objects must be saved already."""
    if not objs:
        return
    fields, _, _ = _inserted(type(objs[0]))
    size = max(1, most_values() // len(fields))
    for first in range(0, len(objs), size):
        _insert(objs[first : first + size])


def _insert(objs: Sequence[Model]) -> None:
    fields, start, end = _inserted(type(objs[0]))
    params = [_value(field, obj) for obj in objs for field in fields]
    row = f"({placeholders(len(fields))})"
    keys = _execute(start + ", ".join([row] * len(objs)) + end, params)
    for obj, (key,) in zip(objs, keys, strict=True):
        _saved(obj, key)


def _value(field: Field, obj: Model):
    """The field's value of a new instance as the ORM would write it."""
    return field.get_db_prep_save(field.pre_save(obj, True), connection)


def _saved(obj: Model, key) -> None:
    """Leave a new instance as saving it leaves it: with its key, no longer being added."""
    obj.pk = key
    obj._state.adding = False
    obj._state.db = connection.alias


def _row(fields: tuple[Field, ...], obj: Model, params: list, link: Field | None = None) -> str:
    """One row of a VALUES list, its values appended to `params`. The `link` field (a foreign key
    to a parent inserted by the same statement) is a subquery on the parent's key instead."""
    cells = []
    for field in fields:
        if field is link:
            parent = getattr(obj, field.name)
            cells.append(f"(SELECT {quote(_pk(parent))} FROM parents WHERE {_KEY} = %s)")  # noqa: S608
            params.append(_key_value(parent))
        else:
            cells.append("%s")
            params.append(_value(field, obj))
    return f"({', '.join(cells)})"


# Each row returned is matched to its instance by the public id every model of ours makes in
# Python, so nothing depends on the order RETURNING gives.
_KEY = quote("public_id")


def _pk(obj: Model) -> str:
    return obj._meta.pk.column


def _key_value(obj: Model):
    return obj._meta.get_field("public_id").get_db_prep_value(obj.public_id, connection)


def insert_with_children(
    parents: Sequence[Model],
    children: Sequence[Model],
    *,
    link: str,
    then: tuple[str, list] | None = None,
) -> None:
    """Insert new parents and their new children (each child's `link` foreign key names its
    unsaved parent), then run `then` (one more data-modifying statement, `%s` placeholders),
    giving each row its key, as `insert(parents)`, `insert(children)` and the statement would.

    On PostgreSQL this is one statement, a WITH of data-modifying parts (the children take their
    parent's new key from the parents' part by its public id): one round trip where there were
    three, on the path every decision takes. Elsewhere, and for more values than one statement
    may carry (a batch of decisions to many recipients each), the three statements, each split
    as `insert` splits it."""
    if not parents:
        return
    parent_fields, parent_start, parent_end = _inserted(type(parents[0]))
    fields, start, end = _inserted(type(children[0])) if children else ((), "", "")
    then_params = then[1] if then else []
    values = len(parents) * len(parent_fields) + len(children) * len(fields) + len(then_params)
    if connection.vendor != "postgresql" or values > most_values():
        insert(parents)
        for child in children:
            setattr(child, link, getattr(child, link))  # The parent's new key.
        insert(children)
        if then:
            with connection.cursor() as cursor:
                cursor.execute(*then)
        return
    params: list = []
    parent_rows = ", ".join(_row(parent_fields, obj, params) for obj in parents)
    parts = [f"parents AS ({parent_start}{parent_rows}{parent_end}, {_KEY})"]
    # Identifiers only (the models' own), quoted; every value is a parameter.
    returned = [f"SELECT 0, {quote(_pk(parents[0]))}, {_KEY} FROM parents"]  # noqa: S608
    if children:
        linked = type(children[0])._meta.get_field(link)
        rows = ", ".join(_row(fields, obj, params, linked) for obj in children)
        parts.append(f"children AS ({start}{rows}{end}, {_KEY})")
        returned.append(f"SELECT 1, {quote(_pk(children[0]))}, {_KEY} FROM children")  # noqa: S608
    if then:
        parts.append(f"followed AS ({then[0]})")
        params.extend(then_params)
    sql = f"WITH {', '.join(parts)} {' UNION ALL '.join(returned)}"
    keys = {(kind, public_id): key for kind, key, public_id in _execute(sql, params)}
    for kind, objs in enumerate((parents, children)):
        for obj in objs:
            _saved(obj, keys[kind, obj.public_id])
    for child in children:
        setattr(child, link, getattr(child, link))  # The parent's new key.


def _execute(sql: str, params: list) -> list[tuple]:
    """Run a statement written with `%s` placeholders and return its rows: on PostgreSQL (queries
    not being logged) with the server's own $1, $2, … through a raw cursor, which psycopg sends
    without parsing it (the module's docstring says why)."""
    raw = _raw_cursor()
    if raw is not None:
        numbers = iter(range(1, len(params) + 1))
        sql = re.sub("%s", lambda _: f"${next(numbers)}", sql)
    with raw or connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


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
