"""Trigram indexes for finding a child by any part of a name (PostgreSQL only).

`consent.selectors.subject_search` matches each word anywhere in the first names, last name or
other names (`icontains`, which PostgreSQL runs as `UPPER(column) LIKE UPPER('%word%')`). A
B-tree cannot serve a pattern with a leading wildcard, so among a partnership's 100,000 children
every search walked them all: 700-900 ms for a practitioner (docs/performance.md, (h)). These
GIN indexes over the same expressions answer it in a few milliseconds.

They are not declared in DataSubject.Meta because SQLite (the no-services default) has neither
GIN nor pg_trgm; on SQLite this migration does nothing. pg_trgm is a trusted extension
(PostgreSQL 13 and later), so a role that may create objects in the database may install it.
The indexes are built CONCURRENTLY, so a large partnership keeps recording while they build.
"""

from django.db import migrations

COLUMNS = {
    "subject_forenames_trgm": "upper((forenames)::text)",
    "subject_surname_trgm": "upper((surname)::text)",
    "subject_aliases_trgm": "upper(aliases)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in COLUMNS.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} "
            f"ON consent_datasubject USING gin ({expression} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in COLUMNS:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [("consent", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
