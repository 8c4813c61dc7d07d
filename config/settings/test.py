"""The test suite: `make test`. SQLite unless DATABASE_URL points at PostgreSQL."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-insecure-key-not-for-production-use-0123456789")
os.environ.setdefault("DEBUG", "false")

from .base import *  # noqa: F403
from .base import DATABASES, SHAREWELL_TASK_VISIBILITY_TIMEOUT, VAR_DIR, env

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Fast hashing: the suite signs in hundreds of times. Argon2 stays first in real modes.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "test-media"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_SQLITE_NAME", default=None)}

# Tasks run in-process (eager), so a test that commits a service's on_commit hook sees the
# task's effect and nothing is left on a broker. Only tests/test_celery_worker.py turns eager
# off and sends a task through a real worker, on the Redis named by REDIS_URL, in a queue of
# this process's own so that another test run or a development worker never takes its message.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = CELERY_RESULT_BACKEND = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": SHAREWELL_TASK_VISIBILITY_TIMEOUT}
CELERY_TASK_DEFAULT_QUEUE = f"sharewell-test-{os.getpid()}"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
