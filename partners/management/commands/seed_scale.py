"""`python manage.py seed_scale --tenant NAME`: a partnership at full scale, for benchmarks."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from partners.scale import SQLITE_LIMITS, ScaleOptions, seed_scale

DEFAULTS = ScaleOptions(tenant="")


class Command(BaseCommand):
    help = (
        "Build a partnership of the size DESIGN.md plans for (1,000 organisations, 10,000 users, "
        "100,000 children and consents, 500 agreements, 2,000 breaches, 1,000,000 sharing "
        "decisions) in PostgreSQL, with COPY. Run it again with another --tenant (or with "
        "--second) to add a second partnership of the same size."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--tenant", default="Scale partnership", help="the partnership's name")
        parser.add_argument(
            "--second",
            action="store_true",
            help='add another partnership of the same size, named "<tenant> 2" (or 3, …)',
        )
        for name in (
            "organisations",
            "users",
            "children",
            "consents",
            "agreements",
            "breaches",
            "decisions",
        ):
            parser.add_argument(f"--{name}", type=int, default=getattr(DEFAULTS, name))
        parser.add_argument("--seed", type=int, default=DEFAULTS.seed, help="random seed")

    def handle(self, *args, **options) -> None:
        from partners.models import Tenant

        if connection.vendor != "postgresql":
            too_big = [
                f"--{name} {options[name]:,}"
                for name, limit in SQLITE_LIMITS.items()
                if options[name] > limit
            ]
            if connection.vendor != "sqlite" or too_big:
                raise CommandError(
                    "seed_scale streams rows with PostgreSQL's COPY: point DATABASE_URL at a "
                    f"PostgreSQL database. On {connection.vendor} it only builds a tiny "
                    f"partnership (at most {SQLITE_LIMITS}); {', '.join(too_big)} is too many."
                )
        name = options["tenant"]
        if options["second"]:
            number = 2
            while Tenant.objects.filter(name=f"{name} {number}").exists():
                number += 1
            name = f"{name} {number}"
        scale = ScaleOptions(
            tenant=name,
            seed=options["seed"],
            **{key: options[key] for key in (
                "organisations", "users", "children", "consents", "agreements", "breaches",
                "decisions",
            )},
        )  # fmt: skip
        try:
            ctx = seed_scale(scale, log=self.stdout.write)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write("")
        for label, count, seconds in ctx.timings:
            self.stdout.write(f"{label:<45} {count:>12,} rows {seconds:>8.1f} s")
        self.stdout.write(self.style.SUCCESS(f"Built {ctx.tenant.name} ({ctx.tenant.slug})."))
