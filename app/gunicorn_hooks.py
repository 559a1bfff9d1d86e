"""gunicorn's hooks for /metrics in multiprocess mode (`--config python:app.gunicorn_hooks`,
or imported by a deployment's gunicorn configuration file).

Each gunicorn worker is a process of its own; prometheus_client's multiprocess mode has each
write its counts in files of PROMETHEUS_MULTIPROC_DIR, which a scrape adds up
(app/web/metrics.py). The directory must be set before a worker imports prometheus_client,
and emptied before the server starts: `on_starting` runs in gunicorn's master before the
first worker is forked (so this must not be used with preload_app). When the variable is
unset, a directory of this server's own is made under var/metrics and removed at exit.

No Flask here: gunicorn's master imports this module.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from app.config import ROOT

VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
_made: list[Path] = []


def on_starting(server) -> None:
    directory = os.environ.get(VARIABLE)
    if not directory:
        path = ROOT / "var" / "metrics" / f"gunicorn-{os.getpid()}"
        os.environ[VARIABLE] = str(path)
        _made.append(path)
    path = Path(os.environ[VARIABLE])
    path.mkdir(parents=True, exist_ok=True)
    # The counts of a previous run are not this server's.
    for stale in path.glob("*.db"):
        stale.unlink()


def child_exit(server, worker) -> None:
    # Imported here, after on_starting has set the directory.
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    for path in _made:
        shutil.rmtree(path, ignore_errors=True)
