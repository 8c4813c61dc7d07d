"""Development on one machine: `make run`. Debug on, console email, no services needed."""

import os

# A development key is acceptable only here; production.py has no default.
os.environ.setdefault("SECRET_KEY", "dev-only-insecure-key-not-for-production-use-0123456789")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

from .base import *  # noqa: F403
from .base import env

# Loopback always, whatever a .env written for docker-compose says about the public host names.
ALLOWED_HOSTS = [*env.list("ALLOWED_HOSTS", default=[]), "127.0.0.1", "localhost", "[::1]"]
