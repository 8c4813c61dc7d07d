"""New rows written through a raw cursor, for the one write every decision makes many times over
(docs/performance.md, (c)): `insert` stores new instances of one model as `bulk_create` stores
them, each value prepared by its field exactly as the ORM prepares it, in one INSERT.

`bulk_create` built and compiled its statement each time, a tenth of recording a decision."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django.db import connection
from django.db.models import AutoField, Field, Model

from partners.raw_reads import quote


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
    row = f"({', '.join(['%s'] * len(fields))})"
    params = [
        field.get_db_prep_save(field.pre_save(obj, True), connection)
        for obj in objs
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(start + ", ".join([row] * len(objs)) + end, params)
        keys = cursor.fetchall()
    for obj, (key,) in zip(objs, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = connection.alias
