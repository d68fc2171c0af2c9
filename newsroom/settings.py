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
    "django.contrib.admin",
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
    "articles",
    "contacts",
    "gallery",
    "monitoring",
    "backups",
    "pagecache",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # ETag from the final page, and 304 to a reader whose copy is current.
    "django.middleware.http.ConditionalGetMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # One read of the content version per request, then the anonymous
    # readers' pages from the cache, before sessions, languages and the
    # database are looked at (pagecache/middleware.py).
    "pagecache.middleware.ContentVersionMiddleware",
    "pagecache.middleware.AnonymousPageCacheMiddleware",
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


def client_ip_address(request):
    """Return the client's address: the entry our nearest proxies appended to
    X-Forwarded-For (entries further left are the client's own claims)."""
    from django.conf import settings

    proxies = settings.NEWSROOM_PROXY_COUNT
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        forwarded = [address.strip() for address in forwarded if address.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


AXES_CLIENT_IP_CALLABLE = client_ip_address

# --- Newsroom -----------------------------------------------------------------

# Unset, the name is translated for the /ru/ and /be/ pages (locale/); a name
# set here is shown as it is in every language.
NEWSROOM_SITE_NAME = env_str("NEWSROOM_SITE_NAME") or _("Postavy District Newsroom")
NEWSROOM_PAGE_SIZE = 20

# Anonymous readers' pages are cached this long at most (0 turns the page
# cache off); any change to what they show makes them stale at once.
NEWSROOM_PAGE_CACHE_SECONDS = env_int("NEWSROOM_PAGE_CACHE_SECONDS", 600)
# Without REDIS_URL, the processes of one machine share the content version
# through this file (pagecache/content_version.py).
NEWSROOM_CONTENT_VERSION_FILE = Path(
    env_str("NEWSROOM_CONTENT_VERSION_FILE") or BASE_DIR / "var" / "content-version"
)

# Article views reach the database in batches this many seconds apart (the
# most a crash of the process-local counter can lose; articles/view_counts.py).
NEWSROOM_VIEW_FLUSH_SECONDS = env_int("NEWSROOM_VIEW_FLUSH_SECONDS", 10)
# A reader (address and browser) reloading an article within this many
# seconds is not counted again.
NEWSROOM_VIEW_DEDUP_SECONDS = env_int("NEWSROOM_VIEW_DEDUP_SECONDS", 30 * 60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}
