"""One settings module for development, tests and production.

Every value comes from an environment variable with a safe default, so a newcomer
runs the project with no database server (SQLite in ``data/``) and production sets
``DATABASE_URL``, ``SECRET_KEY``, ``ALLOWED_HOSTS`` and friends. See docs/deploy.md.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent  # src/gecc
PROJECT_DIR = BASE_DIR.parent.parent  # repository root


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DATA_DIR = Path(env("GECC_DATA_DIR", str(PROJECT_DIR / "data")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# The fallback key is only good for development and tests; production must set SECRET_KEY.
DEVELOPMENT_SECRET_KEY = "django-insecure-development-key-" + "x" * 40
SECRET_KEY = env("SECRET_KEY", "") or DEVELOPMENT_SECRET_KEY


def _weak_secret_key(key):
    """The development key, or one Django's deploy check would call weak."""
    return (key == DEVELOPMENT_SECRET_KEY or key.startswith("django-insecure")
            or len(key) < 50 or len(set(key)) < 5)


def _development_process():
    """With DEBUG off the weak key is still tolerated in the test suite, in one-off
    management commands (``make demo``'s migrate, ``manage.py check``) and in the
    benchmarks of ``bench/``; never in a process that serves or works: gunicorn,
    ``runserver``, a Celery worker."""
    if "pytest" in sys.modules:
        return True
    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script is None:
        return False
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if script.name == "manage.py":
        return command not in ("", "runserver", "runserver_plus")
    return script.suffix == ".py" and script.resolve().parent == PROJECT_DIR / "bench"


if not DEBUG and _weak_secret_key(SECRET_KEY) and not _development_process():
    raise ImproperlyConfigured(
        "SECRET_KEY is missing or weak while DEBUG is off: set SECRET_KEY to a long random "
        "value (at least 50 characters, see docs/deploy.md), or DEBUG=1 for development.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# A form sent with a stale or missing security token: a Thai page in the site's layout.
CSRF_FAILURE_VIEW = "gecc.common.views.csrf_failure"

# Behind a TLS-terminating reverse proxy (docs/deploy.md).
SECURE = env_bool("SECURE", False)
if SECURE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# How many reverse proxies in front of the app append to X-Forwarded-For (0: ignore it).
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions (gecc.accounts.sessions): signed out after this many seconds without a request:
# 30 minutes for staff who verified a second factor, 8 hours for everyone else; and in any
# case this long after signing in.
SESSION_IDLE_TIMEOUT_STAFF_OTP = int(env("SESSION_IDLE_TIMEOUT_STAFF_OTP", "1800"))
SESSION_IDLE_TIMEOUT = int(env("SESSION_IDLE_TIMEOUT", "28800"))
SESSION_ABSOLUTE_LIFETIME = int(env("SESSION_ABSOLUTE_LIFETIME", "43200"))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME

# Content-Security-Policy (django-csp): scripts, styles, fonts and images from this site
# only; no inline script, no inline style attribute, no eval, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

INSTALLED_APPS = [
    # Data apps, lowest layer first (docs/architecture.md).
    "gecc.common",
    "gecc.accounts",
    "gecc.audit",
    "gecc.geography",
    "gecc.registry",
    "gecc.criteria",
    "gecc.notifications",
    "gecc.rounds",
    "gecc.applications",
    "gecc.evidence",
    "gecc.committees",
    "gecc.visits",
    "gecc.scoring",
    "gecc.decisions",
    "gecc.certificates",
    # Interface apps.
    "gecc.backoffice",
    "gecc.portal",
    "gecc.public",
    "gecc.api",
    "gecc.demo",
    # Third party.
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "rest_framework",
    "csp",
]

MIDDLEWARE = [
    "gecc.common.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gecc.common.middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "gecc.common.middleware.UploadErrorMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "gecc.accounts.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "gecc.accounts.sessions.SessionTimeoutMiddleware",
    "gecc.accounts.sessions.PrivateCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "gecc.urls"
WSGI_APPLICATION = "gecc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gecc.common.context_processors.navigation",
            ],
            "builtins": ["gecc.common.templatetags.thaidate"],
        },
    }
]

