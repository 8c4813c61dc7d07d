"""Settings shared by every mode. Values that differ between machines come from the environment.

local.py (development), test.py and production.py import this module and change what they must.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# Variables already in the environment win over the file. SHAREWELL_ENV_FILE points elsewhere
# (tests/test_settings.py uses an empty file so a developer's .env cannot hide a missing secret).
environ.Env.read_env(env.path("SHAREWELL_ENV_FILE", default=BASE_DIR / ".env"), overwrite=False)

SECRET_KEY = env("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "partners.apps.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "guardian",
    "simple_history",
    "django_htmx",
    # Security: two-step verification (TOTP and recovery codes), sign-in lockout, the CSP header.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "partners",
    "notifications",
    "agreements",
    "consent",
    "sharing_log",
    "breaches",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, so static files keep their long cache lifetime: every other response
    # gets the CSP header, `Cache-Control: no-store` and the other security headers.
    "csp.middleware.CSPMiddleware",
    "partners.security.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user as verified when this session passed two-step verification.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Binds the active membership (and so the tenant) for the rest of the request.
    "partners.middleware.ActiveMembershipMiddleware",
    # Ends sessions that were idle too long (the partnership's timeout), lived too long or were
    # signed out everywhere.
    "partners.security.middleware.SessionPolicyMiddleware",
    # Sends a signed-in user who still owes a two-step verification code to give it (or set up).
    "partners.security.middleware.TwoStepRequiredMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "partners.context_processors.shell",
                "notifications.context_processors.inbox",
            ],
        },
    },
]
# Forms render GOV.UK Frontend markup through the project's own field and form templates.
FORM_RENDERER = "partners.forms_rendering.GovukFormRenderer"

# --- Database --------------------------------------------------------------------------------
# An SQLite file by default so that the app runs with no services; PostgreSQL in CI and production.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'sharewell.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker and the web process read while the other writes; IMMEDIATE makes a
    # write transaction take its lock up front instead of failing halfway with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL compiles a query to machine code when its estimated cost is high, which for a
    # web request's short queries costs far more than it saves: finding a child among 100,000
    # spent 545 of its 636 ms compiling (docs/performance.md, (h)). A pooler in front of the
    # database must pass the `options` startup parameter (PgBouncer: ignore_startup_parameters
    # does not list it), or set `jit = off` on the role instead.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # Values go to the server apart from the SQL, so that the views recording decisions can run
    # their statements prepared (partners/prepared.py); nothing else is prepared. A
    # transaction-mode pooler in front of the database must keep prepared statements (PgBouncer
    # 1.21+: max_prepared_statements), or set DATABASE_PREPARED_STATEMENTS=false.
    DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
SHAREWELL_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts --------------------------------------------------------------------------------
AUTH_USER_MODEL = "partners.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a sign-in from a locked-out account or address before the password is checked.
    "partners.security.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Guardian's anonymous user needs a username field; Sharewell never grants anything to anonymous.
ANONYMOUS_USER_NAME = None
GUARDIAN_RENDER_403 = False

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A shared computer in a school office: closing the browser ends the session.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True

# --- Security (SECURITY.md) ------------------------------------------------------------------
# Sessions: the idle timeout is each partnership's own (Tenant.session_idle_minutes, 30 by
# default); this is the idle timeout before a partnership is chosen and the absolute lifetime of
# any session, however active (partners/security/sessions.py).
SHAREWELL_SESSION_IDLE_DEFAULT = timedelta(minutes=30)
SHAREWELL_SESSION_ABSOLUTE_LIFETIME = timedelta(hours=8)
# The session store keeps a session an hour longer, so that the service ends it and says why.
SESSION_COOKIE_AGE = int((SHAREWELL_SESSION_ABSOLUTE_LIFETIME + timedelta(hours=1)).total_seconds())

# Two-step verification (django-otp): TOTP from an authenticator app, and recovery codes.
OTP_TOTP_ISSUER = "Sharewell"
# A wrong code makes the next try wait 1, 2, 4, 8… seconds (per device), so guessing is slow.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Sign-in lockout (django-axes, partners/security/lockout.py). An account is locked after 5
# failed sign-ins, an address after 50 (an office behind one address has many people), each
# for 15 minutes after the failure that locked it. Tries while locked do not extend it, so nobody
# can keep someone else locked out; the account holder is emailed, and an IG officer can unlock
# an account at once.
AXES_HANDLER = "partners.security.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = 5
SHAREWELL_LOCKOUT_ADDRESS_LIMIT = 50
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The sign-in form's field and authenticate()'s keyword; axes would otherwise use "email".
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "partners.security.lockout.username_from"
AXES_LOCKOUT_CALLABLE = "partners.security.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "partners.security.network.client_ip"
AXES_VERBOSE = False
# How many reverse proxies in front of the app append to X-Forwarded-For. 0: the address is the
# connection's own (REMOTE_ADDR) and X-Forwarded-For, which anyone can send, is ignored.
SHAREWELL_TRUSTED_PROXY_COUNT = env.int("SHAREWELL_TRUSTED_PROXY_COUNT", default=0)

# Response headers. No inline script anywhere (templates load every script from /static/; the
# htmx config meta tag in base.html stops htmx injecting styles or evaluating strings).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "frame-src": [NONE],
        "object-src": [NONE],
        "base-uri": [NONE],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SHAREWELL_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Email -----------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Sharewell <no-reply@sharewell.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- REST API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "partners.api_auth.MembershipTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["partners.permissions.HasActiveMembership"],
    "DEFAULT_PAGINATION_CLASS": "partners.pagination.CreatedCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_standardized_errors.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_VERSIONING_CLASS": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
DRF_STANDARDIZED_ERRORS = {
    "ALLOWED_ERROR_STATUS_CODES": ["400", "401", "403", "404", "405"],
    # A service's ValidationError becomes a 400 with field messages (partners/api.py).
    "EXCEPTION_HANDLER_CLASS": "partners.api.ApiExceptionHandler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sharewell API",
    "DESCRIPTION": (
        "Information sharing agreements, consent and the sharing decision log of a children's "
        "services partnership. Every call acts within the tenant of the caller's active "
        "membership; objects are addressed by UUID."
    ),
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        name: f"drf_standardized_errors.openapi_serializers.{name}.choices"
        for name in (
            "ValidationErrorEnum",
            "ClientErrorEnum",
            "ServerErrorEnum",
            "ErrorCode401Enum",
            "ErrorCode403Enum",
            "ErrorCode404Enum",
            "ErrorCode405Enum",
        )
    }
    # Organisation types appear in several request and response bodies; one name for them all.
    | {"OrganisationTypeEnum": "partners.models.OrganisationType.choices"}
    # Agreements: several of their choice fields share a name ("kind", "status").
    | {
        f"{name}Enum": f"agreements.choices.{name}.choices"
        for name in (
            "AgreementKind",
            "AgreementStatus",
            "LegalBasisKind",
            "SignatoryStatus",
            "ConsultationStatus",
        )
    }
    # The sharing log: a decision's outcome and an override approval's are different sets; the
    # information level is the agreements' (a data item's "level").
    | {
        "SharingOutcomeEnum": "sharing_log.choices.Outcome.choices",
        "ApprovalOutcomeEnum": "sharing_log.choices.ApprovalOutcome.choices",
        "InformationLevelEnum": "agreements.choices.InformationLevel.choices",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
        "partners.api.schema_hooks.nested_error_attrs",
    ],
}

# --- Celery ----------------------------------------------------------------------------------
# With REDIS_URL set, Redis is the broker. Without it the broker is a folder on disk (kombu's
# filesystem transport) so that `make run` runs the scheduled jobs with no services at all.
REDIS_URL = env("REDIS_URL", default="")
CELERY_FILESYSTEM_BROKER_DIR = VAR_DIR / "celery-broker"
# A task not acknowledged within this time is handed to another worker, so no countdown or ETA
# may be longer and no task may run this long (see config/celery.py, which enforces the first).
SHAREWELL_TASK_VISIBILITY_TIMEOUT = 60 * 60 * 2
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": SHAREWELL_TASK_VISIBILITY_TIMEOUT}
else:
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_RESULT_BACKEND = None
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_FILESYSTEM_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_FILESYSTEM_BROKER_DIR / "processed"),
        # Broadcast (worker control) messages; kombu's default is ./control in the working dir.
        "control_folder": str(CELERY_FILESYSTEM_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Well inside the visibility timeout, so a slow task is stopped before a second copy starts.
CELERY_TASK_SOFT_TIME_LIMIT = 60 * 25
CELERY_TASK_TIME_LIMIT = 60 * 30
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 60 * 60
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Logging ---------------------------------------------------------------------------------
# Log lines carry ids and outcomes, never a child's details (see partners/logging.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs each step of every PDF at INFO.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# --- Sharewell -------------------------------------------------------------------------------
SHAREWELL_SERVICE_NAME = "Sharewell"
# True only on the machines where `seed_demo` may run; production refuses it.
SHAREWELL_DEMO_ALLOWED = True
