"""Instructions the application's Python spends per request on one API line, counted by callgrind.

    DATABASE_URL=postgres://…/sharewell_scale .venv/bin/python bench/instructions.py LINE [options]

LINE is one of the API log's lines of `bench/run.py list` (first, deep, child, organisation,
recipient, recipient-deep, dates, dates-deep), `decide` (recording a decision, POST), or `page
PATH [--as ROLE]` (an HTML page, signed in as the seeded partnership's first member in ROLE,
ig_officer by default, or as `child-practitioner`, the practitioner of `bench/run.py child`).

The HTTP benchmarks measure time, which on a shared two-core machine moves by a third from one
run to the next; an instruction count does not (the same to within half a percent, whatever else
the machine is doing). So a change to the Python a request runs is judged here in one run of
each side, where the HTTP figures need several alternating rounds. It counts the web process
only (the Django test client through the whole middleware, in-process): PostgreSQL's work is
not in it, and the floor (`--floor`, the line's recorded SQL through a raw cursor) is counted the
same way, so the two give the Python-only ratio.

The script runs itself again under `valgrind --tool=callgrind --instr-atstart=no` and counts only
the measured requests (callgrind_control turns counting on around them, after three unmeasured
ones). Options: --requests N (5), --floor, --profile (no callgrind: cProfile over the measured
requests, the functions that cost most, to find what to count next).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNDER = "BENCH_UNDER_CALLGRIND"
LINES = (
    "first",
    "deep",
    "child",
    "organisation",
    "recipient",
    "recipient-deep",
    "dates",
    "dates-deep",
    "decide",
)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("line", choices=(*LINES, "page"))
    parser.add_argument("path", nargs="?", help="with `page`: the page's path, e.g. /people/")
    parser.add_argument(
        "--as",
        dest="role",
        default="ig_officer",
        help="with `page`: whose page (a role, or child-practitioner)",
    )
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--floor", action="store_true", help="count the line's floor instead")
    parser.add_argument("--tenant", default="scale-partnership")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the requests instead of counting"
    )
    return parser.parse_args()


def count(args: argparse.Namespace) -> None:
    """Run this script under callgrind and print the instructions per measured request."""
    out = ROOT / "var" / "bench" / f"callgrind.{os.getpid()}.out"
    out.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(  # noqa: S603
        [
            shutil.which("valgrind") or "/usr/bin/valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={out}",
            sys.executable,
            *sys.argv,
        ],
        env={**os.environ, UNDER: "1", "PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
    )
    out.unlink(missing_ok=True)
    collected = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode or not collected:
        raise SystemExit(done.stderr[-2000:])
    what = "floor" if args.floor else "application"
    per_request = int(collected.group(1)) / args.requests / 1e6
    line = f"page {args.path} as {args.role}" if args.line == "page" else args.line
    print(f"{line} ({what}): {per_request:.2f} M instructions per request")


def expect(response, status: int) -> None:
    if response.status_code != status:
        raise RuntimeError(f"{response.status_code}: {response.content[:300]!r}")


def measured(args: argparse.Namespace):
    """The request to count, as a function: set up before counting starts."""
    sys.path.insert(0, str(ROOT))
    from django.test import Client
    from django.utils import timezone

    from bench import harness
    from bench import run as bench_run

    bench = bench_run.Bench(argparse.Namespace(tenant=args.tenant))
    api = harness.route(("decision-list", "sharing_log:decision-list"))
    client = Client(HTTP_HOST="127.0.0.1")
    if args.line == "page":
        # "child-practitioner": the practitioner bench/run.py child signs in as.
        who = (
            bench.practitioner_for(bench.busy_child())
            if args.role == "child-practitioner"
            else bench.person(args.role)
        )
        client.cookies["sessionid"] = who.cookie

        def page():
            expect(client.get(args.path), 200)

        return page
    child = bench.busy_child()
    if args.line == "decide":
        who = bench.practitioner_for(child)
        payloads = iter(bench.decision_payloads(who, args.requests + 3))
        headers = {"HTTP_AUTHORIZATION": f"Bearer {who.token}", "HTTP_ACCEPT": "application/json"}

        def decide():
            body = next(payloads)
            response = client.post(api, body, content_type="application/json", **headers)
            expect(response, 201)

        return decide
    ig = bench.person("ig_officer")
    recipient, _ = bench.busiest_recipient()
    today = timezone.localdate()
    since = today - timedelta(days=730)
    by_recipient = f"{api}?recipient_organisation={recipient.public_id}"
    dated = f"{api}?decided_from={since.isoformat()}&decided_to={today.isoformat()}"
    paths = {
        "first": lambda: api,
        "deep": lambda: f"{api}?after={bench.cursor_at(1000)[0]}",
        "child": lambda: f"{api}?subject={child.public_id}",
        "organisation": lambda: api,
        "recipient": lambda: by_recipient,
        "recipient-deep": lambda: (
            f"{by_recipient}&after={bench.cursor_at(1000, recipients__organisation=recipient)[0]}"
        ),
        "dates": lambda: dated,
        "dates-deep": lambda: (
            f"{dated}&after="
            f"{bench.cursor_at(1000, decided_at__date__gte=since, decided_at__date__lte=today)[0]}"
        ),
    }
    who = bench.practitioner_for(child) if args.line == "organisation" else ig
    path, headers = (
        paths[args.line](),
        {
            "HTTP_AUTHORIZATION": f"Bearer {who.token}",
            "HTTP_ACCEPT": "application/json",
        },
    )
    if args.floor:
        name = f"instructions-{args.line}"
        harness.record_floor(name, path, who.api_headers)
        path, headers = f"/bench-floor/{name}/", {}

    def read():
        response = client.get(path, **headers)
        expect(response, 200)

    return read


def profile(args: argparse.Namespace) -> None:
    """The measured requests under cProfile, in CPU time (waiting for PostgreSQL is not in it),
    with the collector frozen as config/wsgi.py freezes it for gunicorn: the costliest functions,
    by own and by total time."""
    import cProfile
    import gc
    import pstats
    import time

    request = measured(args)
    for _ in range(3):
        request()
    gc.collect()
    gc.freeze()
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(args.requests):
        request()
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("tottime").print_stats(30)
    stats.sort_stats("cumulative").print_stats(60)


def main() -> None:
    args = arguments()
    if args.profile:
        return profile(args)
    if not os.environ.get(UNDER):
        return count(args)
    request = measured(args)
    for _ in range(3):
        request()
    toggle = [shutil.which("callgrind_control") or "/usr/bin/callgrind_control", "-i"]
    subprocess.run([*toggle, "on", str(os.getpid())], check=True, capture_output=True)  # noqa: S603
    for _ in range(args.requests):
        request()
    subprocess.run([*toggle, "off", str(os.getpid())], check=True, capture_output=True)  # noqa: S603


if __name__ == "__main__":
    main()
