"""Writing a seed's rows fast: primary keys reserved from each table's sequence, rows streamed
with PostgreSQL's COPY (psycopg 3 `cursor.copy()`), per-row foreign-key triggers skipped for the
seed's transaction when the role may, and every foreign key checked afterwards with one
anti-join each. Tiny seeds on SQLite fall back to INSERTs. Used by every app's `scale.py`
through `partners.scale`."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import connection, models

from partners.raw_reads import placeholders

# Table and column names in the SQL below come from the models' own metadata, quoted by the
# backend (never from input), hence the S608 exemptions.

if TYPE_CHECKING:
    from partners.models import Tenant


def reserve_ids(model: type[models.Model], count: int) -> int:
    """Reserve `count` primary keys from the model's own sequence; returns the first.

    The sequence moves past the block at once, so rows written later by the application get
    keys after it. (Nothing else writes to these tables while the seed runs.)
    """
    if count <= 0:
        return 0
    table = model._meta.db_table
    if connection.vendor != "postgresql":
        # SQLite (tiny partnerships only): keys after the largest one in the table.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            return cursor.fetchone()[0] + 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (sequence,) = cursor.fetchone()
        cursor.execute(
            "SELECT setval(%s, GREATEST((SELECT COALESCE(MAX(id), 0) FROM "  # noqa: S608
            + connection.ops.quote_name(table)
            + "), (SELECT last_value FROM "
            + sequence
            + ")) + %s)",
            [sequence, count],
        )
        (last,) = cursor.fetchone()
    return last - count + 1


# The models a seed has written to, for the foreign-key check at its end.
WRITTEN: set[type[models.Model]] = set()


def defer_row_triggers() -> bool:
    """Skip the per-row foreign-key triggers for the rest of the transaction, when the database
    role may (a superuser, as on a benchmark machine); `check_foreign_keys` then checks every
    key at once. Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, so otherwise every
    one of a million rows' keys is checked one by one at COMMIT, which takes longer than writing
    them. Only triggers are skipped: unique, check and not-null constraints hold as always, and
    the append-only triggers (which refuse only UPDATE, DELETE and TRUNCATE) stay installed.
    Returns whether it could."""
    from django.db import DatabaseError, transaction

    if connection.vendor != "postgresql":
        return False
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        return False
    return True


def check_foreign_keys(tenant: Tenant, written: Iterable[type[models.Model]]) -> int:
    """Every foreign key of the rows just written points at a row that exists: one anti-join per
    key (a hash join over the table), instead of a lookup per row. Raises on the first dangling
    key. Returns how many keys were checked."""
    checked = 0
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in written:
            tenant_column = "tenant_id" in {f.attname for f in model._meta.concrete_fields}
            for model_field in model._meta.concrete_fields:
                if not model_field.is_relation or not model_field.db_constraint:
                    continue
                target = model_field.target_field
                where = f"c.{quote(model_field.column)} IS NOT NULL"
                params: list[Any] = []
                if tenant_column:
                    where += " AND c.tenant_id = %s"
                    params.append(tenant.pk)
                cursor.execute(
                    f"SELECT c.{quote(model_field.column)} FROM {quote(model._meta.db_table)} c "  # noqa: S608
                    f"WHERE {where} AND NOT EXISTS (SELECT 1 FROM "
                    f"{quote(target.model._meta.db_table)} p WHERE p.{quote(target.column)} = "
                    f"c.{quote(model_field.column)}) LIMIT 1",
                    params,
                )
                missing = cursor.fetchone()
                if missing is not None:
                    raise ValueError(
                        f"{model._meta.label}.{model_field.name} points at a missing row "
                        f"({missing[0]}): the seed has a bug."
                    )
                checked += 1
    return checked


class Copier:
    """Streams rows of one model into its table with COPY.

    Columns not given take the field's default (computed once, or per row for `public_id`);
    `created_at`/`updated_at` default to the time the seed started. Values are plain Python
    values (date, datetime, UUID, bool, int, str, None); JSON fields take a JSON string.
    """

    def __init__(self, model: type[models.Model], columns: Sequence[str], *, now: datetime):
        self.model = model
        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.given = list(columns)
        unknown = set(self.given) - set(fields)
        if unknown:
            raise ValueError(f"{model._meta.label} has no columns {sorted(unknown)}")
        self.defaults: list[tuple[str, Any]] = []
        self.per_row_uuid = "public_id" in fields and "public_id" not in self.given
        for attname, model_field in fields.items():
            if attname in self.given or attname == "public_id" or attname == "id":
                continue
            if attname in ("created_at", "updated_at"):
                value = now
            elif model_field.has_default():
                value = model_field.get_default()
                if isinstance(value, (list, dict)):
                    value = json.dumps(value)
            elif model_field.null:
                value = None
            elif isinstance(model_field, models.CharField | models.TextField | models.FileField):
                value = ""
            else:
                raise ValueError(f"{model._meta.label}.{attname} needs a value")
            self.defaults.append((model_field.column, value))
        names = [fields[name].column for name in self.given] + [c for c, _ in self.defaults]
        if self.per_row_uuid:
            names.append("public_id")
        self.columns = names
        self.fields = [fields[name] for name in self.given] + [
            model_field
            for model_field in fields.values()
            if model_field.column in {c for c, _ in self.defaults}
        ]
        if self.per_row_uuid:
            self.fields.append(fields["public_id"])
        self.tail = tuple(value for _, value in self.defaults)
        self.count = 0

    def write(self, rows: Iterable[Sequence[Any]]) -> int:
        WRITTEN.add(self.model)
        table = connection.ops.quote_name(self.model._meta.db_table)
        column_list = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        tail = self.tail
        per_row_uuid = self.per_row_uuid
        uuid4 = uuid.uuid4
        count = 0
        if connection.vendor != "postgresql":
            return self._insert(table, column_list, rows)
        connection.ensure_connection()
        raw = connection.connection
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy,
        ):
            write_row = copy.write_row
            if per_row_uuid:
                for row in rows:
                    write_row((*row, *tail, uuid4()))
                    count += 1
            else:
                for row in rows:
                    write_row((*row, *tail))
                    count += 1
        self.count += count
        return count

    def _insert(self, table: str, column_list: str, rows: Iterable[Sequence[Any]]) -> int:
        """The same rows with INSERTs, each value prepared by its field (tiny SQLite seeds)."""
        sql = f"INSERT INTO {table} ({column_list}) VALUES ({placeholders(len(self.columns))})"  # noqa: S608
        prepared = []
        for row in rows:
            values = (*row, *self.tail, uuid.uuid4()) if self.per_row_uuid else (*row, *self.tail)
            prepared.append(
                [
                    value
                    if isinstance(value, str) and isinstance(f, models.JSONField)
                    else f.get_db_prep_save(value, connection)
                    for f, value in zip(self.fields, values, strict=True)
                ]
            )
        with connection.cursor() as cursor:
            cursor.executemany(sql, prepared)
        self.count += len(prepared)
        return len(prepared)


def copy_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    now: datetime,
) -> int:
    """COPY `rows` (tuples in the order of `columns`) into the model's table; returns the count."""
    return Copier(model, columns, now=now).write(rows)
