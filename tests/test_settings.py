"""Production settings pass Django's deployment checklist and refuse to start half-configured."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


REQUIRED = {
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "sharewell.example.org",
    "DATABASE_URL": "postgres://sharewell@db.example.org:5432/sharewell",
    "REDIS_URL": "redis://redis.example.org:6379/0",
}


def production_python(*args: str, **env: str) -> subprocess.CompletedProcess:
    """This project's Python with the production settings and only the variables given here."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {*REQUIRED, "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        # Only the variables given here: a developer's .env must not supply a missing one.
        SHAREWELL_ENV_FILE=os.devnull,
        **env,
    )
    return subprocess.run(  # noqa: S603 -- a fixed command line of this project.
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return production_python("manage.py", *args, **env)


def test_production_settings_pass_the_deployment_checklist():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **REQUIRED)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in output


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_production_settings_refuse_to_start_without_a_required_variable(missing):
    result = manage("check", **{name: value for name, value in REQUIRED.items() if name != missing})

    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_a_web_worker_keeps_the_garbage_collector_off_what_it_loaded():
    # Full collections walking every loaded object were the sharing log page's p95
    # (docs/performance.md): the WSGI application freezes them and raises the thresholds.
    probe = (
        "import gc, config.wsgi as w; "
        "print(gc.get_freeze_count() > 10_000, gc.get_threshold() == w.GC_THRESHOLDS)"
    )
    result = production_python("-c", probe, **REQUIRED)

    assert result.stdout.split() == ["True", "True"], result.stderr
