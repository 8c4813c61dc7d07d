"""`python manage.py seed_demo`: build (or bring up to date) the demo partnerships."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from partners.demo import DEMO_PASSWORD, demo_partnership_seed


class Command(BaseCommand):
    help = (
        "Create the demo partnerships (Kent & Medway, and Haringey for switching) with one "
        "user per role. Safe to run again: it finds existing rows and adds no duplicates."
    )

    def handle(self, *args, **options) -> None:
        # Demo accounts share a published password, so they must never exist in production.
        if not settings.SHAREWELL_DEMO_ALLOWED:
            raise CommandError(
                "seed_demo is disabled on this machine (SHAREWELL_DEMO_ALLOWED is False, as in "
                "production): the demo accounts have a published password."
            )
        seed = demo_partnership_seed()

        for demo in seed.partnerships.values():
            self.stdout.write(
                self.style.SUCCESS(demo.tenant.name)
                + f" ({demo.tenant.slug}): {len(demo.organisations)} organisations, "
                f"{len(demo.members)} demo members"
            )
            for membership in demo.members.values():
                self.stdout.write(
                    f"  {membership.user.email:<36} {membership.get_role_display()}, "
                    f"{membership.organisation.name}"
                )
        changes = ", ".join(f"{label}: {count}" for label, count in sorted(seed.changes.items()))
        self.stdout.write(f"Rows written: {changes or 'none (already up to date)'}.")
        self.stdout.write(f"Every demo user's password is {DEMO_PASSWORD}")
