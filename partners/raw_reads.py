"""Reads through a raw cursor that give what the ORM would, for the few reads every request or
every row of a page makes, where building and compiling a queryset costs more than running it
(docs/performance.md, (a) and (c)).

The SQL is written by each caller from its models' metadata (a field added to a model is read
without a change there); no value from outside goes in it, only names from the models, quoted,
with every value a parameter. Each value goes through the converters the ORM would apply, so a
row is what `values()` gives on PostgreSQL and SQLite alike, and `instance` makes a model
instance of one model's columns exactly as a queryset would.

A read is described by its columns: (key in the row, SQL, the field whose converters its value
goes through).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Field, Model

from partners.tenancy import get_active_tenant

Column = tuple[str, str, Field]
Converter = Callable[[Any, Any, Any], Any]


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def placeholders(count: int) -> str:
    """`count` parameters for a raw statement's list of values (`IN (...)`, a row of an INSERT)."""
    return ", ".join(["%s"] * count)


def column(model: type[Model], name: str, alias: str = "") -> str:
    """The quoted column of `model`'s field `name`, as `alias.column` when an alias is given."""
    quoted = quote(model._meta.get_field(name).column)
    return f"{alias}.{quoted}" if alias else quoted


def model_columns(model: type[Model], alias: str) -> tuple[Column, ...]:
    """Every concrete column of `model`, in the order `Model.from_db` takes them, from the
    table aliased `alias`."""
    return tuple(
        (f"{alias}.{field.attname}", f"{alias}.{quote(field.column)}", field)
        for field in model._meta.concrete_fields
    )


def _converters(columns: tuple[Column, ...]) -> list[tuple[int, list]]:
    """For each column that needs any, the converters the ORM applies to a value of its field:
    the backend's (SQLite's text as datetimes, UUIDs, booleans), then the field's own
    (`from_db_value`: JSON decoded)."""
    found = []
    for index, (_, _, field) in enumerate(columns):
        col = field.get_col(field.model._meta.db_table)
        chain = [*connection.ops.get_db_converters(col), *col.get_db_converters(connection)]
        if chain:
            found.append((index, [(converter, col) for converter in chain]))
    return found


@cache
def _timestamptz_loader() -> tuple[int, type]:
    from psycopg import adapters, pq
    from psycopg.postgres import types

    oid = types["timestamptz"].oid
    return oid, adapters.get_loader(oid, pq.Format.TEXT)


def _read_times_natively(cursor) -> None:
    """On PostgreSQL, times are read by psycopg's own loader (compiled, with psycopg's C
    speedups) rather than Django's, a Python subclass that parses each value in Python only to
    set its time zone to the connection's: a page of the log has some 170 times, ~0.6 ms of its
    CPU. Django sets the session's time zone to the connection's (UTC), so the values are the
    same instants, in UTC, either way. Only this cursor's loader changes: Django's own cursors
    read `.timezone` from theirs."""
    if connection.vendor == "postgresql":
        oid, loader = _timestamptz_loader()
        cursor.cursor.adapters.register_loader(oid, loader)


# The converters of each columns tuple in use, by its identity: every caller makes its tuple
# once (cached) and passes the same one on each read, and finding them by equality hashed every
# field of every column on every read (a fiftieth of recording a decision). Each entry holds
# its tuple, so its id cannot be taken by another while it is here.
_CONVERTERS_BY_ID: dict[int, tuple[tuple[Column, ...], list[tuple[int, list]]]] = {}


def _converters_of(columns: tuple[Column, ...]) -> list[tuple[int, list]]:
    known = _CONVERTERS_BY_ID.get(id(columns))
    if known is None or known[0] is not columns:
        if len(_CONVERTERS_BY_ID) >= 1024:  # a caller making its tuple afresh on each read
            _CONVERTERS_BY_ID.clear()
        known = _CONVERTERS_BY_ID[id(columns)] = (columns, _converters(columns))
    return known[1]


def read(sql: str, columns: tuple[Column, ...], params: Sequence) -> list[list]:
    """The rows of `sql` (which selects `columns`, in order), each value converted as the ORM
    would convert it."""
    with connection.cursor() as cursor:
        _read_times_natively(cursor)
        cursor.execute(sql, params)
        rows = [list(row) for row in cursor.fetchall()]
    converting = _converters_of(columns)
    for row in rows:
        for index, chain in converting:
            value = row[index]
            for converter, col in chain:
                value = converter(value, col, connection)
            row[index] = value
    return rows


def instance(model: type[Model], values: Sequence) -> Model:
    """A `model` instance from the values of its `model_columns`, as a queryset makes it (saved,
    of this database)."""
    return model.from_db(connection.alias, None, values)


def instances(models: Sequence[type[Model]], values: Sequence) -> list[Model]:
    """An instance of each model from a row of their `model_columns` one after another (a
    statement that joins them, as `select_related` reads them)."""
    made = []
    for model in models:
        width = len(model._meta.concrete_fields)
        made.append(instance(model, values[:width]))
        values = values[width:]
    return made


