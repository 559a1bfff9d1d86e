"""Settings read from the environment, with defaults that work on a fresh checkout."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


class Config:
    """Defaults for every setting; `from_env` overlays the process environment."""

    # Left empty here: the Makefile derives it from the local cluster when it is unset.
    DATABASE_URL = ""
    # Optional: a PostgreSQL streaming replica of DATABASE_URL that the public readers
    # (dashboard, exports, snapshots, DCAT, OGC API, Open311 GET, public report views) read
    # from; everything that writes, and what staff and authors read, stays on DATABASE_URL.
    # Empty: everything on DATABASE_URL. See docs/scaling.md (lag, failure, more replicas).
    DATABASE_READ_URL = ""
    BOUNDARIES_FILE = str(SHARED_DATA / "be-municipalities-2025.geojson")
    BOUNDARIES_VALID_FROM = "2025-01-01"
    # Population per commune (`flask population load`): Statbel, 1 January 2020, summed onto
    # the communes of 2025; the denominators of the dashboard's rates per 1,000 inhabitants.
    POPULATION_FILE = str(SHARED_DATA / "be-population-2020-by-2025-commune.csv")
    # A point in no commune but at most this far from one goes to the nearest (the
    # simplified boundaries leave thin gaps between neighbours).
    ROUTING_SNAP_DISTANCE_M = 50.0
    # Beyond the snap distance we still name the nearest commune within this radius.
    ROUTING_HINT_DISTANCE_M = 1000.0
    # JSON bodies are small; uploads of photos get their own limit later.
    MAX_CONTENT_LENGTH = 256 * 1024
    # A JSON body nested deeper than this is refused with 400 (no endpoint needs more; the
    # parser recurses once per level). See app/api/hostile.py.
    JSON_MAX_DEPTH = 32
    SQLALCHEMY_POOL_SIZE = 5
    # Photos: limits of an upload, and where the processed files are stored (local or s3).
    PHOTO_MAX_BYTES = 15 * 1024 * 1024
    PHOTO_MAX_PIXELS = 50_000_000
    PHOTOS_PER_REPORT = 5
    # How long after a report's creation its reporter may still add photos to it (POST
    # /reports/{id}/photos with the creation's Idempotency-Key as Report-Key): long enough for
    # a phone that stayed offline, short enough that a leaked key soon stops mattering.
    PHOTO_UPLOAD_WINDOW_DAYS = 7
    PHOTO_STORAGE = "local"
    PHOTO_DIR = str(ROOT / "var" / "photos")
    S3_BUCKET = ""
    S3_ENDPOINT_URL = ""
    S3_PREFIX = "photos/"
    # `flask backup create|restore` run pg_dump and pg_restore from this directory; empty: the
    # one of the server's major version, /usr/lib/postgresql/<major>/bin (Debian's packages).
    BACKUP_PG_BIN = ""

    # Map tiles of the resident app; an empty URL turns the map off (placing still works by
    # the phone's position or the photo's GPS).
    PWA_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    PWA_TILE_ATTRIBUTION = "© OpenStreetMap contributors"

    # Staff accounts. SECRET_KEY signs the session cookies: set it in production; left empty,
    # a random key is made once and kept in SECRET_KEY_FILE (mode 0600) for development.
    SECRET_KEY = ""
    SECRET_KEY_FILE = str(ROOT / "var" / "secret_key")
    # Fernet keys that encrypt the bodies' Open311 API keys (app/delivery/crypto.py), the first
    # encrypting, all decrypting; empty: one key derived from SECRET_KEY.
    DELIVERY_KEYS: tuple[str, ...] = ()
    # Open311 endpoints must use https; true allows plain http anywhere (a closed network),
    # never advisable over the internet.
    DELIVERY_ALLOW_HTTP = False
    # Open311 endpoints must be public servers: an endpoint naming an internal address (this
    # machine, 10/8, 172.16/12, 192.168/16, 169.254/16 cloud metadata, fc00::/7, fe80::/10...)
    # or a local name is refused, and so is a request to a name that resolves to one. True
    # allows them, and plain http to this machine (tests, a closed network, a local tunnel).
    DELIVERY_ALLOW_PRIVATE_ADDRESSES = False
    SESSION_COOKIE_NAME = "pave_session"
    # Secure by default; SESSION_COOKIE_SECURE=false only for local development over http.
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # A staff session lasts a working day after its last request.
    PERMANENT_SESSION_LIFETIME = 12 * 3600
    # Failed logins are counted in Redis when REDIS_URL is set, in PostgreSQL otherwise
    # (table login_throttle): every process shares the counts (app/accounts/login_throttle.py).
    REDIS_URL = ""
    # Failures per email and client address together, before each further attempt from that
    # pair must wait: the window, then twice as long each time, up to LOGIN_BACKOFF_MAX seconds.
    LOGIN_RATE_LIMIT = "5 per minute"
    LOGIN_BACKOFF_MAX = 3600
    # Failures per client address whatever the email (password spraying); then 429 until
    # the window, counted from the first failure, ends.
    LOGIN_ADDRESS_RATE_LIMIT = "20 per minute"
    # Follow requests (each sends a confirmation email), counted in the same store: per address
    # asked for, and per client address; then 429 until the window ends.
    FOLLOW_ADDRESS_RATE_LIMIT = "3 per hour"
    FOLLOW_CLIENT_RATE_LIMIT = "20 per hour"
    # New reports, counted in the same store (app/api/reports/limits.py): the acknowledgement
    # emails per mailbox given as the reporter's (API and Open311); past it the report is still
    # accepted, without its acknowledgement, and the answer says so. And the new reports per
    # client address (POST /api/v1/reports; Open311's come with a staff api_key); then 429
    # until the window ends (the app keeps the report and sends it then). A replayed
    # Idempotency-Key counts once.
    REPORT_EMAIL_RATE_LIMIT = "10 per hour"
    REPORT_CLIENT_RATE_LIMIT = "60 per hour"
    # Residents' comments, per person and report, whichever of their links they use.
    FOLLOW_COMMENT_RATE_LIMIT = "10 per hour"
    # Where the Redis counters live, so that several apps can share one Redis.
    LOGIN_THROTTLE_REDIS_PREFIX = "pave:login:"
    # Public answers the same for everyone (the dashboard's figures) are kept this many
    # seconds, per process or in Redis when REDIS_URL is set; 0 turns it off (app/web/cache.py).
    PUBLIC_CACHE_SECONDS = 30
    PUBLIC_CACHE_REDIS_PREFIX = "pave:public:"
    # How many reverse proxies stand in front of Pavé. Their X-Forwarded-For, -Proto, -Host
    # and -Prefix are trusted only then: the login limit counts the client's address, not the
    # proxy's, and absolute links (Open311, open data, emails) use the public scheme and host.
    # Left at 0, those headers are ignored, since anyone could send them.
    PROXY_COUNT = 0
    # Over HTTPS (directly or per the proxies above), browsers are told to use HTTPS alone for
    # this host for so many seconds (Strict-Transport-Security); 0 sends no such header.
    HSTS_MAX_AGE = 365 * 24 * 3600
    # Compression (Flask-Compress) of the app shell only: JSON answers keep their ETags as
    # they are (the staff API's If-Match compares them), and exports stream uncompressed.
    COMPRESS_MIMETYPES = (
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/manifest+json",
        "image/svg+xml",
    )
    COMPRESS_ALGORITHM = ("br", "gzip")
    COMPRESS_STREAMS = False
    # How long a password reset link (emailed by an administrator or a manager) works, in
    # seconds; it works once.
    PASSWORD_RESET_LIFETIME = 2 * 3600
    # Residents' private follow links (under PUBLIC_BASE_URL): how long after closure a link
    # keeps working.
    FOLLOW_LINK_EXPIRY_DAYS = 180
    # How long after a ticket closed the reporter's contact details, the followers' addresses
    # and the emails about it are kept (docs/privacy.md); `flask privacy purge`, which the
    # worker runs daily, then erases them. As long as the follow link lives, so that the
    # purge never empties a page a resident may still open.
    PRIVACY_RETENTION_DAYS = 180

    # Who runs this Open311 endpoint, as its discovery document says, and the one
    # jurisdiction_id it serves (a request naming another gets a 404).
    OPEN311_CONTACT = "Pavé"
    OPEN311_JURISDICTION_ID = "pave.be"

    # The outbox worker sends notifications through this SMTP server.
    SMTP_HOST = "localhost"
    SMTP_PORT = 25
    SMTP_FROM = "Pavé <no-reply@pave.localhost>"
    SMTP_TIMEOUT_S = 10.0
    # A message that failed this many times (backoff 1, 2, 4 ... min, at most 6 h between
    # two: 12 attempts span about a day) is given up and kept, with its error, in the outbox.
    OUTBOX_MAX_ATTEMPTS = 12
    # The worker pulls the status changes of the tickets sent to the Open311 bodies' own
    # systems every this many seconds, at most this many updates (or tickets) per body and
    # round (app/delivery/pull.py).
    DELIVERY_PULL_INTERVAL_S = 300.0
    DELIVERY_PULL_BATCH = 100
    # A domain whose mail reaches `flask --app app notify inbound` (docs/email-delivery.md):
    # with it, a body's reply to a new ticket's email becomes an internal note of the ticket
    # (Reply-To ticket+<id>.<mac>@domain), and bounces are recorded (Return-Path
    # bounces+<id>.<mac>@domain). Empty: no reply is read, and the body's email says so.
    INBOUND_EMAIL_DOMAIN = ""
    # The largest message the inbound command reads; a larger one is refused unread.
    INBOUND_EMAIL_MAX_BYTES = 1_000_000
    # Sends to the bodies' Open311 servers (app/delivery/sender.py): given up after this many
    # attempts (the same backoff as emails), each request waiting at most DELIVERY_TIMEOUT_S.
    # A claimed delivery is left to its worker for DELIVERY_LEASE_S (longer than a whole
    # attempt: a reconciliation and a send) before another worker may take it over. After a
    # lost answer, a request the remote shows back within DELIVERY_MATCH_DISTANCE_M of the
    # report, same service and time window, is taken for ours (docs/delivery.md).
    DELIVERY_MAX_ATTEMPTS = 12
    DELIVERY_TIMEOUT_S = 10.0
    DELIVERY_LEASE_S = 60.0
    DELIVERY_MATCH_DISTANCE_M = 10.0
    # The worker queues the bodies' daily digests from this hour on, local time (0-23).
    DIGEST_HOUR = 7
    DIGEST_TIMEZONE = "Europe/Brussels"

    # Readiness (GET /api/v1/health/ready) fails when no worker wrote its heartbeat for this
    # many seconds: a worker beats at every turn of its loop (every 5 s) and between two
    # messages, so two minutes of silence means it is stuck or stopped.
    WORKER_HEARTBEAT_MAX_AGE_S = 120
    # Who may read /metrics: client addresses (after PROXY_COUNT's proxies) in these networks,
    # comma-separated (`10.0.0.0/8,127.0.0.1/32`); anyone else gets the 404 of an unknown
    # address. `none` closes it to everyone.
    METRICS_ALLOWED_NETWORKS: tuple[str, ...] = ("127.0.0.1/32", "::1/128")
    # The app's log lines (and gunicorn's, with app.accesslog.TokenMaskingLogger): `text`, for
    # people, or `json`, one object per line for a log shipper (the deployment's choice).
    LOG_FORMAT = "text"

    # flask-smorest / OpenAPI
    API_TITLE = "Pavé API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    # Swagger UI's assets come from the swagger-ui-bundle package, so the docs work offline.
    OPENAPI_SWAGGER_UI_URL = "/api/v1/docs/assets/"

    # The one source of every absolute URL (emails, invitations, password resets, DCAT-AP,
    # exports, OGC API, Open311, photos), never the request's Host: scheme, host and any
    # path prefix a proxy strips. Empty: http://127.0.0.1:8000 (`make run` sets it from PORT).
    PUBLIC_BASE_URL = ""
    # The hosts a request may name (Host, or X-Forwarded-Host behind PROXY_COUNT proxies),
    # comma-separated; a leading dot accepts subdomains. Any other gets a 400. Empty: the
    # host of PUBLIC_BASE_URL, localhost and 127.0.0.1. The host of PUBLIC_BASE_URL is
    # always accepted.
    TRUSTED_HOSTS: tuple[str, ...] = ()
    # Who runs this Pavé service, shown on the app's "About and privacy" page (and in
    # /config.json): the organisation's name, and an email address or web address where
    # residents reach it about the service itself. Empty: the page says no name was given.
    OPERATOR_NAME = ""
    OPERATOR_CONTACT = ""
    # Open data: the publisher is described by its name and ADMS publisher type
    # (http://purl.org/adms/publishertype/<type>); harvesters and reusers write to the
    # contact email.
    OPENDATA_PUBLISHER_NAME = "Pavé"
    OPENDATA_PUBLISHER_TYPE = "NonProfitOrganisation"
    OPENDATA_CONTACT_EMAIL = "opendata@pave.localhost"
    # The most periods (weeks or months) the dashboard's trend computes for one request:
    # 1200 is 100 years of months, 23 years of weeks. A longer span gets a 422 saying so.
    DASHBOARD_MAX_PERIODS = 1200
    # Snapshot downloads (/opendata/snapshots/reports.csv|geojson|gpkg|fgb): the whole
    # anonymised dataset as files, written by `flask opendata snapshot` and by the worker
    # once a day from SNAPSHOT_HOUR (0-23, SNAPSHOT_TIMEZONE's local time) into this directory.
    SNAPSHOT_DIR = str(ROOT / "var" / "snapshots")
    SNAPSHOT_HOUR = 3
    SNAPSHOT_TIMEZONE = "Europe/Brussels"
    # Who runs the nightly jobs (the open-data snapshot above and the privacy purge):
    # "worker", the outbox worker, once a day (what `make run` does), or "timer", something
    # else that runs `flask privacy purge` and `flask opendata snapshot` (the systemd timer
    # deploy/systemd/pave-nightly.timer): the worker then leaves both alone, so that neither
    # runs twice. The worker still sends the emails and queues the digests either way.
    NIGHTLY_JOBS = "worker"
    # The official DCAT-AP SHACL shapes the tests validate the catalogue against (not copied
    # into this repository; see ../shared/data/shacl/README.md).
    SHACL_DIR = str(SHARED_DATA / "shacl")

    @classmethod
    def from_env(cls) -> dict[str, Any]:
        """Return the settings as a dict, overridden by environment variables of the same name."""
        settings = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
        for key, default in list(settings.items()):
            raw = os.environ.get(key)
            if raw is None or raw == "":
                continue
            if isinstance(default, bool):
                settings[key] = raw.lower() in {"1", "true", "yes", "on"}
            elif isinstance(default, int):
                settings[key] = int(raw)
            elif isinstance(default, float):
                settings[key] = float(raw)
            elif isinstance(default, tuple):
                settings[key] = tuple(item.strip() for item in raw.split(",") if item.strip())
            else:
                settings[key] = raw
        if not settings["SECRET_KEY"]:
            settings["SECRET_KEY"] = development_secret_key(Path(settings["SECRET_KEY_FILE"]))
        return settings


def development_secret_key(path: Path) -> str:
    """The key kept in `path`, made on first use; readable by the owner only."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written aside, then linked into place: link fails if the name exists, so two processes
    # starting together agree on one key and neither ever reads a half-written file.
    scratch = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(secrets.token_hex(32))
    try:
        os.link(scratch, path)
    except FileExistsError:
        pass
    finally:
        scratch.unlink()
    return path.read_text().strip()