# Database: SQLite in data/ unless DATABASE_URL says otherwise. Connections are kept for
# DB_CONN_MAX_AGE seconds; a kept connection that a database restart broke is found out by a
# cheap check before each request (and each Celery task) uses it, and replaced, so after a
# restart only the requests that were running during it fail, not the first one of every
# web thread afterwards.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'gecc.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    # IMMEDIATE: a transaction takes the write lock when it begins, so one that reads and
    # then writes waits for a concurrent writer (up to "timeout") instead of failing at once
    # with "database is locked" because its snapshot went stale.
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE",
         "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
    # A file, not the in-memory default: browser tests send concurrent requests to the live
    # server, whose threads would otherwise share one in-memory connection.
    DATABASES["default"]["TEST"] = {
        "NAME": env("TEST_SQLITE_NAME", str(DATA_DIR / "test_gecc.sqlite3"))}
else:
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", "test_gecc")}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
            "DB_PREPARED_STATEMENTS", True):
        # Parameters bound by the server and statements prepared on a kept connection after
        # DB_PREPARE_THRESHOLD runs: PostgreSQL plans a request's queries once per connection
        # instead of on every request (the scoped lookups join up to ten tables; planning
        # them cost more than running them). Off (DB_PREPARED_STATEMENTS=0) behind a
        # connection pooler in transaction mode, which cannot keep prepared statements.
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {"server_side_binding": True,
             "prepare_threshold": int(env("DB_PREPARE_THRESHOLD", "2"))})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "public:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2id (gecc.accounts.hashers), parameters measured in docs/deploy.md ("Password
# hashing"): by default 2 passes over 19 MiB, one lane, about 21 ms of a core per sign-in.
# PBKDF2 stays second only to read hashes stored before; each is replaced by an Argon2id
# hash at its user's next sign-in, as is an Argon2 hash made with other parameters.
ARGON2_TIME_COST = int(env("ARGON2_TIME_COST", "2"))
ARGON2_MEMORY_KIB = int(env("ARGON2_MEMORY_KIB", "19456"))
ARGON2_PARALLELISM = int(env("ARGON2_PARALLELISM", "1"))
PASSWORD_HASHERS = [
    "gecc.accounts.hashers.ConfiguredArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if env_bool("GECC_FAST_PASSWORD_HASHER", False):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Login throttling (gecc.accounts.domain.throttle): an account is slowed, then locked; a
# client address (perhaps a whole office behind one NAT address) only after many more
# failures. Fails closed when the cache is down.
LOGIN_THROTTLE = {
    "WINDOW_SECONDS": int(env("LOGIN_THROTTLE_WINDOW", "900")),
    "SLOW_AFTER": int(env("LOGIN_THROTTLE_SLOW_AFTER", "3")),
    "LOCK_AFTER": int(env("LOGIN_THROTTLE_LOCK_AFTER", "8")),
    "LOCK_SECONDS": int(env("LOGIN_THROTTLE_LOCK_SECONDS", "900")),
    "ADDRESS_LOCK_AFTER": int(env("LOGIN_THROTTLE_ADDRESS_LOCK_AFTER", "100")),
}
# Password-reset emails: per address and per client address, in a sliding window.
PASSWORD_RESET_LIMIT = {
    "WINDOW_SECONDS": int(env("PASSWORD_RESET_WINDOW", "3600")),
    "PER_EMAIL": int(env("PASSWORD_RESET_PER_EMAIL", "3")),
    "PER_IP": int(env("PASSWORD_RESET_PER_IP", "20")),
}
OTP_TOTP_ISSUER = "GECC Certify"
# Roles whose members must verify a second factor before they can work.
SECOND_FACTOR_REQUIRED_ROLES = env_list("SECOND_FACTOR_REQUIRED_ROLES", "secretariat")

# Internationalisation: Thai first, English second.
LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "gecc_language"

# Static files: our own assets plus front-end packages installed from the npm registry
# (package.json) and the Sarabun typeface from the fontpkg-sarabun Python package.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(PROJECT_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing root
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "gecc.common.staticfinders.PackageAssetFinder",
]
NODE_MODULES_DIR = Path(env("NODE_MODULES_DIR", str(PROJECT_DIR / "node_modules")))
WHITENOISE_USE_FINDERS = True

