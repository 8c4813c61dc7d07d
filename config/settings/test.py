"""The test suite: `make test`. SQLite unless DATABASE_URL points at PostgreSQL."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-insecure-key-not-for-production-use-0123456789")
os.environ.setdefault("DEBUG", "false")

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR, env

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Fast hashing: the suite signs in hundreds of times. Argon2 stays first in real modes.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "test-media"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_SQLITE_NAME", default=None)}
# Tests that need the broker use the real Redis named by REDIS_URL (see tests/conftest.py).
