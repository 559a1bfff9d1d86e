"""/metrics in Prometheus's text format, for the addresses of METRICS_ALLOWED_NETWORKS.

Two kinds of figures:
- per request, in the process that answered it: `pave_http_request_duration_seconds`, a
  histogram per endpoint (Flask's endpoint name, never the path: no token ever becomes a
  label, and the series are as many as the routes), method and status. gunicorn runs several
  worker processes; with PROMETHEUS_MULTIPROC_DIR set (app/gunicorn_hooks.py sets it up),
  each writes its counts in files there and a scrape adds up every worker's, whichever
  worker answers it. Without it (flask run, tests), the process's own counts.
- read from the database at scrape time (`DatabaseCollector`): the outbox's pending
  messages and the age of the oldest, per kind; its failing and given-up messages; each
  worker's heartbeat age; the reports created per region. They describe the whole
  service, not one process, so no process keeps them: every scrape reads them afresh.

Anyone else gets the same 404 as an address that does not exist: the figures tell how busy
the service is and which kinds of email fail, which is nobody else's business.
"""

from __future__ import annotations

import ipaddress
import os
import time
from collections.abc import Iterable, Iterator

from flask import Blueprint, Flask, Response, abort, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.notify.heartbeat import ages
from app.web import db_session

# Decided when prometheus_client is first imported, as its value class is.
MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
# This process's request histogram, when it is not in multiprocess mode.
LOCAL_REGISTRY = CollectorRegistry(auto_describe=True)
REQUEST_DURATION = Histogram(
    "pave_http_request_duration_seconds",
    "Time to answer a request, per endpoint (Flask's endpoint name), method and status.",
    ["endpoint", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=None if MULTIPROCESS else LOCAL_REGISTRY,
)
# A method outside these is counted as "other": clients choose it, labels must stay few.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Every method, so that a disallowed client gets a 404 whatever it sends, never a 405.
ALL_METHODS = sorted(METHODS)
START_KEY = "pave.request_start"

OUTBOX_SQL = text(
    """
    SELECT kind,
           count(*) FILTER (WHERE failed_at IS NULL) AS pending,
           count(*) FILTER (WHERE failed_at IS NULL AND last_error IS NOT NULL) AS failing,
           count(*) FILTER (WHERE failed_at IS NOT NULL) AS given_up,
           extract(epoch FROM now() - min(created_at) FILTER (WHERE failed_at IS NULL))::float
               AS oldest_s
    FROM outbox_messages WHERE sent_at IS NULL GROUP BY kind ORDER BY kind
    """
)
# The outbox's gauges, per kind: OUTBOX_SQL's column, the metric's name and its help.
OUTBOX_GAUGES = {
    "pending": (
        "pave_outbox_pending_messages",
        "Messages waiting to be sent (due or retrying), per kind.",
    ),
    "oldest_s": (
        "pave_outbox_oldest_pending_age_seconds",
        "Age of the oldest message waiting to be sent, per kind.",
    ),
    "failing": (
        "pave_outbox_failing_messages",
        "Messages waiting whose last delivery attempt failed (to be retried), per kind.",
    ),
    "given_up": (
        "pave_outbox_given_up_messages",
        "Messages given up after OUTBOX_MAX_ATTEMPTS failures, kept with their error.",
    ),
}
# Every report is counted once, in the month it was created, by the dashboard's summary
# triggers (migration 0019): a sum over a few hundred rows, not a count of the reports.
REPORTS_SQL = text(
    "SELECT region_code, sum(n)::bigint AS n FROM dashboard_region_months "
    "WHERE kind = 'c' GROUP BY region_code ORDER BY region_code"
)

blp = Blueprint("metrics", __name__)


def allowed_networks(values: tuple[str, ...] | list[str]) -> tuple:
    """The networks of METRICS_ALLOWED_NETWORKS; a clear error for a value that is none."""
    if [v.strip().lower() for v in values] == ["none"]:
        return ()
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(
                f"METRICS_ALLOWED_NETWORKS: {value!r} is not an address or network "
                "(e.g. 127.0.0.1/32, 10.0.0.0/8, ::1/128), nor `none`"
            ) from None
    return tuple(networks)


def is_allowed(address: str | None, networks: tuple) -> bool:
    """Whether the client's address is in one of the networks (an IPv4 client seen through
    an IPv6 socket, ::ffff:127.0.0.1, counts as its IPv4 address)."""
    try:
        ip = ipaddress.ip_address((address or "").split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks)


class DatabaseCollector:
    """The figures of the whole service, read from the database when Prometheus asks."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "pave_database_up", "1 when the database answered this scrape's queries, else 0."
        )
        try:
            connection = db_session().connection()
            families = [
                *self._outbox(connection),
                self._heartbeats(connection),
                self._reports(connection),
            ]
        except SQLAlchemyError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    @staticmethod
    def _outbox(connection) -> list[Metric]:
        rows = connection.execute(OUTBOX_SQL).all()
        # A kind with only given-up messages has no oldest pending one (None): no sample.
        return [
            _family(
                GaugeMetricFamily,
                name,
                doc,
                "kind",
                [(r.kind, max(v, 0.0)) for r in rows if (v := getattr(r, column)) is not None],
            )
            for column, (name, doc) in OUTBOX_GAUGES.items()
        ]

    @staticmethod
    def _heartbeats(connection) -> Metric:
        return _family(
            GaugeMetricFamily,
            "pave_worker_heartbeat_age_seconds",
            "Seconds since each outbox worker last wrote its heartbeat.",
            "worker",
            ages(connection).items(),
        )

    @staticmethod
    def _reports(connection) -> Metric:
        return _family(
            CounterMetricFamily,
            "pave_reports_created",
            "Reports created, per region (REFNIS code), since the service began.",
            "region",
            [(row.region_code, row.n) for row in connection.execute(REPORTS_SQL)],
        )


def _family(kind: type, name: str, doc: str, label: str, samples: Iterable) -> Metric:
    """A metric family of one label, a sample per (label value, value) pair."""
    family = kind(name, doc, labels=[label])
    for label_value, value in samples:
        family.add_metric([label_value], value)
    return family


def exposition() -> bytes:
    """Every metric in the text format: the requests' (all processes') and the database's."""
    if MULTIPROCESS:
        requests = CollectorRegistry()
        multiprocess.MultiProcessCollector(requests)
    else:
        requests = LOCAL_REGISTRY
    service = CollectorRegistry(auto_describe=False)
    service.register(DatabaseCollector())
    return generate_latest(requests) + generate_latest(service)


@blp.route("/metrics", methods=ALL_METHODS, provide_automatic_options=False)
def metrics() -> Response:
    if not is_allowed(request.remote_addr, current_app.extensions["pave_metrics_networks"]):
        abort(404)
    if request.method not in ("GET", "HEAD"):
        abort(405, valid_methods=["GET", "HEAD"])
    response = Response(exposition(), content_type=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response


def _start() -> None:
    request.environ[START_KEY] = time.perf_counter()


def _observe(response: Response) -> Response:
    started = request.environ.get(START_KEY)
    if started is not None:
        method = request.method if request.method in METHODS else "other"
        endpoint = request.endpoint or "unmatched"
        REQUEST_DURATION.labels(endpoint, method, str(response.status_code)).observe(
            time.perf_counter() - started
        )
    return response


def init_app(app: Flask) -> None:
    """The /metrics route, its networks (a clear error at start for a wrong one) and the
    request timing of every request."""
    app.extensions["pave_metrics_networks"] = allowed_networks(
        app.config["METRICS_ALLOWED_NETWORKS"]
    )
    app.register_blueprint(blp)
    # Before every other hook (the hostile-input check too): a refused request is timed.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_observe)