# Documents (gecc.common.documents): Debian's Chromium prints HTML to PDF.
CHROMIUM_PATH = env("CHROMIUM_PATH", "/usr/bin/chromium")
DOCUMENT_RENDER_TIMEOUT = float(env("DOCUMENT_RENDER_TIMEOUT", "60"))  # seconds per document

# Files: local folder by default, S3-compatible object storage in production.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media-not-served/"  # files are served only through permission-checking views
if env("AWS_STORAGE_BUCKET_NAME"):
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL"),
            "region_name": env("AWS_S3_REGION_NAME"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_STORAGE_BACKEND",
            "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

# Cache: Redis in production (REDIS_URL), local memory otherwise.
if env("REDIS_URL"):
    # Short socket timeouts: with Redis unreachable a request gives up in seconds (the
    # throttles then fail closed) instead of hanging on the operating system's timeout.
    _redis_timeout = float(env("REDIS_SOCKET_TIMEOUT", "2"))
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": env("REDIS_URL"),
                          "OPTIONS": {"socket_connect_timeout": _redis_timeout,
                                      "socket_timeout": _redis_timeout}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work: eager in the embedded default, Redis broker in production.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
# Eager tasks still acquire a producer; an in-memory transport keeps kombu from looking
# for a broker on localhost.
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A broker or result backend that cannot be reached costs a request about a second, never
# 20 (gecc.common.queue): a 1-second connection timeout and one quick retry when sending,
# short Redis socket timeouts, and a result backend that gives up after two quick attempts
# to reconnect instead of twenty one-second ones. Workers keep reconnecting as before
# (broker_connection_max_retries).
_celery_connect_timeout = float(env("CELERY_CONNECT_TIMEOUT", "1"))
_celery_quick_retry = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2,
                       "interval_max": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = _celery_connect_timeout
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True  # a worker started before Redis waits
# A worker killed in the middle of a task (OOM, a machine restart) neither loses it nor does
# it twice. A task is acknowledged to the broker only once it has finished (ACKS_LATE), and
# each worker process reserves one task at a time (PREFETCH 1), so the broker still holds
# the task of a worker that died, plus none queued behind it, and gives it to another worker
# once CELERY_VISIBILITY_TIMEOUT has passed without an acknowledgement. Every task claims
# its work in the database before acting (an outbox message "sending", an import job under
# its lock, a run "queued" → "running"), so a second delivery does nothing twice; the work
# the dead worker left half-done is taken up by the sweep. A task whose pool process alone
# died is not requeued at once (REJECT_ON_WORKER_LOST off): a task that kills its process
# every time would loop. Keep the visibility timeout above the longest task; a shorter one
# only gives running tasks (and the outbox's delayed retries) to a second worker, which the
# claims make harmless.
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_BROKER_TRANSPORT_OPTIONS = {**_celery_quick_retry,
                                   "socket_connect_timeout": _celery_connect_timeout,
                                   "socket_timeout": 5,
                                   "visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT",
                                                                 "3600"))}
CELERY_TASK_PUBLISH_RETRY_POLICY = _celery_quick_retry
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {**_celery_quick_retry,
                                                            "max_retries": 2}}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = _celery_connect_timeout
