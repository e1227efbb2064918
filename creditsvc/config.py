"""Configuration read from the environment, once, when the app is created."""

from __future__ import annotations

import os
import secrets
from datetime import date, timedelta
from pathlib import Path

from cryptography.fernet import Fernet

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def database_url(raw: str | None, instance_path: Path) -> str:
    """The SQLAlchemy URL: PostgreSQL goes through psycopg 3; unset means a SQLite file."""
    if not raw:
        return f"sqlite:///{instance_path / 'creditsvc.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def persistent_secret(instance_path: Path, name: str, make) -> str:
    """A secret kept in the instance folder (mode 0600), made on first use.

    `make run` without SECRET_KEY or PERSONAL_DATA_KEY must not lose sessions or,
    worse, make stored personal data undecryptable at the next restart.
    """
    path = instance_path / name
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(make())
    return path.read_text().strip()


def demo_signing_file(instance_path: Path, which: str) -> Path:
    """Where the demo's signing key ("key") or certificate ("cert") is kept."""
    return instance_path / "signing" / f"{which}.pem"


def _floats(raw: str) -> tuple[float, ...]:
    """A comma-separated list of numbers, e.g. "0.1,0.2,0.35"."""
    return tuple(float(part) for part in raw.split(","))


def _listed(raw: str) -> tuple[str, ...]:
    """A comma-separated list of words, e.g. URLs; blank items dropped."""
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def load(instance_path: Path, overrides: dict | None = None) -> dict:
    """Build the Flask config mapping from the environment plus explicit overrides."""
    env = os.environ
    config = {
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL"), instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Hot standbys of DATABASE_URL (PostgreSQL streaming replication; issue 21), comma-
        # separated, that anonymous public reads are answered from (creditsvc.replicas);
        # empty: none, everything on the primary. A standby further behind the primary than
        # REPLICA_MAX_LAG_SECONDS is not read from: a grade or a revoked document shown
        # that much later than on the primary is as stale as the public may see it.
        # Each process checks its standbys' lag at most every REPLICA_CHECK_SECONDS (not on
        # every request), and sets one whose connection failed aside for
        # REPLICA_RETRY_SECONDS, its public reads going to the primary meanwhile.
        "DATABASE_REPLICA_URLS": _listed(env.get("DATABASE_REPLICA_URLS", "")),
        "REPLICA_MAX_LAG_SECONDS": float(env.get("REPLICA_MAX_LAG_SECONDS", "30")),
        "REPLICA_CHECK_SECONDS": float(env.get("REPLICA_CHECK_SECONDS", "5")),
        "REPLICA_RETRY_SECONDS": float(env.get("REPLICA_RETRY_SECONDS", "30")),
        "REDIS_URL": env.get("REDIS_URL") or None,
        "SECRET_KEY": env.get("SECRET_KEY"),
        "PERSONAL_DATA_KEY": env.get("PERSONAL_DATA_KEY"),
        "STORAGE_DIR": env.get("STORAGE_DIR") or str(instance_path / "storage"),
        "BUREAU_NAME": env.get("BUREAU_NAME", "上海市市场监督管理局"),
        # The address the public reaches the site on, printed on every document and in
        # every QR code. Unset or a loopback address, public documents are refused, except
        # in the demo (CREDITSVC_DEMO=1, set by `make run`, which passes the address it
        # serves on): a QR code pointing at 127.0.0.1 reaches nobody (issue 18).
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL") or None,
        "DEMO": env.get("CREDITSVC_DEMO", "0") == "1",
        # The bureau's signature on every published PDF (notices.signing, PAdES): its RSA key
        # and certificate, PEM or DER, intermediate certificates if any, and the bureau's name
        # the signature gives. Unset, the demo's pair under instance/signing/, which only
        # `creditsvc demo-signing-key` (run by `make run`) makes.
        "SIGNING_KEY_FILE": env.get("SIGNING_KEY_FILE")
        or str(demo_signing_file(instance_path, "key")),
        "SIGNING_CERT_FILE": env.get("SIGNING_CERT_FILE")
        or str(demo_signing_file(instance_path, "cert")),
        "SIGNING_CHAIN_FILE": env.get("SIGNING_CHAIN_FILE") or None,
        "SIGNING_KEY_PASSPHRASE": env.get("SIGNING_KEY_PASSPHRASE") or None,
        "SIGNING_BUREAU_NAME": env.get("SIGNING_BUREAU_NAME") or None,  # unset: BUREAU_NAME
        # Largest PDF /verify accepts for a check by upload (bytes).
        "VERIFY_UPLOAD_MAX_BYTES": int(env.get("VERIFY_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024))),
        # A browser session ends 8 hours after log-in, or after SESSION_IDLE_MINUTES
        # without a request, whichever comes first (creditsvc/web/account.py).
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
        "SESSION_IDLE_MINUTES": 30,
        # Only a response that changes the session sends the cookie again. Otherwise a slow
        # request the page made earlier (the business finder's lookup) answers after a form's
        # redirect and puts back the cookie from before it, taking the form's message away.
        # The server keeps the idle and absolute limits (services/accounts/sessions.py).
        "SESSION_REFRESH_EACH_REQUEST": False,
        # Log-in throttling (services/accounts/login_throttle.py): failures counted over the
        # window, on the rate limiter's storage.
        "LOGIN_WINDOW_SECONDS": 15 * 60,
        "LOGIN_MAX_FAILURES_PER_USERNAME": 5,
        "LOGIN_MAX_FAILURES_PER_IP": 50,
        # Per client address, on the public side (creditsvc/rate_limits.py): lookups and
        # searches, in the open-data API and on the public site together, and CSV exports
        # (each a whole listing). Many phones scanning placards may share one carrier
        # address, so the first is generous. Flask-Limiter's notation ("N per minute").
        "RATE_LIMIT_PUBLIC_READS": env.get("RATE_LIMIT_PUBLIC_READS", "1200 per minute"),
        "RATE_LIMIT_PUBLIC_EXPORTS": env.get("RATE_LIMIT_PUBLIC_EXPORTS", "20 per minute"),
        # Counts shared by every worker and app host in Redis; a Redis that does not answer
        # within a second is set aside for each worker's memory until it is back.
        "RATELIMIT_KEY_PREFIX": "creditsvc",
        "RATELIMIT_STRATEGY": "fixed-window",
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE", "0") == "1",
        # Behind a TLS-terminating proxy: how many proxies' X-Forwarded-* headers to trust
        # (0 trusts none, so a client cannot claim https). HSTS is sent on https requests.
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
        "WTF_CSRF_TIME_LIMIT": None,
        # Bearer-token API calls carry no cookie, so CSRF applies to the browser
        # forms only; the API blueprints are exempted where they are registered.
        "WTF_CSRF_CHECK_DEFAULT": True,
        "API_TITLE": "诚信计量 credit service API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "JSON_SORT_KEYS": False,
        "BABEL_DEFAULT_LOCALE": "zh",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
        "PAGE_SIZE_MAX": 200,
        "PASSWORD_HASH_METHOD": "scrypt",
        # 《市场监督管理行政处罚信息公示规定》第十三条: a low fine is published for 3 months,
        # others for 3 years; the province sets "low". Shanghai's figure was not found:
        # uncertain, so a setting (yuan).
        "EXPOSURE_LOW_FINE_YUAN": int(env.get("EXPOSURE_LOW_FINE_YUAN", "10000")),
        # Public answers (a business's record, a page of the public listing) are stored
        # until what they show changes (services.public_cache). Without Redis a worker
        # keeps its own at most PUBLIC_CACHE_SECONDS (0: nothing is kept at all), since it
        # would not hear of a change; each worker keeps at most PUBLIC_CACHE_ENTRIES.
        "PUBLIC_CACHE_SECONDS": int(env.get("PUBLIC_CACHE_SECONDS", "60")),
        "PUBLIC_CACHE_ENTRIES": int(env.get("PUBLIC_CACHE_ENTRIES", "20000")),
        # In Redis a record is replaced on every change; this is only a safety bound, past
        # the nightly roll that replaces every record. A listing's answer is dropped when
        # a record it may show changes, and otherwise goes after PUBLIC_LISTING_SECONDS.
        "PUBLIC_ANSWER_SECONDS": int(env.get("PUBLIC_ANSWER_SECONDS", str(2 * 86400))),
        "PUBLIC_LISTING_SECONDS": int(env.get("PUBLIC_LISTING_SECONDS", "600")),
        # How long a browser or proxy may keep a public answer: it adds to the time a
        # changed grade may still be seen, so it is short.
        "PUBLIC_HTTP_SECONDS": int(env.get("PUBLIC_HTTP_SECONDS", "5")),
        # Businesses whose records one job rebuilds after a change (a full rescore queues
        # one job per batch, so other jobs and the web tier are not held up long).
        "PUBLIC_REFRESH_BATCH": int(env.get("PUBLIC_REFRESH_BATCH", "2000")),
        # The licence the open data is offered under (issue 22), named in the open-data
        # catalogue and its DCAT JSON-LD. DESIGN.md names none and the bureau has not chosen
        # one: unset, the catalogue points at its own terms (reuse with attribution to the
        # bureau, no endorsement implied) until the bureau names a licence here.
        "OPEN_DATA_LICENCE_URL": env.get("OPEN_DATA_LICENCE_URL") or None,
        "OPEN_DATA_LICENCE_NAME": env.get("OPEN_DATA_LICENCE_NAME") or None,
        # A business's badge (/badge/<uscc>.svg, .png) may be kept this long by browsers and
        # proxies: a page that embeds it loads it on every visit, while a grade changes a few
        # times a year; a withdrawn or lowered grade reaches a page within this time.
        "BADGE_CACHE_SECONDS": int(env.get("BADGE_CACHE_SECONDS", "300")),
        # PostgreSQL parallel workers for the readings tally of a full rescore (its pass
        # over every reading); every other statement runs in one process (database.py).
        "TALLY_PARALLEL_WORKERS": int(env.get("TALLY_PARALLEL_WORKERS", "2")),
        # The honest-metrology programme (rules.md §5): accepted demonstration communities
        # are re-evaluated every few years (3 to 5 seen), officers reminded this many days
        # before; a demonstration unit's designation is valid for this many years.
        "COMMUNITY_REEVALUATION_YEARS": int(env.get("COMMUNITY_REEVALUATION_YEARS", "3")),
        "COMMUNITY_REMINDER_DAYS": int(env.get("COMMUNITY_REMINDER_DAYS", "60")),
        "DEMONSTRATION_UNIT_VALID_YEARS": int(env.get("DEMONSTRATION_UNIT_VALID_YEARS", "3")),
        # Spreadsheet imports (issue 17). An XLSX is a zip: its directory is checked before
        # anything is decompressed. The largest sheet allowed (200,000 rows of about twenty
        # columns) unpacks to well under 256 MB of XML; sheet XML compresses about 10 to 20
        # times, so a ratio above 100 is a zip bomb, not a workbook; a workbook has a few
        # dozen parts, never thousands.
        "IMPORT_XLSX_MAX_UNPACKED_BYTES": int(
            env.get("IMPORT_XLSX_MAX_UNPACKED_BYTES", str(256 * 1024 * 1024))
        ),
        "IMPORT_XLSX_MAX_RATIO": int(env.get("IMPORT_XLSX_MAX_RATIO", "100")),
        "IMPORT_XLSX_MAX_ENTRIES": int(env.get("IMPORT_XLSX_MAX_ENTRIES", "1000")),
        # Without a worker (no REDIS_URL) an import runs inside the web request, which
        # gunicorn kills after its timeout (Procfile): a file larger than this is refused
        # before any work, with a message to run a worker (rq) for it.
        "INLINE_IMPORT_MAX_ROWS": int(env.get("INLINE_IMPORT_MAX_ROWS", "10000")),
        "COMMITMENT_DOCUMENT_MAX_BYTES": int(env.get("COMMITMENT_DOCUMENT_MAX_BYTES", "5242880")),
        # A write's Idempotency-Key (issue 17) is answered from its first answer for this
        # many hours; the scheduler forgets older keys every hour.
        "IDEMPOTENCY_KEY_HOURS": int(env.get("IDEMPOTENCY_KEY_HOURS", "24")),
        # Issue 22: /statistics shows this many Shanghai months (two years of trends); the
        # nightly refresh recomputes only the latest few, since an older month changes only
        # by a void (`creditsvc statistics refresh --all` recomputes every one).
        "STATISTICS_MONTHS": int(env.get("STATISTICS_MONTHS", "24")),
        "STATISTICS_NIGHTLY_MONTHS": int(env.get("STATISTICS_NIGHTLY_MONTHS", "2")),
        # Plausible input (issue 17; creditsvc/schemas/common.py, creditsvc/input_guard.py):
        # every date a request names lies in this range (the programme began in 2017, so
        # older records exist only on paper); a JSON body nests at most this deep (the
        # deepest schema needs 4 levels).
        "INPUT_EARLIEST_DATE": date.fromisoformat(env.get("INPUT_EARLIEST_DATE", "2000-01-01")),
        "INPUT_LATEST_DATE": date.fromisoformat(env.get("INPUT_LATEST_DATE", "2099-12-31")),
        "JSON_MAX_DEPTH": int(env.get("JSON_MAX_DEPTH", "32")),
        # A fair scale keeps its readings while offline and sends them when back; a reading
        # older than this is refused. A scale away for its yearly verification (计量法 第九条)
        # or a market shut over the Spring Festival is gone for weeks, not months, and older
        # readings would rewrite grades already published for the quarter before.
        "READING_MAX_AGE_DAYS": int(env.get("READING_MAX_AGE_DAYS", "90")),
        # rules.md §1 presumes a verified scale (issue 20): a reading taken after the
        # scale's verification fell due is not assessable. With this on, so is a reading
        # from a scale with no verification due date at all (nothing on record); the demo
        # and the test factories give every scale a verification.
        "READINGS_REQUIRE_VERIFICATION_RECORD": env.get("READINGS_REQUIRE_VERIFICATION_RECORD", "1")
        == "1",
        # Readings are partitioned by month on PostgreSQL (issue 21): the nightly maintenance
        # keeps this many months' partitions made ahead of the current one.
        "READINGS_PARTITIONS_AHEAD": int(env.get("READINGS_PARTITIONS_AHEAD", "3")),
        # How long a month of readings is kept in the database after the longest window any
        # rule reads readings over (computed from the scoring policies), before it is
        # archived as compressed CSV under STORAGE_DIR/archive/readings. NOT from the
        # reference: /work/shared/reference states no retention period for these records
        # (计量监督检查记录 保存期限), so a conservative 36 months until the bureau sets one.
        "READINGS_RETENTION_MONTHS": int(env.get("READINGS_RETENTION_MONTHS", "36")),
        # Days ahead of an instrument's verification due date that its holder is told.
        "VERIFICATION_NOTICE_DAYS": int(env.get("VERIFICATION_NOTICE_DAYS", "30")),
        # Notifications are also mailed when a mail server is set; unset means portal only.
        "MAIL_SERVER": env.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "0") == "1",
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_FROM": env.get("MAIL_FROM", "creditsvc@localhost"),
        # The internal risk model (DESIGN.md §6): probability bounds of classes A|B|C|D, and
        # the share of each class a random inspection plan (双随机) draws.
        "RISK_CLASS_THRESHOLDS": _floats(env.get("RISK_CLASS_THRESHOLDS", "0.10,0.20,0.35")),
        "RISK_PLAN_RATIOS": dict(
            zip("ABCD", _floats(env.get("RISK_PLAN_RATIOS", "0.05,0.15,0.40,0.80")), strict=True)
        ),
    }
    config.update(overrides or {})
    # Rate-limit counts live where the jobs do: Redis when configured, else in memory.
    config.setdefault("RATELIMIT_STORAGE_URI", config["REDIS_URL"] or "memory://")
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = persistent_secret(
            instance_path, "secret_key", lambda: secrets.token_hex(32)
        )
    if not config["PERSONAL_DATA_KEY"]:
        config["PERSONAL_DATA_KEY"] = persistent_secret(
            instance_path, "personal_data.key", lambda: Fernet.generate_key().decode()
        )
    return config
