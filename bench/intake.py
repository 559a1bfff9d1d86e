"""Intake benchmark: report creations per second over HTTP, Pavé against the minimal endpoint."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import URL

from bench.db import log
from bench.serving import free_port, served

ROOT = Path(__file__).resolve().parent.parent
WRK = shutil.which("wrk") or "/usr/bin/wrk"
CONNECTIONS = 16

# wrk builds every request in Lua: a point from the list, a unique Idempotency-Key, a client
# address of its own (X-Forwarded-For, believed with PROXY_COUNT=1: residents, not one
# client past REPORT_CLIENT_RATE_LIMIT), and at the end one machine-readable line with the
# counts and latency percentiles (µs).
LUA = """
local points = {%(points)s}
local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
  counter = counter + 1
  local p = points[(counter %% #points) + 1]
  local body = string.format(
    '{"category":"pothole","description":"Benchmark report","location":' ..
    '{"lat":%%.6f,"lon":%%.6f,"accuracy_m":8}}', p[2], p[1])
  wrk.headers["Idempotency-Key"] = string.format("%(run)s-%%d", counter)
  wrk.headers["X-Forwarded-For"] = string.format("10.%%d.%%d.%%d",
    math.floor(counter / 65536) %% 256, math.floor(counter / 256) %% 256, counter %% 256)
  return wrk.format(nil, nil, nil, body)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(99), e.status,
    e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass
class IntakeResult:
    label: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    bad_status: int
    socket_errors: int

    @property
    def per_second(self) -> float:
        return (self.requests - self.bad_status - self.socket_errors) / self.seconds


@contextmanager
def gunicorn(app: str, url: URL, worker_args: list[str]) -> Iterator[str]:
    """Serve `app` on a free loopback port; yields its base URL and stops it at the end."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url.render_as_string(hide_password=False),
        # Each request's own client address (X-Forwarded-For, set by the Lua script).
        "PROXY_COUNT": "1",
    }
    # No control socket: its default path is shared with any other gunicorn on the machine.
    cmd = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--no-control-socket"]
    with served([*cmd, *worker_args, app], port, env, cwd=ROOT) as base:
        yield base


def wrk(target: str, points: list[dict], seconds: int) -> tuple[int, float, int, int, int, int]:
    """One bounded wrk run (one thread, 16 connections); returns its RESULT line."""
    script = LUA % {
        "points": ",".join(f"{{{p['lon']:.6f},{p['lat']:.6f}}}" for p in points),
        "run": f"bench-{uuid.uuid4().hex[:12]}",
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        cmd = [WRK, "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "5s"]
        out = subprocess.run(
            [*cmd, "-s", f.name, target],
            check=True,
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
    finally:
        os.unlink(f.name)
    line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT "))
    requests, duration_us, p50, p99, bad, errors = (int(v) for v in line.split()[1:])
    return requests, duration_us / 1e6, p50, p99, bad, errors


def measure(
    label: str,
    app: str,
    path: str,
    url: URL,
    worker_args: list[str],
    points: list[dict],
    *,
    warmup: int,
    seconds: int,
) -> IntakeResult:
    with gunicorn(app, url, worker_args) as base:
        wrk(base + path, points, warmup)
        requests, duration, p50, p99, bad, errors = wrk(base + path, points, seconds)
    log(f"{label}: {requests} requests in {duration:.1f} s, {bad} bad statuses, {errors} errors")
    return IntakeResult(label, requests, duration, p50 / 1e3, p99 / 1e3, bad, errors)