CELERY_REDIS_SOCKET_TIMEOUT = 5
# The sweep (gecc.common.sweep; `manage.py sweep_queues` runs the same): sends outbox
# messages still queued OUTBOX_SWEEP_AFTER_SECONDS after they were due and runs import jobs
# no worker started within REGISTRY_IMPORT_STALL_SECONDS. `celery beat` starts it.
OUTBOX_SWEEP_AFTER_SECONDS = int(env("OUTBOX_SWEEP_AFTER_SECONDS", "300"))
# The certificates' daily job (gecc.certificates.tasks_lifecycle: expiry, then renewal
# reminders; `manage.py expire_certificates` / `send_renewal_reminders` run the same) starts
# every day at CERTIFICATE_DAILY_AT (default 00:30) in CELERY_TIMEZONE (Asia/Bangkok), so a
# certificate valid until 31 July reads as expired from 1 August 00:30. Both are idempotent.
from celery.schedules import crontab  # noqa: E402  (only this block needs it)

CERTIFICATE_DAILY_AT = env("CERTIFICATE_DAILY_AT", "00:30")
CELERY_BEAT_SCHEDULE = {
    "sweep-waiting-work": {"task": "gecc.common.sweep",
                           "schedule": float(env("SWEEP_INTERVAL_SECONDS", "300"))},
    "certificates-daily-lifecycle": {
        "task": "gecc.certificates.daily_lifecycle",
        "schedule": crontab(hour=int(CERTIFICATE_DAILY_AT.split(":")[0]),
                            minute=int(CERTIFICATE_DAILY_AT.split(":")[1])),
    },
}

# Email: console in development, SMTP when EMAIL_HOST is set.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
# With EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend, one file per message
# in this folder (the production-style test stack counts what was really sent).
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "587"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", bool(env("EMAIL_HOST")))
# A mail server that accepts the connection and then hangs fails the attempt (retried by the
# outbox) instead of holding a worker for good.
EMAIL_TIMEOUT = float(env("EMAIL_TIMEOUT", "30"))
# The public address of the site, for absolute links in emails (e.g. https://gecc.example.go.th).
SITE_URL = env("SITE_URL", "")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "GECC Certify <no-reply@gecc.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}

