"""What every benchmark shares: Django set up with the bench settings, gunicorn with two workers
on a free port, signed-in members of the seeded partnership, a concurrent HTTP client that
measures latency percentiles and throughput, and the recording of floors (bench/floors.py).

Environment: DATABASE_URL must name the PostgreSQL database `seed_scale` filled (see
docs/performance.md); REDIS_URL, if set, is the broker the application enqueues jobs on, as in
production. Results are printed and appended to var/bench/results.jsonl.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from django.urls import NoReverseMatch, reverse  # noqa: E402

from bench.stats import percentile  # noqa: E402

os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
# The benchmark's own connection (setting up people, recording floors) is not the web's.
os.environ.setdefault("BENCH_APPLICATION_NAME", "sharewell-bench-client")
VAR = ROOT / "var" / "bench"


def setup() -> None:
    """Django with the bench settings; refuses, with the reason, to run without PostgreSQL."""
    import django

    if any(arg in ("-h", "--help") for arg in sys.argv[1:]):
        print(sys.modules["__main__"].__doc__)
        raise SystemExit(0)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit(
            "The benchmarks measure PostgreSQL: set DATABASE_URL to the database seed_scale "
            "filled, e.g. postgres://postgres@127.0.0.1:5432/sharewell_scale "
            "(docs/performance.md)."
        )
    django.setup()
    VAR.mkdir(parents=True, exist_ok=True)
    (VAR / "floors").mkdir(exist_ok=True)


# --- gunicorn -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with two sync workers, as in production (Dockerfile), on a free loopback port."""

    def __init__(self, workers: int = 2):
        self.workers = workers
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.bench",
            "BENCH_APPLICATION_NAME": "sharewell-bench-web",
        }
        log = open(VAR / "gunicorn.log", "a")
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi:application",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "120",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _, _ = request("GET", self.port, "/healthz", {})
                if status == 200:
                    self._warm()
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not start; see {VAR / 'gunicorn.log'}")

    def _warm(self) -> None:
        """Warm both workers (imports, first connection, URLconf): requests from two threads at
        once, so that each worker takes some. Sent one after another they could all reach one
        worker, and the other's first requests then landed in the first measurement (the
        /healthz baseline read 2 to 8 ms of CPU a request instead of about 1)."""
        threads = [
            threading.Thread(
                target=lambda: [request("GET", self.port, "/healthz", {}) for _ in range(8)]
            )
            for _ in range(self.workers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, IndexError):
        return 0.0
    # utime and stime, the 14th and 15th fields of stat(5), in clock ticks.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_pids(server: Server | None) -> tuple[list[int], list[int]]:
    """gunicorn's workers, and the PostgreSQL backends serving this database: the processes whose
    CPU time a request costs, whatever else the machine is doing."""
    workers: list[int] = []
    if server is not None and server.process is not None:
        children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
        if children.exists():
            workers += [int(pid) for pid in children.read_text().split()]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = 'sharewell-bench-web' AND pid <> pg_backend_pid()"
        )
        backends = [row[0] for row in cursor.fetchall()]
    return workers, backends


def server_cpu(pids: list[int]) -> dict[int, float]:
    return {pid: _cpu_seconds(pid) for pid in pids}


def load_average() -> float:
    return os.getloadavg()[0]


