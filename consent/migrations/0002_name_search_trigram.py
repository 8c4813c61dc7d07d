"""Trigram indexes for finding a child by any part of a name (PostgreSQL only; partners.trigram).

`consent.selectors.subject_search` matches each word anywhere in the first names, last name or
other names (`icontains`). Among a partnership's 100,000 children every search walked them all:
700-900 ms for a practitioner (docs/performance.md, (h)). These indexes answer it in a few
milliseconds.
"""

from django.db import migrations

from partners.trigram import trigram_indexes


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [("consent", "0001_initial")]

    operations = [
        trigram_indexes(
            "consent_datasubject",
            {
                "subject_forenames_trgm": "upper((forenames)::text)",
                "subject_surname_trgm": "upper((surname)::text)",
                "subject_aliases_trgm": "upper(aliases)",
            },
        )
    ]