def prefetched(obj: Model, name: str, related: list[Model]) -> None:
    """Leave `related` as what `prefetch_related(name)` would have read for `obj` (a reverse
    foreign key): `obj.<name>.all()` answers from it without a query. Django keeps a prefetched
    relation as the relation's queryset with its results in hand, under the relation's name;
    this keeps it the same way, from the relation's plain queryset: the model's default
    manager (a tenant's, for most) would add a filter to a queryset that is never run, and
    building it was a fiftieth of recording a decision."""
    manager = getattr(obj, name)
    queryset = manager._apply_rel_filters(manager.model._base_manager.get_queryset())
    queryset._result_cache = related
    queryset._prefetch_done = True
    if not hasattr(obj, "_prefetched_objects_cache"):
        obj._prefetched_objects_cache = {}
    obj._prefetched_objects_cache[name] = queryset


@cache
def _by_public_id(model: type[Model], fields: tuple[str, ...]) -> tuple[str, tuple[Column, ...]]:
    wanted = set(fields)
    columns = tuple(column for column in model_columns(model, "r") if column[2].name in wanted)
    sql = (
        f"SELECT {', '.join(sql for _, sql, _ in columns)} "  # noqa: S608
        f"FROM {quote(model._meta.db_table)} r "
        f"WHERE r.{quote('tenant_id')} = %s AND r.{quote('public_id')} = %s"
    )
    return sql, columns


def by_public_id(model: type[Model], public_id, fields: tuple[str, ...] = ("id",)) -> Model | None:
    """The active partnership's `model` row with this public id, with only `fields` read (the
    rest deferred, as `only()` leaves them), or None, as for an id that is not a UUID. For the
    lookups a request makes before its real work (a filter's organisation, a page's cursor),
    where building the queryset cost four times what running it does."""
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        return None
    sql, columns = _by_public_id(model, fields)
    key = model._meta.get_field("public_id").get_db_prep_value(public_id, connection)
    rows = read(sql, columns, [get_active_tenant().pk, key])
    if not rows:
        return None
    return model.from_db(connection.alias, [field.attname for _, _, field in columns], rows[0])


@cache
def _rows_in_read(
    model: type[Model], names: tuple[str, ...], by: str, order: tuple[str, ...]
) -> tuple[str, tuple[Column, ...], list[str]]:
    wanted = {"id", *names}
    columns = tuple(found for found in model_columns(model, "t") if found[2].name in wanted)
    ordering = ", ".join(
        f"{column(model, name.lstrip('-'), 't')}{' DESC' if name.startswith('-') else ''}"
        for name in order
    )
    sql = (
        f"SELECT {', '.join(sql for _, sql, _ in columns)} "  # noqa: S608
        f"FROM {quote(model._meta.db_table)} t "
        f"WHERE {column(model, by, 't')} IN ({{}}) ORDER BY {ordering}"
    )
    return sql, columns, [field.attname for _, _, field in columns]


def rows_in(
    model: type[Model], names: Sequence[str], by: str, values: list, order=("id",)
) -> list[Model]:
    """`model`'s rows whose `by` (a field, a foreign key by its key) is one of `values`, in
    `order` ("-name" descending), as `filter(<by>__in=values).only(*names).order_by(*order)`
    gives them: instances with only their key and `names` read. No partnership condition of its
    own: `values` are keys of rows already read within one (a child's, their consents')."""
    sql, columns, attnames = _rows_in_read(model, tuple(names), by, tuple(order))
    rows = read(sql.format(placeholders(len(values))), columns, values)
    return [model.from_db(connection.alias, attnames, row) for row in rows]


def _is_tenant_scoped(model: type[Model]) -> bool:
    return any(field.name == "tenant" for field in model._meta.concrete_fields)


@cache
def _values_read(
    model: type[Model], name: str, conditions: tuple[str, ...]
) -> tuple[str, tuple[Column, ...], tuple[Field, ...]]:
    meta = model._meta
    field = meta.get_field(name)
    compared = tuple(meta.get_field(condition) for condition in conditions)
    if _is_tenant_scoped(model):
        compared = (meta.get_field("tenant"), *compared)
    where = " AND ".join(f"r.{quote(other.column)} = %s" for other in compared)
    sql = f"SELECT r.{quote(field.column)} FROM {quote(meta.db_table)} r WHERE {where}"  # noqa: S608
    return sql, ((name, f"r.{quote(field.column)}", field),), compared


def column_values(model: type[Model], name: str, **equal) -> list:
    """The `name` field's value of each `model` row whose fields equal `equal` (a relation by
    its key), of the active partnership's rows when the model belongs to one, as its
    tenant-scoped manager reads them. For the keys a request looks up before its real work
    (the member's grants, the organisations they approve for)."""
    conditions = tuple(sorted(equal))
    sql, columns, compared = _values_read(model, name, conditions)
    values = [equal[condition] for condition in conditions]
    if len(compared) > len(conditions):
        values.insert(0, get_active_tenant().pk)
    params = [
        field.get_db_prep_value(value, connection)
        for field, value in zip(compared, values, strict=True)
    ]
    return [row[0] for row in read(sql, columns, params)]
