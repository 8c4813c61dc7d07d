"""Trigram indexes for finding a person by part of their name or email (PostgreSQL only;
partners.trigram).

`partners.selectors.people_matching` (the people list, its API and the access log) matches
anywhere in the name or the email address (`icontains`): every search read all the users and
upper-cased two columns of each, 15 ms for 10,000 people, twice a page (the count and the page).
These indexes answer it in well under a millisecond.
"""

from django.db import migrations

from partners.trigram import trigram_indexes


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [("partners", "0003_security")]

    operations = [
        trigram_indexes(
            "partners_user",
            {
                "user_full_name_trgm": "upper((full_name)::text)",
                "user_email_trgm": "upper((email)::text)",
            },
        )
    ]
