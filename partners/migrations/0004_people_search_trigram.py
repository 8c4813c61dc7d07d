"""Trigram indexes for finding a person by part of their name or email (PostgreSQL only).

`partners.selectors.people_matching` (the people list, its API and the access log) matches
anywhere in the name or the email address (`icontains`: `UPPER(column) LIKE UPPER('%text%')`),
which no B-tree serves: every search read all the users and upper-cased two columns of each,
15 ms for 10,000 people, twice a page (the count and the page). These GIN indexes over the same
expressions answer it in well under a millisecond. As for the children's names
(consent/migrations/0002_name_search_trigram.py): not in the model's Meta because SQLite has no
GIN, nothing on SQLite, built CONCURRENTLY.
"""

from django.db import migrations

COLUMNS = {
    "user_full_name_trgm": "upper((full_name)::text)",
    "user_email_trgm": "upper((email)::text)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in COLUMNS.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} "
            f"ON partners_user USING gin ({expression} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in COLUMNS:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [("partners", "0003_security")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
