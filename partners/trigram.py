"""Trigram indexes for finding rows by any part of a text column (PostgreSQL only).

`icontains` runs on PostgreSQL as `UPPER(column) LIKE UPPER('%text%')`, which no B-tree can
serve; a GIN index over the same expression with pg_trgm's operator class can. SQLite (the
no-services default) has neither GIN nor pg_trgm, so the indexes are made by a migration that
does nothing there, not declared in a model's Meta. pg_trgm is a trusted extension (PostgreSQL
13 and later): a role that may create objects in the database may install it. The indexes are
built CONCURRENTLY, so a large partnership keeps working while they build; the migration that
uses this must say `atomic = False`.
"""

from __future__ import annotations

from django.db import migrations


def trigram_indexes(table: str, indexes: dict[str, str]) -> migrations.RunPython:
    """The operation that builds (and, reversed, drops) each index name → SQL expression."""

    def create(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, expression in indexes.items():
            schema_editor.execute(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} "
                f"ON {table} USING gin ({expression} gin_trgm_ops)"
            )

    def drop(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for name in indexes:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")

    return migrations.RunPython(create, drop, elidable=False)
