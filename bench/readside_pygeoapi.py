"""OGC API Features beside pygeoapi: the same bbox query on the same view, in the same run.

pygeoapi (from PyPI, in its own virtualenv var/pygeoapi that `make bench` makes: it pins its
own Flask and SQLAlchemy, so it stays out of the project's lock) serves `open_data_reports`
of the bench database through its PostgreSQL provider (config: bench/pygeoapi.yml), under
gunicorn with the same settings as Pavé (4 sync workers). Both are asked for the same items,
one request at a time from one httpx client, beside the plain SQL of the same rows
(app.opendata.records.select with the bbox, LIMIT 100) on one plain connection.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import URL, create_engine, text

from bench.readside_cases import Latency, prime, sample
from bench.readside_load import BBOXES
from bench.serving import free_port, served

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "var" / "pygeoapi"
CONFIG = ROOT / "bench" / "pygeoapi.yml"
OPENAPI = ROOT / "var" / "pygeoapi-openapi.yml"
# What `make bench` installs into VENV (PyPI's newest pygeoapi here; see bench/README.md).
PYGEOAPI_VERSION = "0.21.0"
LIMIT = 100


@dataclass
class OgcResult:
    pave: Latency | None = None
    pygeoapi: Latency | None = None
    sql: Latency | None = None
    pave_features: int = 0
    pygeoapi_features: int = 0
    sql_rows: int = 0
    note: str | None = None


def installed_version() -> str | None:
    python = VENV / "bin" / "python"
    if not python.exists():
        return None
    done = subprocess.run(
        [str(python), "-c", "import pygeoapi; print(pygeoapi.__version__)"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or None


@contextmanager
def serve(url: URL) -> Iterator[str]:
    """pygeoapi under gunicorn on a free loopback port; yields its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "PYGEOAPI_CONFIG": str(CONFIG),
        "PYGEOAPI_OPENAPI": str(OPENAPI),
        "PYGEOAPI_PORT": str(port),
        # A Unix socket's folder (?host=/…/run, the project's own cluster) is a host to libpq.
        "PYGEOAPI_DB_HOST": url.host or str(url.query.get("host") or "127.0.0.1"),
        "PYGEOAPI_DB_PORT": str(url.port or 5432),
        "PYGEOAPI_DB_NAME": url.database or "",
        "PYGEOAPI_DB_USER": url.username or "postgres",
        "PYGEOAPI_DB_PASSWORD": url.password or "",
    }
    bin_ = VENV / "bin"
    subprocess.run(
        [str(bin_ / "pygeoapi"), "openapi", "generate", str(CONFIG), "--output-file", str(OPENAPI)],
        env=env,
        check=True,
        capture_output=True,
    )
    command = [str(bin_ / "gunicorn"), "--workers", "4", "--bind", f"127.0.0.1:{port}"]
    command += ["--no-control-socket", "pygeoapi.flask_app:APP"]
    with served(command, port, env, probe="/collections", wait=60) as base:
        yield base


def _items(client: httpx.Client, path: str, params: dict[str, str]) -> int:
    response = client.get(path, params=params)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}: {response.text[:200]}")
    return len(response.json()["features"])


def measure(pave_base: str, url: URL, rounds: int, warmup: int, budget: float) -> OgcResult:
    """p50/p95 of the same bbox page from Pavé, from pygeoapi, and of its plain SQL."""
    from app.opendata import records

    result = OgcResult()
    bbox = ",".join(str(v) for v in BBOXES[0])
    params = {"bbox": bbox, "limit": str(LIMIT)}
    with httpx.Client(base_url=pave_base, timeout=60) as client:
        first = client.get("/ogc/collections/reports/items", params=params)
        if first.status_code != 200:
            result.note = f"Pavé's /ogc items answered {first.status_code}"
        else:
            result.pave_features = len(first.json()["features"])
            result.pave = sample(
                lambda: _items(client, "/ogc/collections/reports/items", params),
                rounds,
                warmup,
                budget,
            )
    engine = create_engine(url)
    try:
        sql, values = records.select(records.RecordFilter(bbox=BBOXES[0]))
        query = text(sql.text + f" LIMIT {LIMIT}")
        with engine.connect() as conn:
            result.sql_rows = len(conn.execute(query, values).all())
            result.sql = sample(lambda: conn.execute(query, values).all(), rounds, warmup, budget)
    finally:
        engine.dispose()
    version = installed_version()
    if version is None:
        result.note = f"pygeoapi is not installed in {VENV} (make bench installs it)"
        return result
    with serve(url) as base, httpx.Client(base_url=base, timeout=60) as client:
        pygeo = {**params, "f": "json"}
        result.pygeoapi_features = _items(client, "/collections/reports/items", pygeo)
        # Each worker reflects the view on its first request: all four warmed at once.
        prime(base, [("GET", "/collections/reports/items", pygeo)])
        result.pygeoapi = sample(
            lambda: _items(client, "/collections/reports/items", pygeo), rounds, warmup, budget
        )
    result.note = f"pygeoapi {version}"
    return result
