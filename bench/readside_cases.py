"""Per-read latency: each public read over HTTP (gunicorn) beside its query on a plain connection.

Every case is one public address. It is requested through the gunicorn that the load test
uses (`make run`'s settings), one request at a time from one keep-alive httpx client, after a
warm-up; its baseline is the same figure computed in this process on one plain SQLAlchemy
connection, with no HTTP and no Flask:

- a dashboard figure: its Python function, app.opendata.dashboard.<name>(conn, **filters),
  i.e. the figure's query (today over the anonymised view; with issue 14, the summaries);
- Open311 GET: the SQL statement that app.open311.requests.find_requests sends for the same
  query (caught on its way to the driver, then run alone with the same parameters);
- the outlines and the snapshots have no query under them (a file, or a cached answer).

Each side runs `rounds` times, or for `budget` seconds if that comes first (a slow figure on
a large database would otherwise take an hour); the table says how many samples each has.
An address that answers 404 is a row saying it is not on this main; nothing else is skipped.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import URL, create_engine, event
from sqlalchemy.orm import Session

FIGURES = ("communes", "categories", "statuses", "trend")
# The figures' Python functions (the contract of issue 14: they keep these names).
FUNCTIONS = {
    "communes": "communes",
    "categories": "by_category",
    "statuses": "by_status",
    "trend": "trend",
}
MIN_SAMPLES = 5


@dataclass(frozen=True)
class Latency:
    p50_ms: float
    p95_ms: float
    samples: int


@dataclass
class Case:
    """One public read and what it is compared with."""

    label: str
    filters: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    expect: tuple[int, ...] = (200,)
    # Builds the baseline call from a plain connection, or None: no query under this read.
    baseline: Callable[[Any], Callable[[], object]] | None = None
    http: Latency | None = None
    query: Latency | None = None
    size: int = 0
    missing: str | None = None  # the address is not there: no numbers
    note: str | None = None  # the address is there, its baseline is not


def percentiles(samples: list[float]) -> tuple[float, float]:
    """Median and 95th percentile (inclusive method: fine with a few samples)."""
    if len(samples) == 1:
        return samples[0], samples[0]
    return statistics.median(samples), statistics.quantiles(samples, n=20, method="inclusive")[18]


def sample(call: Callable[[], object], rounds: int, warmup: int, budget: float) -> Latency:
    """Time `call` `rounds` times after `warmup` calls, both bounded by `budget` seconds."""
    deadline = time.monotonic() + budget / 4
    for _ in range(warmup):
        call()
        if time.monotonic() > deadline:
            break
    samples: list[float] = []
    deadline = time.monotonic() + budget
    while len(samples) < rounds and (len(samples) < MIN_SAMPLES or time.monotonic() < deadline):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    p50, p95 = percentiles(samples)
    return Latency(p50, p95, len(samples))


def prime(base: str, reads: list[tuple[str, str, dict[str, str]]], workers: int = 4) -> None:
    """Each read `workers` times at once, so that every gunicorn worker has run it once.

    A worker's first request builds its caches (the app, the pool, the communes' outlines):
    sent one at a time, warm-up requests may all land on the same worker and leave another
    cold for the measured ones.
    """
    from concurrent.futures import ThreadPoolExecutor

    def one(read: tuple[str, str, dict[str, str]]) -> None:
        method, path, params = read
        with httpx.Client(base_url=base, timeout=300) as client:
            client.request(method, path, params=params)

    with ThreadPoolExecutor(workers) as pool:
        for read in reads:
            list(pool.map(one, [read] * workers))


def _bound(value: str | None, *, end: bool) -> dt.datetime | None:
    from app.opendata.export import parse_bound

    return parse_bound(value, end=end) if value else None


def figure_baseline(figure: str, params: dict[str, str]):
    """The figure's Python function on a plain connection, with the request's filters."""

    def build(conn):
        from app.opendata import dashboard

        function = getattr(dashboard, FUNCTIONS[figure])
        filters = {
            "region": params.get("region"),
            "category": params.get("category"),
            "start": _bound(params.get("start"), end=False),
            "end": _bound(params.get("end"), end=True),
        }
        return lambda: function(conn, **filters)

    return build


def open311_baseline(service_codes: tuple[str, ...] = (), statuses: tuple[str, ...] = ()):
    """The statement find_requests sends for this query, caught once, then run alone."""

    def build(conn):
        from app.open311.requests import RequestQuery, find_requests

        sent: list[tuple[str, Any]] = []

        def catch(_conn, _cursor, statement, parameters, _context, _many) -> None:
            sent.append((statement, parameters))

        event.listen(conn, "before_cursor_execute", catch)
        try:
            with Session(bind=conn) as session:
                query = RequestQuery(service_codes=service_codes, statuses=statuses)
                find_requests(session, query, dt.datetime.now(dt.UTC))
        finally:
            event.remove(conn, "before_cursor_execute", catch)
        statement, parameters = next(
            (s, p) for s, p in reversed(sent) if "LIMIT" in s.upper() and "SELECT" in s.upper()
        )
        conn.rollback()
        return lambda: conn.exec_driver_sql(statement, parameters).all()

    return build


def cases(end: dt.date) -> list[Case]:
    """The reads measured one by one: each figure under three filters, outlines, Open311."""
    year_ago = (end - dt.timedelta(days=364)).isoformat()
    filter_sets = {
        "Belgium, all time": {},
        "region=flanders": {"region": "flanders"},
        "wallonia, pothole, last 365 days": {
            "region": "wallonia",
            "category": "pothole",
            "start": year_ago,
            "end": end.isoformat(),
        },
    }
    out = [
        Case(
            figure,
            label,
            f"/opendata/dashboard/{figure}",
            params,
            baseline=figure_baseline(figure, params),
        )
        for figure in FIGURES
        for label, params in filter_sets.items()
    ]
    out += [
        Case("outlines", "plain GET", "/opendata/dashboard/outlines"),
        # The ETag is filled in once the first answer is known (see measure_http).
        Case("outlines", "If-None-Match", "/opendata/dashboard/outlines", expect=(304,)),
        Case(
            "Open311 GET requests.json",
            "default window",
            "/open311/v2/requests.json",
            baseline=open311_baseline(),
        ),
        Case(
            "Open311 GET requests.json",
            "service_code=pothole, status=open",
            "/open311/v2/requests.json",
            {"service_code": "pothole", "status": "open"},
            baseline=open311_baseline(("pothole",), ("open",)),
        ),
        Case("snapshot reports.csv", "HEAD", "/opendata/snapshots/reports.csv", method="HEAD"),
        Case(
            "snapshot reports.fgb",
            "Range: first 64 KB",
            "/opendata/snapshots/reports.fgb",
            headers={"Range": "bytes=0-65535"},
            expect=(206,),
        ),
    ]
    return out


def _request(client: httpx.Client, case: Case) -> httpx.Response:
    return client.request(case.method, case.path, params=case.params, headers=case.headers)


def measure_http(client: httpx.Client, case: Case, rounds: int, warmup: int, budget: float) -> None:
    """Fill case.http (or case.missing when the address is not there)."""
    if case.expect == (304,):
        first = client.get(case.path, params=case.params)
        etag = first.headers.get("ETag")
        if first.status_code == 200 and etag:
            case.headers["If-None-Match"] = etag
        elif first.status_code == 200:
            case.missing = "the answer has no ETag"
            return
    first = _request(client, case)
    if first.status_code == 404:
        case.missing = f"not available on this main: {case.method} {case.path} answered 404"
        return
    if first.status_code not in case.expect:
        case.missing = f"{case.method} {case.path} answered {first.status_code}: {first.text[:120]}"
        return
    case.size = len(first.content)

    def call() -> None:
        response = _request(client, case)
        if response.status_code not in case.expect:
            raise RuntimeError(f"{case.path} answered {response.status_code}")

    case.http = sample(call, rounds, warmup, budget)


def measure_queries(url: URL, todo: list[Case], rounds: int, warmup: int, budget: float) -> None:
    """Fill case.query for the cases with a baseline, each on one plain connection."""
    engine = create_engine(url)
    try:
        for case in todo:
            if case.baseline is None or case.missing:
                continue
            with engine.connect() as conn:
                try:
                    call = case.baseline(conn)
                except (AttributeError, ImportError, TypeError, StopIteration) as exc:
                    case.note = f"baseline not available on this main: {exc!r}"[:160]
                    continue
                case.query = sample(call, rounds, warmup, budget)
                conn.rollback()
    finally:
        engine.dispose()
