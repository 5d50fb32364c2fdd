"""Settings for the Ventanilla Virtual.

One module, read from the environment. Without any variable set it runs on its
embedded defaults (SQLite, Celery tasks executed in-process, e-mail to the console),
which is what `make run` uses. Every real service is switched on by its URL:
DATABASE_URL, CELERY_BROKER_URL, CACHE_URL, EMAIL_URL. DJANGO_ENV=production turns
on the production checks: it refuses to start without SECRET_KEY and ALLOWED_HOSTS.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV debe ser 'development' o 'production'.")

DEBUG = env.bool("DEBUG", default=not PRODUCTION)

if PRODUCTION:
    # No fallbacks in production: a missing secret must stop the process.
    if not env.str("SECRET_KEY", default=""):
        raise ImproperlyConfigured("SECRET_KEY es obligatorio en producción.")
    if not env.list("ALLOWED_HOSTS", default=[]):
        raise ImproperlyConfigured("ALLOWED_HOSTS es obligatorio en producción.")
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-" + "x" * 40)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "csp",
    "axes",
    "core",
    "cartera",
    "coactiva",
    "tramites",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.MetodoNoPermitidoMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ventanilla.urls"
WSGI_APPLICATION = "ventanilla.wsgi.application"

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
                "core.context_processors.portal",
            ],
        },
    },
    {
        # Plain-text e-mail bodies (core.email renders templates/correo/*.txt with it):
        # text is not HTML, so «Pérez & Hijos» must not come out as «Pérez &amp; Hijos».
        # They are rendered without a request, so no context processors.
        "NAME": "texto",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# --- Database -------------------------------------------------------------------------
# Embedded default: SQLite in var/. Writes take the lock at BEGIN so that concurrent
# submissions queue instead of failing with "database is locked".
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'ventanilla.sqlite3'}")
}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _db.setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
else:
    _db["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    _db["CONN_HEALTH_CHECKS"] = True
    # Server-side parameter binding lets psycopg prepare a statement it has run five times
    # on a connection, so PostgreSQL plans it once: planning a join on tramites_solicitud
    # (many indexes) cost ~1 ms, ten times its execution (bench/ventanilla.py). Behind
    # PgBouncer in transaction mode this needs max_prepared_statements (docs/deploy.md).
    if env.bool("DATABASE_SERVER_SIDE_BINDING", default=True):
        # Django turns psycopg's automatic preparation off unless told a threshold.
        _db.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
# Each checkout gets its own test database, so two checkouts on one server never collide.
_db["TEST"] = {
    "NAME": env.str(
        "TEST_DATABASE_NAME",
        default="test_ventanilla_" + hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:8],
    )
}
# Optional read replica for reports and dashboards: views wrapped in
# core.db.lee_de_replica read from it (core.db.ReplicaRouter); everything else, and every
# write, uses the primary.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = _db.get("CONN_MAX_AGE", 0)
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["OPTIONS"] = {
        **_db.get("OPTIONS", {}),
        **DATABASES["replica"].get("OPTIONS", {}),
    }
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.db.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, parameters, calendar) -----------------------------------------
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://ventanilla")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "core.cache.RedisCache"  # one client per pool
RATELIMIT_USE_CACHE = "default"
RATELIMIT_VIEW = "core.views.error_429"
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
# The client's address for rate limits and lockout (core/ratelimit.py): behind the reverse
# proxy, from the header it sets (e.g. HTTP_X_REAL_IP), validated, else REMOTE_ADDR.
RATELIMIT_CLIENT_IP_HEADER = env.str("RATELIMIT_CLIENT_IP_HEADER", default="")
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_ip"
# The local-memory cache is per process; fine for one runserver, not for gunicorn workers.

# --- Auth ------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HORAS", default=0.5)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_LOCKOUT_TEMPLATE = "cuenta_bloqueada.html"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True

# --- Language and time -----------------------------------------------------------------
LANGUAGE_CODE = "es-ec"
LANGUAGES = [("es-ec", "Español (Ecuador)")]
TIME_ZONE = "America/Guayaquil"
USE_I18N = True
USE_TZ = True
# Numbers as Ecuador writes them (ventanilla/formats/es_EC). Counts and money are
# formatted where they are shown (core.formato: the `cifra` and `dolares` filters);
# USE_THOUSAND_SEPARATOR stays off because it would also group every year and id a
# template prints («2.026», links to /acuerdos/1.234/).
FORMAT_MODULE_PATH = ["ventanilla.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static files and private uploads --------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
if not PRODUCTION:
    # Development serves static files straight from the apps (no collectstatic needed).
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = DEBUG
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Uploaded documents are never under a public URL: "private" storage has no base_url
# and is served only by views that check permission.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "privado")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}
if env.str("AWS_STORAGE_BUCKET_NAME", default=""):
    # S3-compatible object storage for uploads and generated PDFs (docs/deploy.md). The
    # bucket stays private: objects are written with a private ACL and reach people only
    # through the portal's permission-checked views, which stream them.
    _s3 = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "location": env.str("AWS_LOCATION", default="privado"),
        },
    }
    STORAGES["default"] = STORAGES["private"] = _s3
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Uploads above this size go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
# Whole-request ceiling for non-file fields; file sizes are policed while streaming.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 30
# Uploaded JPEG/PDF files are parsed in a forked child killed after this many seconds
# (core/uploads.py); the size limit and the accepted types are legal parameters.
UPLOAD_ANALISIS_SEGUNDOS = env.float("UPLOAD_ANALISIS_SEGUNDOS", default=5.0)
UPLOAD_SANDBOX = env.bool("UPLOAD_SANDBOX", default=True)
# Address space the analysis child may add to the web worker's (a 40-megapixel JPEG, the
# largest image accepted, needs about 660 MB).
UPLOAD_ANALISIS_MEMORIA_MB = env.int("UPLOAD_ANALISIS_MEMORIA_MB", default=1024)

# --- E-mail ----------------------------------------------------------------------------
_email = env.email_url("EMAIL_URL", default="consolemail://")
globals().update(_email)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Ventanilla Virtual IESS <no-responder@iess.gob.ec>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ----------------------------------------------------------------------------
_broker = env.str("CELERY_BROKER_URL", default="")
# Without a broker the tasks run in-process (embedded default and unit tests). Celery
# still builds a producer in eager mode; kombu's in-memory transport keeps it off the
# network (and quiet).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not _broker)
CELERY_BROKER_URL = _broker or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "ventanilla"
# Queues per kind of work (docs/deploy.md), routed here and only here, task by task (a
# new task without a line here fails tests/core/test_celery_routes.py). "ventanilla":
# routing of requests, latency-sensitive (the default); "correo": e-mail delivery;
# "documentos": PDF generation; "lotes": nightly and batch jobs. A development worker
# consumes all four.
CELERY_WORKER_QUEUES = ["ventanilla", "correo", "documentos", "lotes"]
_QUEUE_TASKS = {
    "ventanilla": [
        "tramites.tasks.solicitud_enrutar_task",
        "tramites.tasks.solicitudes_sin_enrutar_barrer",
    ],
    "correo": [
        "core.tasks.correo_enviar_task",
        "core.tasks.correos_enviar_lote_task",
        "core.tasks.correos_pendientes_reenviar",
    ],
    "documentos": ["coactiva.tasks.oficio_generar"],
    "lotes": [
        "cartera.tasks.generar_glosas",
        "cartera.tasks.notificar_glosas",
        "cartera.tasks.emitir_titulos",
        "cartera.tasks.recordar_glosas",
        "cartera.tasks.revisar_acuerdos",
        "coactiva.tasks.oficios_pendientes_barrer",
        "coactiva.tasks.oficios_por_firmar_recordar",
        "core.tasks.feriados_nacionales_cargar",
        "core.tasks.limpieza_diaria",
        "tramites.tasks.solicitudes_abandonadas_archivar",
        "tramites.tasks.solicitudes_escalar",
    ],
}
CELERY_TASK_ROUTES = {task: {"queue": q} for q, tasks in _QUEUE_TASKS.items() for task in tasks}
CELERY_TIMEZONE = TIME_ZONE
# A request must never hang on a dead broker: one quick attempt, then the row waits
# for the periodic sweep.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
# Several deployments (or test runs) can share one Redis by prefixing their keys.
if env.str("CELERY_BROKER_KEYPREFIX", default=""):
    CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = env.str("CELERY_BROKER_KEYPREFIX")
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Security --------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "core.views.csrf_failure"  # the portal layout, with the request context
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# Content Security Policy: no inline script anywhere, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- Forms -----------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Logging ---------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One line per task is noise when tasks run in-process (make run, seed_demo).
        "celery.app.trace": {"level": "INFO" if _broker else "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
