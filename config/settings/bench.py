"""Benchmarks (bench/, docs/performance.md): production-like, over plain HTTP on loopback.

Everything a production request pays for stays on: DEBUG off (so the cached template loader),
every middleware, ATOMIC_REQUESTS, persistent database connections, Argon2 first. What differs
from production.py is only what a loopback benchmark cannot have: no TLS (so no HTTPS redirect
or Secure cookies), loopback hosts, email into the outbox's console, static files served as they
are (no collectstatic manifest needed). The URLconf adds the floor views (bench/urls.py): bare
views that run the same SQL through a raw cursor, never routed in any other settings module.
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-insecure-key-not-for-production-use-0123456789")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from .base import *  # noqa: F403
from .base import DATABASES, LOGGING, env

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    raise RuntimeError(
        "The benchmarks measure PostgreSQL: set DATABASE_URL (see docs/performance.md)."
    )
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
# Names the web workers' connections, so that the benchmark counts the CPU time of their
# PostgreSQL backends (and not of a job running beside it).
DATABASES["default"].setdefault("OPTIONS", {})["application_name"] = env(
    "BENCH_APPLICATION_NAME", default="sharewell-bench-web"
)

# The benchmark sends a request per millisecond or so; a log line per request would measure the
# terminal. Warnings and errors still show.
LOGGING["root"]["level"] = env("LOG_LEVEL", default="WARNING")
SHAREWELL_DEMO_ALLOWED = False
