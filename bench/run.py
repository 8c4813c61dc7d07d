"""The issue 9 benchmarks, against a partnership built by `manage.py seed_scale`.

    DATABASE_URL=postgres://…/sharewell_scale .venv/bin/python bench/run.py TARGET [options]

TARGET is one of:
  list        (a) the sharing log: API and pages, first page and page 1,000 by keyset, filtered
              by child, by recipient and by date range; each beside its floor; page 1,000 beside
              the COUNT(*) + OFFSET way
  child       (b) a child's record page (a child with 50 decisions and 10 consents)
  decide      (c) logging decisions through the API: latency, then sustained throughput, then
              verify_sharing_log over the whole chain
  agreements  (d) the agreement register
  breaches    (e) the breach register
  reminders   (f) the reminder sweep over the whole partnership, twice (time, peak memory; the
              second run must send nothing)
  pdf         (g) the agreement PDF and the consent form PDF, over HTTP
  pages       (h) the other list pages at full scale: the dashboard, the organisation
              directory and the people list (first and last page, a search), finding a child
              by name among 100,000, consents due for review, the override queue, inaccuracy
              notices, the notifications inbox and the access log
  explain     EXPLAIN (ANALYZE, BUFFERS) of the statements recorded for each floor, into
              var/bench/explain/
  all         every one of them, in that order

Options: --tenant SLUG (scale-partnership), --requests N (200 per measurement), --concurrency C
(2 client threads), --depth P (page 1,000), --sustained N (2,000 decisions), --no-verify,
--only TEXT (of the reads, only those whose label contains TEXT).

gunicorn runs with two workers on a free port (config.settings.bench); requests come from
`--concurrency` client threads (2 by default, one per worker). Figures are printed and appended to
var/bench/results.jsonl; docs/performance.md keeps the latest ones beside the targets.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness
from bench.harness import (
    Server,
    measure,
    record_floor,
    report,
    sign_in,
    with_floor,
)
from bench.stats import machine_speed_line

harness.setup()

from bench.log_targets import LogTargets  # noqa: E402
from bench.page_targets import PageTargets  # noqa: E402
from partners.tenancy import activate  # noqa: E402


class Bench(LogTargets, PageTargets):
    """The seeded partnership's people and objects, and one read measured beside its floor; the
    targets themselves are the mixins' target_* methods."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.tenant = harness.tenant(args.tenant)
        self.server: Server | None = None
        self._people: dict[str, harness.Identity] = {}

    @property
    def port(self) -> int:
        if self.server is None:
            raise RuntimeError("gunicorn is not running")
        return self.server.port

    # --- people and objects of the seeded partnership ---------------------------------------

    def person(self, role: str, **filters) -> harness.Identity:
        """A member in `role` (the first by id, so the same person each run)."""
        from partners.models import Membership

        key = role + repr(sorted(filters.items()))
        if key not in self._people:
            with activate(self.tenant):
                membership = (
                    Membership.objects.select_related("user", "organisation")
                    .filter(role=role, is_active=True, **filters)
                    .order_by("pk")
                    .first()
                )
            if membership is None:
                raise SystemExit(f"No {role} in {self.tenant.slug} with {filters}.")
            self._people[key] = sign_in(membership)
        return self._people[key]

    def busy_child(self):
        """The partnership's first child: seed_scale gives the first twenty children 50
        decisions and 10 consents each (consent/scale.py BUSY_CHILDREN)."""
        from consent.models import DataSubject

        with activate(self.tenant):
            return DataSubject.objects.order_by("pk").first()

    def practitioner_for(self, subject) -> harness.Identity:
        """A practitioner of an organisation involved with the child (need-to-know)."""
        from consent.models import DataSubjectGroupObjectPermission
        from partners.models import Membership

        with activate(self.tenant):
            organisations = DataSubjectGroupObjectPermission.objects.filter(
                content_object=subject
            ).values("group__sharewell_organisation__organisation_id")
            membership = (
                Membership.objects.filter(
                    role="practitioner", is_active=True, organisation_id__in=organisations
                )
                .order_by("pk")
                .first()
            )
        if membership is None:
            raise SystemExit("No practitioner of an organisation involved with the busy child.")
        key = f"practitioner-of-{membership.pk}"
        if key not in self._people:
            self._people[key] = sign_in(membership)
        return self._people[key]

    def busiest_recipient(self):
        """The organisation that received most decisions: the deepest recipient filter."""
        from partners.models import Organisation
        from sharing_log.models import DecisionRecipient

        with activate(self.tenant):
            row = (
                DecisionRecipient.objects.filter(organisation__isnull=False)
                .values("organisation_id")
                .order_by()
                .annotate(n=__import__("django.db.models", fromlist=["Count"]).Count("id"))
                .order_by("-n")
                .first()
            )
            return Organisation.objects.get(pk=row["organisation_id"]), row["n"]

    # --- measuring one read, with its floor --------------------------------------------------

    def wanted(self, label: str) -> bool:
        """Whether `--only` leaves this read in (the /healthz baseline always is)."""
        return not self.args.only or self.args.only in label or label.startswith("baseline")

    def read(self, label: str, path: str, headers: dict[str, str], *, floor: str | None = None):
        args = self.args
        if not self.wanted(label):
            return None
        result = measure(
            label,
            self.server,
            lambda i: ("GET", path, headers, None),
            requests=args.requests,
            concurrency=args.concurrency,
        )
        floor_result = None
        if floor:
            record_floor(floor, path, headers)
            floor_result = with_floor(result, self.server, floor, requests=args.requests)
        report(result)
        if floor_result:
            report(floor_result)
        return result


TARGETS = (
    "list",
    "child",
    "decide",
    "agreements",
    "breaches",
    "reminders",
    "pdf",
    "pages",
    "explain",
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("target", choices=(*TARGETS, "all"))
    parser.add_argument(
        "--tenant", default="scale-partnership", help="the seeded partnership's slug"
    )
    parser.add_argument("--requests", type=int, default=200, help="requests per measurement")
    parser.add_argument("--concurrency", type=int, default=2, help="client threads")
    parser.add_argument("--depth", type=int, default=1000, help="the deep page to measure")
    parser.add_argument(
        "--sustained", type=int, default=2000, help="decisions in the sustained run"
    )
    parser.add_argument(
        "--batch", type=int, default=50, help="decisions per batch in the batched run"
    )
    parser.add_argument(
        "--no-verify", action="store_true", help="skip verify_sharing_log after logging decisions"
    )
    parser.add_argument(
        "--only", default="", help="of the reads, measure only those whose label contains this"
    )
    args = parser.parse_args()
    bench = Bench(args)
    targets = TARGETS if args.target == "all" else (args.target,)
    needs_server = set(targets) - {"reminders", "explain"}
    print(f"# {time.strftime('%Y-%m-%d %H:%M')} {bench.tenant.slug}, targets: {', '.join(targets)}")
    print(machine_speed_line(), flush=True)
    if needs_server:
        with Server() as server:
            bench.server = server
            bench.read("baseline: /healthz (SELECT 1)", "/healthz", {})
            for target in targets:
                getattr(bench, f"target_{target}")()
    else:
        for target in targets:
            getattr(bench, f"target_{target}")()
    print(machine_speed_line())


if __name__ == "__main__":
    main()