def request(
    method: str, port: int, path: str, headers: dict[str, str], body: bytes | None = None
) -> tuple[int, bytes, float]:
    """One request on a new connection (gunicorn's sync workers close each one); returns the
    status, the body and the seconds from sending to the last byte."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        started = time.perf_counter()
        connection.request(method, path, body=body, headers={"Host": "127.0.0.1", **headers})
        response = connection.getresponse()
        data = response.read()
        return response.status, data, time.perf_counter() - started
    finally:
        connection.close()


# --- Who asks -----------------------------------------------------------------------------------


@dataclass
class Identity:
    """A member of the seeded partnership, signed in for pages (session cookie) and the API
    (bearer token)."""

    membership: object
    cookie: str
    token: str

    @property
    def page_headers(self) -> dict[str, str]:
        return {"Cookie": f"sessionid={self.cookie}"}

    @property
    def api_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}


def sign_in(membership) -> Identity:
    """A session past two-step verification, and an API token, for `membership` (made the way
    the test suite's `client_for` and the token endpoint make them)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from partners.models import ApiToken
    from partners.security.mfa import APP_DEVICE_NAME, two_step_required
    from partners.services import token_digest

    client = Client(HTTP_HOST="127.0.0.1")
    user = membership.user
    client.force_login(user)
    session = client.session
    if two_step_required(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or (
            TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=True)
        )
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session["sharewell_active_membership"] = str(membership.public_id)
    session.save()
    raw = "bench-" + secrets.token_urlsafe(32)
    ApiToken.objects.create(digest=token_digest(raw), membership=membership)
    return Identity(membership=membership, cookie=client.cookies["sessionid"].value, token=raw)


def tenant(slug: str):
    from partners.models import Tenant

    found = Tenant.objects.filter(slug=slug).first()
    if found is None:
        raise SystemExit(
            f"No partnership {slug!r} in this database: run `manage.py seed_scale` first "
            "(docs/performance.md)."
        )
    return found


# --- Measuring ----------------------------------------------------------------------------------


@dataclass
class Result:
    label: str
    requests: int
    concurrency: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    per_second: float
    errors: int
    note: str = ""
    # CPU time the server spent per request (gunicorn workers and PostgreSQL backends): what a
    # request costs, which the machine's other load disturbs far less than the elapsed time.
    cpu_ms: float = 0.0
    # Of which the PostgreSQL backends'.
    db_cpu_ms: float = 0.0
    # CPU time this client process spent per request, on the same two cores as the server.
    client_cpu_ms: float = 0.0
    load: float = 0.0
    extra: dict = field(default_factory=dict)

    def line(self) -> str:
        ratio = (
            f"  {self.extra['floor_ratio']:.1f}× floor p95, "
            f"{self.cpu_ms / max(self.extra['floor_cpu_ms'], 0.01):.1f}× floor cpu"
            if "floor_ratio" in self.extra
            else ""
        )
        errors = f"  ERRORS {self.errors}" if self.errors else ""
        return (
            f"{self.label:<48} p50 {self.p50_ms:7.1f} ms  p95 {self.p95_ms:7.1f} ms  "
            f"p99 {self.p99_ms:7.1f} ms  {self.per_second:7.1f}/s  cpu {self.cpu_ms:6.1f} ms/req "
            f"(db {self.db_cpu_ms:.1f}, client {self.client_cpu_ms:.1f}; "
            f"n={self.requests}, c={self.concurrency}, "
            f"load {self.load:.1f}){ratio}{errors}"
        )


def measure(
    label: str,
    server: Server,
    make_request: Callable[[int], tuple[str, str, dict[str, str], bytes | None]],
    *,
    requests: int = 200,
    concurrency: int = 2,
    warmup: int = 6,
    expect: tuple[int, ...] = (200,),
) -> Result:
    """`make_request(i)` gives (method, path, headers, body) for the i-th request; `concurrency`
    client threads send them back to back (a closed loop)."""
    port = server.port
    for i in range(warmup):
        method, path, headers, body = make_request(-1 - i)
        request(method, port, path, headers, body)
    latencies: list[float] = []
    errors: list[str] = []
    counter = iter(range(requests))
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            method, path, headers, body = make_request(i)
            status, data, seconds = request(method, port, path, headers, body)
            with lock:
                latencies.append(seconds)
                if status not in expect:
                    errors.append(f"{status}: {data[:200]!r}")

    workers, backends = server_pids(server)
    pids = workers + backends
    cpu_before = server_cpu(pids)
    client_before = time.process_time()
    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    client_cpu = time.process_time() - client_before
    cpu_after = server_cpu(pids)
    # A process that ended in between (a connection closed) reads 0 afterwards: not counted.
    spent = {
        pid: max(0.0, cpu_after[pid] - cpu_before.get(pid, 0.0)) for pid in pids if cpu_after[pid]
    }
    cpu = sum(spent.values())
    result = Result(
        label=label,
        requests=requests,
        concurrency=concurrency,
        p50_ms=statistics.median(latencies) * 1000,
        p95_ms=percentile(latencies, 95) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
        per_second=requests / elapsed,
        errors=len(errors),
        cpu_ms=cpu / requests * 1000,
        db_cpu_ms=sum(spent.get(pid, 0.0) for pid in backends) / requests * 1000,
        client_cpu_ms=client_cpu / requests * 1000,
        load=load_average(),
    )
    if errors:
        result.note = errors[0]
    return result


def report(result: Result) -> Result:
    print(result.line(), flush=True)
    if result.note:
        print(f"    first error: {result.note}", flush=True)
    with open(VAR / "results.jsonl", "a") as out:
        out.write(json.dumps({"at": time.strftime("%Y-%m-%d %H:%M:%S"), **asdict(result)}) + "\n")
    return result


# --- Floors -------------------------------------------------------------------------------------


def record_floor(name: str, path: str, headers: dict[str, str]) -> list[str]:
    """Run the application's request in this process, keep the SELECT statements it sent, and
    save them for the floor view named `name`."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    extra = {}
    for header, value in headers.items():
        if header == "Cookie":
            client.cookies["sessionid"] = value.split("=", 1)[1]
        else:
            extra["HTTP_" + header.upper().replace("-", "_")] = value
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **extra)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code} while recording its floor")
    statements = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
    ]
    (VAR / "floors" / f"{name}.json").write_text(
        json.dumps({"path": path, "statements": statements}, indent=1)
    )
    return statements


def with_floor(
    result: Result, server: Server, name: str, *, requests: int, concurrency: int = 2
) -> Result:
    """Measure the floor recorded under `name` the same way, note the ratios on `result`, and
    return the floor's own result."""
    floor = measure(
        f"  floor of {result.label}",
        server,
        lambda i: ("GET", f"/bench-floor/{name}/", {}, None),
        requests=requests,
        concurrency=concurrency,
    )
    result.extra["floor_p95_ms"] = floor.p95_ms
    result.extra["floor_ratio"] = result.p95_ms / floor.p95_ms if floor.p95_ms else 0
    result.extra["floor_cpu_ms"] = floor.cpu_ms
    return floor


def not_built(label: str, why: str) -> None:
    print(f"{label:<48} NOT MEASURABLE YET: {why}", flush=True)
    with open(VAR / "results.jsonl", "a") as out:
        out.write(
            json.dumps({"at": time.strftime("%Y-%m-%d %H:%M:%S"), "label": label, "note": why})
            + "\n"
        )


def route(names: tuple[str, ...], *args) -> str | None:
    """The path of the first of `names` that is routed (pages land under their app's namespace
    or without one), or None when none is built yet."""
    for name in names:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return None
