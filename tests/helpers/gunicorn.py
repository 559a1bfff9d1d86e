"""The Procfile's web process (gunicorn, as `make run` starts it) on a free port."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.helpers.servers import free_port

ROOT = Path(__file__).resolve().parents[2]


def web_command() -> str:
    """The Procfile's web entry, exactly as `make run` starts it."""
    (line,) = [x for x in (ROOT / "Procfile").read_text().splitlines() if x.startswith("web:")]
    return line.removeprefix("web:").strip()


def status_of(url: str, headers: dict | None = None, method: str = "GET") -> int | None:
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


class Base(str):
    """The server's base URL, and the pid of its gunicorn master (`exec`ed by the Procfile)."""

    pid: int


@contextlib.contextmanager
def procfile_web(database_url, log: Path, *, workers: int = 1, **env: str) -> Iterator[str]:
    """gunicorn from the Procfile with `workers` workers and `env` added, its output in `log`;
    yields its base URL (a `Base`) and stops it (SIGTERM to its process group) at the end."""
    port = free_port()
    environment = {
        **{k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"},
        "DATABASE_URL": database_url.render_as_string(hide_password=False),
        "PORT": str(port),
        "WORKERS": str(workers),
        **env,
    }
    with log.open("w") as output:
        gunicorn = subprocess.Popen(
            ["sh", "-c", web_command()],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = Base(f"http://127.0.0.1:{port}")
    base.pid = gunicorn.pid
    try:
        deadline = time.monotonic() + 90
        while status_of(f"{base}/api/v1/health/live") != 200:
            assert gunicorn.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"gunicorn did not answer: {log.read_text()}"
            time.sleep(0.2)
        yield base
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=60)
