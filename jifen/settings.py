"""The one settings file of jifen, driven by environment variables (django-environ).

Every variable is listed in README.md. A `.env` file beside pyproject.toml is read if it exists
(`make run` writes one with fresh random keys for local use).
"""

import base64
import hashlib
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
DATA_DIR = Path(env("JIFEN_DATA_DIR", default=str(BASE_DIR / "data")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY 未设置：DEBUG 关闭时必须提供 SECRET_KEY 环境变量。")
    SECRET_KEY = "dev-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz-jifen"
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

# Field encryption keys for personal data: "2:<base64>,1:<base64>" (the first is current) or one
# bare base64 key (version 1). Required outside DEBUG, like SECRET_KEY.
JIFEN_FIELD_KEY = env("JIFEN_FIELD_KEY", default="")
if not JIFEN_FIELD_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("JIFEN_FIELD_KEY 未设置：DEBUG 关闭时必须提供个人信息加密密钥。")
    JIFEN_FIELD_KEY = "ZGV2LW9ubHktZmllbGQta2V5LWRvLW5vdC11c2UtISE="  # 32 bytes, dev only

# Key of the audit log's hash chain. Keep it stable: rows are verified with it for years (if
# SECRET_KEY ever rotates, set this to the old derived value first). Defaults to SECRET_KEY.
JIFEN_AUDIT_KEY = env("JIFEN_AUDIT_KEY", default=SECRET_KEY)

# Key of `jifen backup` archives (base64, 32 bytes). Keep it away from the backups; defaults
# to a key derived from JIFEN_FIELD_KEY so that a development backup works out of the box.
# Production sets it explicitly: the derived default changes whenever the JIFEN_FIELD_KEY text
# does (a key rotation), and older backups would no longer open; `jifen rotate_field_key`
# refuses to rotate while it is derived.
JIFEN_BACKUP_KEY = env("JIFEN_BACKUP_KEY", default="")
JIFEN_BACKUP_KEY_DERIVED = not JIFEN_BACKUP_KEY
if JIFEN_BACKUP_KEY_DERIVED:
    JIFEN_BACKUP_KEY = base64.b64encode(
        hashlib.sha256(b"jifen-backup:" + JIFEN_FIELD_KEY.encode()).digest()).decode()

# Whether members' ID-card numbers are collected at all (forms, roster import, API). Switched
# off, nothing new is stored; numbers stored earlier stay until `jifen purge_id_numbers`.
JIFEN_COLLECT_ID_NUMBER = env.bool("JIFEN_COLLECT_ID_NUMBER", default=True)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "jifen.core",
    "jifen.audit",
    "jifen.org",
    "jifen.accounts",
    "jifen.schemes",
    "jifen.scoring",
    "jifen.publicity",
    "jifen.results",
    "jifen.commitments",
    "jifen.reports",
    "jifen.imports",
    "jifen.supervision",
    "jifen.scale",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jifen.accounts.middleware.SessionTouchMiddleware",  # renews the idle expiry once a minute
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified()
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "jifen.audit.context.AuditContextMiddleware",
    "jifen.core.middleware.NoStoreForAuthenticatedMiddleware",
    # after auth, messages, htmx and the audit context: they end sessions and force changes
    "jifen.accounts.middleware.SessionLifetimeMiddleware",
    "jifen.accounts.middleware.PasswordChangeRequiredMiddleware",
    "jifen.accounts.middleware.TwoFactorRequiredMiddleware",
    # axes last, as its documentation asks
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jifen.urls"
WSGI_APPLICATION = "jifen.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jifen.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'jifen.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE: a writing transaction takes the write lock at BEGIN, so two writers queue
    # instead of failing half-way with "database is locked". WAL lets readers go on meanwhile.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Optional PostgreSQL streaming replica: only views marked @replica_reads read from it
# (jifen.core.dbrouter; docs/deploy.md), every write and every other read stays on "default".
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url("DATABASE_REPLICA_URL")
    DATABASES["replica"].setdefault("CONN_MAX_AGE", DATABASES["default"].get("CONN_MAX_AGE", 0))
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASE_ROUTERS = ["jifen.core.dbrouter.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Password policy (jifen.accounts.passwords; every message in Chinese).
JIFEN_PASSWORD_MIN_LENGTH = env.int("JIFEN_PASSWORD_MIN_LENGTH", default=10)
JIFEN_PASSWORD_MIN_CLASSES = env.int("JIFEN_PASSWORD_MIN_CLASSES", default=3)
JIFEN_PASSWORD_HISTORY = env.int("JIFEN_PASSWORD_HISTORY", default=5)
JIFEN_PASSWORD_MAX_AGE_DAYS = env.int("JIFEN_PASSWORD_MAX_AGE_DAYS", default=90)  # 0 = never
if not 8 <= JIFEN_PASSWORD_MIN_LENGTH <= 128:
    raise ImproperlyConfigured("JIFEN_PASSWORD_MIN_LENGTH 须在 8 到 128 之间。")
if not 1 <= JIFEN_PASSWORD_MIN_CLASSES <= 4:
    raise ImproperlyConfigured("JIFEN_PASSWORD_MIN_CLASSES 须在 1 到 4 之间。")
if JIFEN_PASSWORD_HISTORY < 0 or JIFEN_PASSWORD_MAX_AGE_DAYS < 0:
    raise ImproperlyConfigured("JIFEN_PASSWORD_HISTORY 和 JIFEN_PASSWORD_MAX_AGE_DAYS 不能为负数。")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "jifen.accounts.passwords.LengthValidator",
     "OPTIONS": {"min_length": JIFEN_PASSWORD_MIN_LENGTH, "max_length": 128}},
    {"NAME": "jifen.accounts.passwords.CharacterClassValidator",
     "OPTIONS": {"min_classes": JIFEN_PASSWORD_MIN_CLASSES}},
    {"NAME": "jifen.accounts.passwords.CommonPasswordValidator"},
    {"NAME": "jifen.accounts.passwords.PersonalInfoValidator"},
    {"NAME": "jifen.accounts.passwords.HistoryValidator",
     "OPTIONS": {"count": JIFEN_PASSWORD_HISTORY}},
]
FORM_RENDERER = "jifen.core.forms.BootstrapFormRenderer"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout by username only: a campus shares one NAT address, so locking by IP would lock out
# everyone behind it (axes.W006 is silenced for that reason; put nginx limit_req in front).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# Count the 30 minutes from the fifth failure: more attempts while locked do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "jifen.accounts.views.lockout_response"
AXES_VERBOSE = False

SESSION_COOKIE_AGE = 30 * 60  # idle timeout: activity pushes the expiry 30 minutes on
# ... at most once a minute (SessionTouchMiddleware), not with a write on every request
JIFEN_SESSION_TOUCH_SECONDS = env.int("JIFEN_SESSION_TOUCH_SECONDS", default=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Absolute lifetime: however active, a session ends this long after its login.
JIFEN_SESSION_ABSOLUTE_HOURS = env.int("JIFEN_SESSION_ABSOLUTE_HOURS", default=8)
if JIFEN_SESSION_ABSOLUTE_HOURS < 1:
    raise ImproperlyConfigured("JIFEN_SESSION_ABSOLUTE_HOURS 至少为 1。")
# Two-factor login (jifen.accounts.twofactor): TOTP through django-otp, always for the org
# department, the security roles and superusers; for general-branch reviewers when this says so.
JIFEN_2FA_REVIEWERS = env.bool("JIFEN_2FA_REVIEWERS", default=False)
OTP_TOTP_ISSUER = env("JIFEN_2FA_ISSUER", default="党员积分管理系统")
OTP_TOTP_SYNC = False  # never learn a drift: the window stays the server's step ±1 (tolerance 1)
OTP_TOTP_THROTTLE_FACTOR = 1  # after n failures in a row the next try waits 2^(n-1) seconds

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise expects it even before collectstatic
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Front-end packages come from the npm registry at setup (not committed); serve their dist folders.
NODE_MODULES = BASE_DIR / "node_modules"
for prefix, sub in [
    ("vendor/bootstrap", "bootstrap/dist"),
    ("vendor/bootstrap-icons", "bootstrap-icons/font"),
    ("vendor/echarts", "echarts/dist"),
]:
    if (NODE_MODULES / sub).is_dir():
        STATICFILES_DIRS.append((prefix, NODE_MODULES / sub))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names in production (after `jifen collectstatic`); plain names for runserver
        # and tests, which serve straight from the app and node_modules folders.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("JIFEN_STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = DATA_DIR / "media"  # uploaded evidence: never served directly, only through views

# Security headers. Secure cookies and HTTPS follow DEBUG: production is HTTPS behind nginx.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Content-Security-Policy (django-csp): scripts only from our own static files, never inline;
# inline *styles* are allowed because ECharts positions its tooltips with style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Documented silences (README "Deployment"):
#  axes.W006  lockout by username only, on purpose (campus NAT);
#  security.W005 / W021  HSTS subdomains/preload are only right when the whole domain is HTTPS.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "security.W005", "security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
AUTH_USER_MODEL = "accounts.User"
JIFEN_API_TOKEN_HOURS = env.int("JIFEN_API_TOKEN_HOURS", default=12)
JIFEN_API_RATE = env("JIFEN_API_RATE", default="120/m")  # per user
JIFEN_API_ANON_RATE = env("JIFEN_API_ANON_RATE", default="300/m")  # per address: token endpoint