# Registry imports: files above the size limit are refused before parsing; files with more
# rows than the background threshold are applied by a Celery task with a progress bar.
REGISTRY_IMPORT_MAX_BYTES = int(env("REGISTRY_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
REGISTRY_IMPORT_BACKGROUND_ROWS = int(env("REGISTRY_IMPORT_BACKGROUND_ROWS", "2000"))
# A background check that no worker has started after this many seconds can be run from the
# import page instead (the workers may be down).
REGISTRY_IMPORT_STALL_SECONDS = int(env("REGISTRY_IMPORT_STALL_SECONDS", "120"))

# Conflicts of interest: a member who was on the sub-committee that visited a unit in the
# previous year's round is barred from assessing it again (gecc.committees.domain.conflicts).
COI_PREVIOUS_ROUND = env_bool("COI_PREVIOUS_ROUND", True)

# Automatic assignment (gecc.committees.domain.assignment, run by a Celery task): how long
# the CP-SAT solver may search; a run no worker started after the stall time is started by
# the sweep, one still running after the timeout is marked failed.
ASSIGNMENT_TIME_LIMIT_S = float(env("ASSIGNMENT_TIME_LIMIT_S", "30"))
ASSIGNMENT_STALL_SECONDS = int(env("ASSIGNMENT_STALL_SECONDS", "120"))
ASSIGNMENT_RUN_TIMEOUT_SECONDS = int(env("ASSIGNMENT_RUN_TIMEOUT_SECONDS", "3600"))

# Visit itineraries (gecc.visits.domain.itineraries): a site visit's default length, the
# road factor and average speed that turn straight-line distances into driving minutes,
# the lunch break, and how long the routing solver may search for each sub-committee.
VISIT_DEFAULT_DURATION = int(env("VISIT_DEFAULT_DURATION", "90"))
VISIT_ROAD_FACTOR = float(env("VISIT_ROAD_FACTOR", "1.3"))
VISIT_SPEED_KMH = int(env("VISIT_SPEED_KMH", "60"))
VISIT_LUNCH_MINUTES = int(env("VISIT_LUNCH_MINUTES", "60"))
VISIT_SOLVER_SECONDS = float(env("VISIT_SOLVER_SECONDS", "5"))

# On-site scoring (gecc.scoring): a member's item photo may be at most this many bytes
# (10 MB; JPEG, PNG or WebP only); one sync batch may carry at most this many changes; an
# item whose members' scores spread (max − min) more than this many points is flagged for
# the team (a team sheet may set its own); calibration flags an assessor whose mean z-score
# against co-members is beyond ±this, and a sub-committee whose mean level (basic = 1,
# advanced = 2, excellence = 3) is this far from the national mean.
SCORING_PHOTO_MAX_BYTES = int(env("SCORING_PHOTO_MAX_BYTES", str(10 * 1024 * 1024)))
SCORING_SYNC_MAX_CHANGES = int(env("SCORING_SYNC_MAX_CHANGES", "1000"))
SCORING_SPREAD_THRESHOLD = float(env("SCORING_SPREAD_THRESHOLD", "2"))
CALIBRATION_Z_THRESHOLD = float(env("CALIBRATION_Z_THRESHOLD", "0.5"))
CALIBRATION_LEVEL_THRESHOLD = float(env("CALIBRATION_LEVEL_THRESHOLD", "0.5"))
# The feedback report a unit reads shows the team's consensus score of each item only when
# this is on (staff pages can show them with ?scores=1); off, it shows percentages.
SCORING_FEEDBACK_ITEM_SCORES = env_bool("SCORING_FEEDBACK_ITEM_SCORES", False)

# Decisions and certificates (gecc.decisions, gecc.certificates): a certificate is valid for
# this many years from the decision date; a unit may appeal a decision within this many days
# of the meeting's close; renewal reminders go this many days before the end of validity;
# an appeal attachment may be at most this many bytes (10 MB; PDF, JPEG or PNG).
CERTIFICATE_VALID_YEARS = int(env("CERTIFICATE_VALID_YEARS", "3"))
APPEAL_PERIOD_DAYS = int(env("APPEAL_PERIOD_DAYS", "30"))
CERTIFICATE_REMINDER_DAYS = tuple(int(days) for days in
                                  env("CERTIFICATE_REMINDER_DAYS", "180,90,30").split(","))
APPEAL_ATTACHMENT_MAX_BYTES = int(env("APPEAL_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
# The public site: pages are cached this many seconds; each client address may make this
# many requests a minute to the registry and verification pages (then 429), and file this
# many complaints a day.
PUBLIC_CACHE_SECONDS = int(env("PUBLIC_CACHE_SECONDS", "300"))
PUBLIC_RATE_PER_MINUTE = int(env("PUBLIC_RATE_PER_MINUTE", "120"))
PUBLIC_COMPLAINTS_PER_DAY = int(env("PUBLIC_COMPLAINTS_PER_DAY", "5"))

# Office files (DOCX/XLSX are ZIP archives: evidence, registry and criteria imports) are
# refused when their directory declares more than this many unpacked bytes (100 MB), or more
# than this ratio of unpacked to packed bytes (100:1); gecc.common.files.
UPLOAD_ZIP_MAX_UNPACKED_BYTES = int(env("UPLOAD_ZIP_MAX_UNPACKED_BYTES",
                                        str(100 * 1024 * 1024)))
UPLOAD_ZIP_MAX_RATIO = int(env("UPLOAD_ZIP_MAX_RATIO", "100"))

# Evidence files: size limit in bytes (default 20 MB); types are detected from content.
EVIDENCE_MAX_BYTES = int(env("EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)))

# Upload limits (evidence files use their own configurable limit).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
