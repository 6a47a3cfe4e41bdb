"""lianyun settings, read top to bottom; every variable is listed in .env.example."""

import ipaddress
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from lianyun.core.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# development: demo and tests, with built-in throwaway keys; production: every secret explicit.
LIANYUN_ENV = env_str("LIANYUN_ENV", "development")
if LIANYUN_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"LIANYUN_ENV must be development or production, got {LIANYUN_ENV!r}"
    )
PRODUCTION = LIANYUN_ENV == "production"

DEBUG = env_bool("LIANYUN_DEBUG", not PRODUCTION)

# Throwaway development secrets. Production refuses to start without real ones (below).
_DEV_SECRET_KEY = "dev-only-insecure-secret-key-for-lianyun-demo-and-tests-0123456789"  # noqa: S105
_DEV_DATA_KEYS = "1:bGlhbnl1bi1kZXYtb25seS1kYXRhLWtleS0wMDAwMDA="
_DEV_INDEX_KEY = "bGlhbnl1bi1kZXYtb25seS1pbmRleC1rZXktMDAwMDAwMA=="
_DEV_BACKUP_KEYS = "1:bGlhbnl1bi1kZXYtb25seS1iYWNrdXAta2V5LTAwMDA="
_DEV_PUBLICATION_KEYS = "1:bGlhbnl1bi1kZXYtb25seS1wdWJsaWNhdGlvbi1rZXk="

SECRET_KEY = env_str("LIANYUN_SECRET_KEY", "" if PRODUCTION else _DEV_SECRET_KEY)
# Encryption keys for personal data at rest: "id:base64key,..." (32-byte AES-256-GCM keys).
# The first key encrypts; all of them decrypt, so a key can be rotated in.
LIANYUN_DATA_KEYS = env_str("LIANYUN_DATA_KEYS", "" if PRODUCTION else _DEV_DATA_KEYS)
# Key of the keyed HMAC blind index that finds an encrypted ID number.
LIANYUN_INDEX_KEY = env_str("LIANYUN_INDEX_KEY", "" if PRODUCTION else _DEV_INDEX_KEY)
# Keys that seal backups ("id:base64key,..."; the first seals, all open): kept apart from the
# backups, and apart from the data keys a restore also needs. Only `backup`/`restore` need it.
LIANYUN_BACKUP_KEYS = env_str("LIANYUN_BACKUP_KEYS", "" if PRODUCTION else _DEV_BACKUP_KEYS)
# Ed25519 seeds that sign publication checkpoints ("id:base64(32 bytes),..."; the first signs,
# all verify): the county's publication key, kept outside the database.
LIANYUN_PUBLICATION_KEYS = env_str(
    "LIANYUN_PUBLICATION_KEYS", "" if PRODUCTION else _DEV_PUBLICATION_KEYS
)
# Witnesses who co-sign checkpoints ("name:base64(32-byte Ed25519 public key),...", see
# docs/operations.md): each runs `lianyun witness` against this site.
LIANYUN_WITNESSES = env_str("LIANYUN_WITNESSES", "")
if PRODUCTION:
    if LIANYUN_BACKUP_KEYS == _DEV_BACKUP_KEYS:
        raise ImproperlyConfigured("LIANYUN_BACKUP_KEYS is the public development value")
    for _name, _value in [
        ("LIANYUN_SECRET_KEY", SECRET_KEY),
        ("LIANYUN_DATA_KEYS", LIANYUN_DATA_KEYS),
        ("LIANYUN_INDEX_KEY", LIANYUN_INDEX_KEY),
        ("LIANYUN_PUBLICATION_KEYS", LIANYUN_PUBLICATION_KEYS),
    ]:
        if not _value:
            raise ImproperlyConfigured(f"{_name} must be set in production")
        if _value in {_DEV_SECRET_KEY, _DEV_DATA_KEYS, _DEV_INDEX_KEY, _DEV_PUBLICATION_KEYS}:
            raise ImproperlyConfigured(f"{_name} is the public development value")

