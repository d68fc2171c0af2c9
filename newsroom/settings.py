"""The one settings module. Every knob is an environment variable listed in
.env.example; the defaults are safe for a developer's machine (SQLite, local
memory cache, debug on only when asked)."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_float(name, default):
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def env_list(name, default=()):
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


# --- A developer's .env -------------------------------------------------------

# `make run` writes a git-ignored .env (debug on, a generated secret key) so that
# every manage.py command works in a checkout as typed. Variables set in the
# environment win over it; production has no .env. The test suite ignores it:
# its settings are its own, whatever a developer's checkout holds.
ENV_FILE = env_str("NEWSROOM_ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE and "PYTEST_VERSION" not in os.environ:
    load_dotenv(ENV_FILE, override=False)

# --- Core ---------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off."
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Before the admin, as django-modeltranslation asks (its admin widgets).
    "modeltranslation",
    # Django's admin, its header carrying the site's name (masthead).
    "masthead.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_filters",
    "csp",
    "axes",
    "django_prose_editor",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "articles",
    "contacts",
    "gallery",
    "masthead",
    "monitoring",
    "backups",
    "caching",
    "jobs",
    "django_tasks",
    "django_tasks_db",
    "api",
    "intake",
]

MIDDLEWARE = [
    # The edge's view-count include, asked on every article reading: answered
    # before everything else, none of which it needs.
    "articles.middleware.ViewCountIncludeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # ETag from the final page, and 304 to a reader whose copy is current.
    "django.middleware.http.ConditionalGetMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous readers' answers: shared-cache headers and surrogate keys for
    # the edge, and Django's cache where there is no edge (caching/).
    "caching.middleware.SharedCacheMiddleware",
    # Turns a database outage met by a view into the friendly 503 page.
    "monitoring.middleware.DatabaseUnavailableMiddleware",
    # Sends anonymous readers' reads to DATABASE_REPLICA_URL when it is set.
    "monitoring.replica.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # The admin (no language prefix) in the editor's chosen or browser's language.
    "articles.middleware.AdminLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records who made each revision (django-simple-history), inlines included.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Without an edge cache in front (EDGE=0 make serve), the app compresses
# pages itself: above ConditionalGetMiddleware, so ETags are those of the
# uncompressed page (and 304s still work), and above the shared cache, which
# keeps one uncompressed copy for every reader.
NEWSROOM_GZIP = env_bool("NEWSROOM_GZIP", False)
if NEWSROOM_GZIP:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.http.ConditionalGetMiddleware"),
        "newsroom.serving.TextGZipMiddleware",
    )

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Editors saving at once queue rather than fail with "database is locked"
    # (a 503): each transaction takes the write lock when it begins, instead
    # of upgrading a read lock mid-way, which SQLite refuses at once; a writer
    # waits up to 20 s for the lock; and in WAL mode readers never block it.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
# Optional read replica for anonymous readers' pages; the admin, logged-in
# users and all writes use the primary (monitoring/replica.py).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(
            DATABASE_REPLICA_URL,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        ),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["monitoring.replica.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, but an unreachable Redis is a miss, not a 500.
            "BACKEND": "monitoring.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "newsroom"),
        }
    }
else:
    # Each process has its own; 1,000 entries (mostly pages of 10-50 KB) keep
    # a gunicorn worker well under 150 MB.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    }

# --- Authentication -----------------------------------------------------------

PASSWORD_VALIDATION = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{PASSWORD_VALIDATION}.UserAttributeSimilarityValidator"},
    {"NAME": f"{PASSWORD_VALIDATION}.MinimumLengthValidator"},
    {"NAME": f"{PASSWORD_VALIDATION}.CommonPasswordValidator"},
    {"NAME": f"{PASSWORD_VALIDATION}.NumericPasswordValidator"},
]

# --- Internationalisation -----------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("be", _("Belarusian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Translated model fields (django-modeltranslation, each app's translation.py):
# English is required and shown wherever a language's own text is empty; the
# organization's slug is made from its English short name.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
MODELTRANSLATION_PREPOPULATE_LANGUAGE = "en"
TIME_ZONE = "Europe/Minsk"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploads: requests over this size are refused before they reach a form.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int(
    "DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", 12 * 1024 * 1024
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
NEWSROOM_MAX_IMAGE_BYTES = env_int("NEWSROOM_MAX_IMAGE_BYTES", 10 * 1024 * 1024)
NEWSROOM_MAX_IMAGE_PIXELS = env_int("NEWSROOM_MAX_IMAGE_PIXELS", 40_000_000)

# --- Security -----------------------------------------------------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The reverse proxy usually redirects to HTTPS; production sets this on too.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# django-axes checks for a lockout before any password is looked at; it needs
# the request, which Django's login views pass to authenticate().
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# --- Third party --------------------------------------------------------------

FILTERS_EMPTY_CHOICE_LABEL = None

# Media in S3-compatible object storage (django-storages) when a bucket is
# named; otherwise on local disk under MEDIA_ROOT.
NEWSROOM_S3_BUCKET = env_str("NEWSROOM_S3_BUCKET")
MEDIA_ORIGINS = []
if NEWSROOM_S3_BUCKET:
    _s3_endpoint = env_str("NEWSROOM_S3_ENDPOINT_URL")
    _s3_domain = env_str("NEWSROOM_S3_CUSTOM_DOMAIN")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": NEWSROOM_S3_BUCKET,
            "endpoint_url": _s3_endpoint or None,
            "region_name": env_str("NEWSROOM_S3_REGION") or None,
            # Empty keys leave boto3 to its own chain (instance role, ~/.aws).
            "access_key": env_str("NEWSROOM_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("NEWSROOM_S3_SECRET_ACCESS_KEY") or None,
            "custom_domain": _s3_domain or None,
            # Pages are cached and shared; signed URLs would expire inside them.
            "querystring_auth": env_bool("NEWSROOM_S3_QUERYSTRING_AUTH", False),
            # Never replace a file an older article may still point at.
            "file_overwrite": False,
        },
    }
    if _s3_domain:
        MEDIA_ORIGINS = [f"https://{_s3_domain}"]
    elif _s3_endpoint:
        _endpoint = urlsplit(_s3_endpoint)
        MEDIA_ORIGINS = [f"{_endpoint.scheme}://{_endpoint.netloc}"]
    else:
        MEDIA_ORIGINS = [f"https://{NEWSROOM_S3_BUCKET}.s3.amazonaws.com"]

# Uploaded media on local disk are served by the app (newsroom/serving.py)
# unless a web server in front serves MEDIA_ROOT itself; never with a bucket.
NEWSROOM_SERVE_MEDIA = env_bool("NEWSROOM_SERVE_MEDIA", True) and not NEWSROOM_S3_BUCKET

# Content-Security-Policy (django-csp 4): nothing inline may run, nothing may
# frame us, and forms post only to us. Images may also come from the media
# bucket's origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *MEDIA_ORIGINS],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# Login throttling (django-axes): after this many wrong passwords for one
# username from one address, that pair is locked out for the cool-off.
AXES_FAILURE_LIMIT = env_int("NEWSROOM_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("NEWSROOM_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
# Lockouts are still logged as warnings; this only drops the start-up banner
# that every manage.py command would print.
AXES_VERBOSE = False
# How many reverse proxies in front of gunicorn append to X-Forwarded-For.
# 0: the peer is the client and the header is ignored (a client could forge it).
NEWSROOM_PROXY_COUNT = env_int("NEWSROOM_PROXY_COUNT", 0)


AXES_CLIENT_IP_CALLABLE = "monitoring.addresses.client_ip_address"

# The read API (/api/, Django REST Framework): anonymous and read-only, so
# no authentication and no parsers; JSON only (the browsable API would be a
# second, unchecked set of pages). Each address may make NEWSROOM_API_RATE
# requests ("120/min"; "/s", "/h", "/d" too) before it is answered 429;
# the counts live in the default cache.
NEWSROOM_API_RATE = env_str("NEWSROOM_API_RATE", "120/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ReaderRateThrottle"],
    # The same reading of X-Forwarded-For as the login throttle's.
    "NUM_PROXIES": NEWSROOM_PROXY_COUNT,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Newsroom read API",
    "DESCRIPTION": (
        "The published stories and their sources, as JSON and as IPTC ninjs "
        "2.1. Anonymous, read-only and rate-limited."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from our own static files (drf-spectacular-sidecar).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

# --- Newsroom -----------------------------------------------------------------

NEWSROOM_PAGE_SIZE = 20

# Shared caches (the edge, and Django's cache without one) keep anonymous
# readers' answers this long at most (0: not at all). A change purges what
# shows it at once; this only bounds how long unchanged pages stay.
NEWSROOM_SHARED_CACHE_SECONDS = env_int("NEWSROOM_SHARED_CACHE_SECONDS", 3600)
# An answer rendered this close to a change of what it shows is not kept: it
# may hold what the database said just before. Keys are stamped again once
# their change commits, so this covers only the clocks of several machines.
# The edge is purged once it has passed, so the pages it fetches are kept.
NEWSROOM_CACHE_SETTLE_SECONDS = env_float("NEWSROOM_CACHE_SETTLE_SECONDS", 0.2)
# Where purges by key are sent (the edge cache's address, e.g. Varnish's
# http://127.0.0.1:8000/); empty when no edge cache stands in front.
NEWSROOM_EDGE_PURGE_URL = env_str("NEWSROOM_EDGE_PURGE_URL")

# Background jobs: django-tasks with its database backend (the worker is
# `manage.py run_worker`). Tests run tasks at once, in the caller.
TASKS = {
    "default": {
        "BACKEND": env_str("NEWSROOM_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
    }
}
# The worker's clock: (function, every N seconds); see jobs/schedule.py.
NEWSROOM_PERIODIC_JOBS = [
    ("caching.services.purge_pending_at_edge", 0.5),
    ("articles.purges.purge_due_changes", 0.5),
    ("articles.view_counts.flush", env_int("NEWSROOM_VIEW_FLUSH_SECONDS", 10)),
    # One job per source feed (intake.tasks.fetch_source).
    ("intake.tasks.enqueue_due_fetches", 300),
]

# A reader (address and browser) reloading an article within this many
# seconds is not counted again.
NEWSROOM_VIEW_DEDUP_SECONDS = env_int("NEWSROOM_VIEW_DEDUP_SECONDS", 30 * 60)

# --- Intake (source feeds) -----------------------------------------------------

# host:port pairs a feed may name although they resolve to a private,
# loopback or link-local address (an agency's feed on the local network).
NEWSROOM_INTAKE_ALLOW_HOSTS = env_list("NEWSROOM_INTAKE_ALLOW_HOSTS")
NEWSROOM_INTAKE_CONNECT_TIMEOUT = env_float("NEWSROOM_INTAKE_CONNECT_TIMEOUT", 10.0)
NEWSROOM_INTAKE_READ_TIMEOUT = env_float("NEWSROOM_INTAKE_READ_TIMEOUT", 20.0)
# A feed that has not answered in full in this many seconds is given up.
NEWSROOM_INTAKE_TOTAL_TIMEOUT = env_float("NEWSROOM_INTAKE_TOTAL_TIMEOUT", 30.0)
NEWSROOM_INTAKE_MAX_BYTES = env_int("NEWSROOM_INTAKE_MAX_BYTES", 5 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}
