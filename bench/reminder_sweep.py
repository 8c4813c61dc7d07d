"""One reminder sweep over one partnership, in a fresh process so that its peak memory is its own.

    .venv/bin/python bench/reminder_sweep.py SLUG [--by-source]

Runs `notifications.services.reminders_sweep(now=...)` with the partnership active, as the
scheduled job does for each partnership, and prints one JSON line: seconds, peak RSS in MB, and
the reminders sent and failed. bench/run.py runs it twice; the second run must send nothing.
With --by-source it sends nothing: it times each registered source's own query (what it yields
and how long that takes), to show where a slow sweep spends its time.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness

harness.setup()

from django.utils import timezone  # noqa: E402

from notifications.reminders import reminder_sources  # noqa: E402
from notifications.services import reminders_sweep  # noqa: E402
from partners.tenancy import activate  # noqa: E402


def by_source(tenant) -> None:
    now = timezone.now()
    with activate(tenant):
        for source in reminder_sources():
            started = time.perf_counter()
            due = sum(1 for _ in source.function(tenant=tenant, until=now + source.lead))
            print(f"{source.name:<32} {due:>7} due  {time.perf_counter() - started:8.2f} s")


def main() -> None:
    tenant = harness.tenant(sys.argv[1])
    if "--by-source" in sys.argv[2:]:
        return by_source(tenant)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with activate(tenant):
        report = reminders_sweep(now=timezone.now())
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_rss_mb": peak / 1024,
                "rss_at_start_mb": before / 1024,
                "sent": report.sent,
                "failed": report.failed,
            }
        )
    )


if __name__ == "__main__":
    main()