# The address villagers' phones reach, printed as QR codes on notices (e.g. http://lianyun.pc.gov.cn);
# empty: the address of the request that printed the notice.
LIANYUN_PUBLIC_URL = env_str("LIANYUN_PUBLIC_URL", "")
ALLOWED_HOSTS = env_list("LIANYUN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("LIANYUN_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "huey.contrib.djhuey",
    "lianyun.core",
    "lianyun.regions",
    "lianyun.people",
    "lianyun.accounts",
    "lianyun.cases",
    "lianyun.petitions",
    "lianyun.policies",
    "lianyun.ledger",
    "lianyun.publications",
    "lianyun.disclosure",
    "lianyun.inquiries",
    "lianyun.exams",
    "lianyun.learning",
    "lianyun.talks",
    "lianyun.redflags",
    "lianyun.dashboard",
    "lianyun.surveys",
    "lianyun.inspections",
    "lianyun.portal",
    "lianyun.workspace",
    "lianyun.demo",
]

MIDDLEWARE = [
    "lianyun.core.middleware.RequestSizeLimitMiddleware",
    "lianyun.core.middleware.NulCharacterMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lianyun.core.middleware.FriendlyNotFoundMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lianyun.accounts.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Axes last: it turns a locked-out login into our lockout page.
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# Database: embedded SQLite (WAL, synchronous=FULL) unless DATABASE_URL names another.
DATA_DIR = Path(env_str("LIANYUN_DATA_DIR", str(BASE_DIR / "var")))
# The embedded database, the task queue file and uploads live here; a fresh checkout has none.
DATA_DIR.mkdir(parents=True, exist_ok=True)
_database_url = env_str("DATABASE_URL", "")
# A writer waits up to 30 s for the lock rather than fail: a busy minute on a loaded machine
# must cost a villager a wait, never their petition.
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL;PRAGMA synchronous=FULL;PRAGMA busy_timeout=30000;"
    # 64 MiB of page cache per connection (taken only as used): imports and lookups touch
    # indexes keyed by random hashes.
    "PRAGMA cache_size=-65536;"
)


