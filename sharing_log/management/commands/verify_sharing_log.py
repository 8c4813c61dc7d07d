"""Verify the sharing log's hash chain of one partnership, or of every one.

    python manage.py verify_sharing_log [--tenant <slug>]

Prints one line per partnership; exits 1 when any chain is broken, naming its first broken link
(sequence and decision id). Runs in constant memory over a million decisions.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from partners.models import Tenant
from sharing_log.verification import chain_verify


class Command(BaseCommand):
    help = "Verify the sharing decision log's hash chain (each tenant, or one with --tenant)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--tenant", help="The partnership's slug (default: every one).")

    def handle(self, *args, tenant: str | None = None, **options) -> None:
        tenants = Tenant.objects.order_by("slug")
        if tenant:
            tenants = tenants.filter(slug=tenant)
            if not tenants.exists():
                raise CommandError(f"No partnership with the slug {tenant!r}.")
        broken = 0
        for each in tenants.iterator():
            report = chain_verify(tenant=each)
            if report.ok:
                self.stdout.write(self.style.SUCCESS(str(report)))
            else:
                broken += 1
                self.stderr.write(self.style.ERROR(str(report)))
        if broken:
            raise CommandError(f"{broken} broken chain(s).", returncode=1)