def _sqlite(name: str) -> dict[str, Any]:
    """The embedded database's settings. Every SQLite database gets them, whether it is the
    default file or named by DATABASE_URL=sqlite:///…: without them SQLite falls back to
    rollback journaling with no busy timeout, and concurrent writers fail with "database is
    locked". lianyun.core.checks refuses a SQLite database configured any other way."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": name,
        "OPTIONS": {
            # IMMEDIATE: writers take the lock up front instead of failing on upgrade.
            "transaction_mode": "IMMEDIATE",
            "init_command": SQLITE_PRAGMAS,
        },
        # Kept open between requests as on PostgreSQL: a new connection would run the pragmas
        # and start with an empty page cache on every request.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        # Tests use a file too, so that concurrent submissions meet SQLite's real locking.
        "TEST": {"NAME": str(Path(name).with_name("test.sqlite3"))},
    }


def _postgres(parsed: dict[str, Any]) -> dict[str, Any]:
    """PostgreSQL's settings as DATABASE_URL gives them, with generic plans for prepared
    statements. Django never prepares its own; the payout lookup is prepared on purpose (a
    person's year on the month-partitioned ledger planned afresh each time cost more than
    running it, and its generic plan prunes the months as it runs). Statements in the ledger's
    trigger functions take no parameters, so their plans are the same either way."""
    options = dict(parsed.get("OPTIONS", {}))
    given = str(options.get("options", ""))
    options["options"] = f"{given} -c plan_cache_mode=force_generic_plan".strip()
    # Django turns psycopg's prepared statements off; this turns them on only where a statement
    # asks (prepare=True): no statement is run this often to be prepared by count.
    options.setdefault("prepare_threshold", 2**31 - 1)
    return {**parsed, "OPTIONS": options}


if _database_url:
    _parsed = dj_database_url.parse(_database_url, conn_max_age=60)
    _is_sqlite = _parsed["ENGINE"] == "django.db.backends.sqlite3"
    DATABASES = {
        "default": _sqlite(str(_parsed["NAME"])) if _is_sqlite else _postgres(dict(_parsed))
    }
else:
    DATABASES = {"default": _sqlite(str(DATA_DIR / "lianyun.sqlite3"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work (notifications, the nightly housekeeping) runs in huey: Redis when given,
# else a SQLite file beside the database. In development tasks run inline, at once.
HUEY = {
    "name": "lianyun",
    "immediate": env_bool("LIANYUN_TASKS_IMMEDIATE", not PRODUCTION),
    "consumer": {"workers": 2, "worker_type": "thread"},
}
if env_str("REDIS_URL", ""):
    HUEY |= {"huey_class": "huey.RedisHuey", "url": env_str("REDIS_URL", "")}
else:
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "tasks.sqlite3")}

# Text messages to named petitioners. The console backend prints them (phone masked); a
# county plugs in its gateway by naming a class with the same send() method.
LIANYUN_SMS_BACKEND = env_str("LIANYUN_SMS_BACKEND", "lianyun.core.sms.ConsoleBackend")

# Redis, when given, carries the cache (and with it login throttling counters).
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "lianyun.core.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions live in the database, read through the cache when Redis is there, so any of several
# application servers serves any request.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Official sessions: idle and absolute limits (docs/security.md: ≤ 30 min, ≤ 12 h).
LIANYUN_SESSION_IDLE_MINUTES = env_int("LIANYUN_SESSION_IDLE_MINUTES", 30, minimum=1, maximum=30)
LIANYUN_SESSION_ABSOLUTE_HOURS = env_int(
    "LIANYUN_SESSION_ABSOLUTE_HOURS", 12, minimum=1, maximum=12
)
SESSION_COOKIE_AGE = LIANYUN_SESSION_ABSOLUTE_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Login throttling keyed on the account, not the IP (a village shares one address):
# the sixth bad try is refused, and the lock lifts by itself after the cool-off.
AXES_FAILURE_LIMIT = env_int("LIANYUN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LIANYUN_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "lianyun.accounts.views.locked_out"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
# axes.W006 asks to key on the IP too; we key on the account on purpose (see above).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Limits on guessing (docs/security.md S6): keyed on the target and the browser session, never on
# the IP address (a village shares one, and reporter flows must not keep it).
# (attempts, window in seconds)
# Limits count on the client's network address (read through LIANYUN_TRUSTED_PROXIES), most
# of them joined to what the request is about, so that a stranger's tries never lock the
# owner out (lianyun.core.limits). (count, seconds)
LIANYUN_LIMITS = {
    # Wrong receipts: per receipt and client, and a ceiling per client.
    "receipt_per_target_client": (10, 86400),
    "receipt_per_client": (300, 3600),
    # Personal payout lookup (S7): failures per person looked up and client; every answer
    # counts toward the client's ceiling, high enough for a village behind one address.
    "lookup_failures_per_target_client": (10, 86400),
    "lookup_per_client": (600, 3600),
    # Codes texted for a lookup, counted only when name and ID match (only then is one sent):
    # per person and client, and per person from everyone, so that nobody's phone is flooded.
    "lookup_codes_per_target_client": (3, 86400),
    "lookup_codes_per_target": (10, 86400),
    # Public questions a villager may ask in a day (the moderators read every one).
    "questions_per_asker": (5, 86400),
    # Wrong paper-ballot codes (a code has 80 random bits) from one address in a day.
    "ballot_codes_per_client": (200, 86400),
    # Not limits but what sets the cost of proof of work (lianyun.core.pow): challenges asked
    # per address (10 minutes), failures per address (an hour), challenges asked by everyone
    # in a minute. The counts only raise the cost; they never refuse anyone.
    "pow_asked_per_client": (10**9, 600),
    "pow_failures_per_client": (10**9, 3600),
    "pow_asked": (10**9, 60),
}
# Proof of work on anonymous submissions: ALTCHA v2, PBKDF2/SHA-256 with `cost` iterations per
# try; the client finds a secret counter below counter × 2**level, so it makes counter/2 tries
# on average at level 0. The level rises by one for each doubling of an address's challenges
# past calm_per_client in 10 minutes, for every failures_per_step failures in an hour, and
# for each doubling of all challenges past calm_per_minute.
LIANYUN_POW = {
    "algorithm": "PBKDF2/SHA-256",
    "cost": env_int("LIANYUN_POW_COST", 1000, minimum=1, maximum=10**6),
    "counter": env_int("LIANYUN_POW_COUNTER", 200, minimum=1, maximum=10**6),
    "max_level": 10,
    "minutes": 30,
    "calm_per_client": 20,
    "failures_per_step": 3,
    "calm_per_minute": 120,
}
# The proxies whose X-Forwarded-For is believed (nginx in front: docs/operations.md).
LIANYUN_TRUSTED_PROXIES = env_list("LIANYUN_TRUSTED_PROXIES", ["127.0.0.1/32", "::1/128"])
for _proxy in LIANYUN_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(
            f"LIANYUN_TRUSTED_PROXIES: {_proxy!r} is not a network"
        ) from _error
# How long a successful payout lookup stays open in the browser (to file a dispute).
LIANYUN_LOOKUP_MINUTES = 10
# 三务公开: the day of the month by which last month's finances (and, in a quarter's first
# month, last quarter's party and village affairs) must be posted.
LIANYUN_DISCLOSURE_DUE_DAY = env_int("LIANYUN_DISCLOSURE_DUE_DAY", 15, minimum=1, maximum=28)
# 阳光问廉: working days the county commission takes to screen a public question, and the
# addressee to answer it (each answer round); the satisfaction a meeting's panel must give an
# official (per cent of the votes cast), below which the official is flagged to the commission.
LIANYUN_INQUIRY_SCREEN_DAYS = env_int("LIANYUN_INQUIRY_SCREEN_DAYS", 2, minimum=1, maximum=30)
LIANYUN_INQUIRY_ANSWER_DAYS = env_int("LIANYUN_INQUIRY_ANSWER_DAYS", 5, minimum=1, maximum=60)
LIANYUN_MEETING_THRESHOLD = env_int("LIANYUN_MEETING_THRESHOLD", 60, minimum=1, maximum=100)
# 村居巡检: the day of the following month by which a group's monthly report must be signed,
# and the town commission's summary sent.
LIANYUN_INSPECTION_REPORT_DAY = env_int("LIANYUN_INSPECTION_REPORT_DAY", 5, minimum=1, maximum=28)
LIANYUN_INSPECTION_SUMMARY_DAY = env_int(
    "LIANYUN_INSPECTION_SUMMARY_DAY", 10, minimum=1, maximum=28
)
# 民意测评: the fewest answers a target needs before its results show (a survey may set its
# own), how many answers wait in the mixing pool before any are written out (each written
# answer hides among at least this many), and each town's sample by registered population
# (docs/domain.md's bands: 100万+ → 400, 50万+ → 350, 20万+ → 300, fewer → 200).
LIANYUN_SURVEY_MIN_ANSWERS = env_int("LIANYUN_SURVEY_MIN_ANSWERS", 10, minimum=1, maximum=1000)
LIANYUN_SURVEY_MIX_SIZE = env_int("LIANYUN_SURVEY_MIX_SIZE", 10, minimum=2, maximum=1000)
LIANYUN_SURVEY_SAMPLE_BANDS = [(1_000_000, 400), (500_000, 350), (200_000, 300), (0, 200)]
# A code texted as the second factor: minutes it lasts, and tries before it is spent.
LIANYUN_LOOKUP_CODE_MINUTES = 5
LIANYUN_LOOKUP_CODE_TRIES = 3

# Uploads (docs/security.md S19): each file, and a whole request, are capped; a request over the cap
# is refused with 413 before its body is read.
# 大数据比对: the rules' thresholds (items by their catalogue code).
LIANYUN_CROSSCHECK = {
    # Items a person on the public payroll may not receive (docs/domain.md §1.4).
    "closed_to_employees": env_list(
        "LIANYUN_CROSSCHECK_CLOSED_ITEMS", ["dibao", "destitute_support"]
    ),
    # Items a village cadre or their relative may receive only with a separate filing.
    "sensitive_items": env_list(
        "LIANYUN_CROSSCHECK_SENSITIVE_ITEMS", ["dibao", "destitute_support", "temporary_assistance"]
    ),
    "shared_account_persons": env_int("LIANYUN_CROSSCHECK_SHARED_ACCOUNT", 3, minimum=1),
    "over_standard_tolerance": env_int("LIANYUN_CROSSCHECK_TOLERANCE_PERCENT", 0, minimum=0),
    "late_paid_days": env_int("LIANYUN_CROSSCHECK_LATE_DAYS", 30, minimum=1),
    # item: (lowest age, highest age or None), at the end of the period paid for.
    "age_bands": {"old_age_allowance": (80, None)},
}
# Open statistics: a count below this (and above zero) is shown as "<N", never as itself.
LIANYUN_PUBLIC_MIN_COUNT = env_int("LIANYUN_PUBLIC_MIN_COUNT", 3, minimum=1, maximum=100)

# The commissions' overview is cached: never shown older than stale_seconds; the task queue
# refreshes what was opened in the last day once the data changes, and refresh_margin_seconds
# before it would go stale.
LIANYUN_DASHBOARD = {
    "stale_seconds": env_int("LIANYUN_DASHBOARD_STALE_SECONDS", 300, minimum=0, maximum=86400),
    "refresh_margin_seconds": env_int(
        "LIANYUN_DASHBOARD_REFRESH_MARGIN_SECONDS", 90, minimum=0, maximum=86400
    ),
}
LIANYUN_UPLOAD_MAX_BYTES = env_int("LIANYUN_UPLOAD_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
LIANYUN_UPLOAD_MAX_FILES = 10
# Articles' recordings and videos, and talks' recordings (inside the request limit below).
LIANYUN_MEDIA_MAX_BYTES = env_int("LIANYUN_MEDIA_MAX_BYTES", 30 * 1024 * 1024, minimum=1024)
LIANYUN_REQUEST_MAX_BYTES = env_int("LIANYUN_REQUEST_MAX_BYTES", 32 * 1024 * 1024, minimum=1024)
# Payout files from the one-card platform are larger; only signed-in importers reach these paths.
LIANYUN_PAYOUT_FILE_MAX_BYTES = env_int(
    "LIANYUN_PAYOUT_FILE_MAX_BYTES", 256 * 1024 * 1024, minimum=1024
)
LIANYUN_PAYOUT_FILE_PATHS = ("/payouts/uploads/", "/api/v1/payout-batches")
LIANYUN_IMAGE_MAX_PIXELS = 40_000_000
MEDIA_ROOT = DATA_DIR / "media"

# Retention: days after a case ends before it and its files are deleted (docs/security.md S22).
LIANYUN_RETENTION_DAYS = {
    "petition": env_int("LIANYUN_RETENTION_PETITION_DAYS", 5 * 365, minimum=1),
}
FILE_UPLOAD_TEMP_DIR = None  # the system's; Django removes its temporary files after the request

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "lianyun" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# The app's own files, and the ALTCHA widget from npm (vendor/package-lock.json; `make widgets`).
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/altcha", BASE_DIR / "vendor" / "node_modules" / "altcha" / "dist"),
]
STATIC_ROOT = DATA_DIR / "static"

# Security headers. CSP: nonces for scripts, nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("LIANYUN_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs go to standard output (systemd's journal keeps them): JSON lines in production (or with
# LIANYUN_LOG_FORMAT=json), plain text in development; either way through a filter that blots
# out ID, phone and card numbers. No request logger writes addresses or user agents.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "lianyun.core.logs.RedactFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact"],
            "formatter": env_choice(
                "LIANYUN_LOG_FORMAT", "json" if PRODUCTION else "text", ("json", "text")
            ),
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LIANYUN_LOG_LEVEL", "WARNING")},
}
