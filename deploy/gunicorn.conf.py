"""gunicorn's settings for Pavé: `gunicorn -c deploy/gunicorn.conf.py` serves the app.

Used by the systemd unit (deploy/systemd/pave-web.service) and by `make run` (the Procfile,
which overrides a few values on its command line: command-line options win over this file).
Read from the environment, like the app's own settings (/etc/pave/pave.env in production):

- PORT (8000): gunicorn listens on 127.0.0.1:PORT only; nginx, on the same host, is the
  only client (deploy/nginx/pave.conf). BIND replaces the whole address (e.g.
  unix:/run/pave/web.sock).
- WORKERS (2 x cores + 1): processes; THREADS (4): threads in each. With THREADS above 1
  the workers are gthread ones: a long answer (a national CSV export streams for minutes)
  keeps one thread busy, not the whole process, and is not killed by the timeout below,
  which only watches the worker's main loop. Each process keeps its own database pool
  (SQLALCHEMY_POOL_SIZE, 5, plus 10 overflow): keep THREADS within it. docs/operations.md §3.
- FORWARDED_ALLOW_IPS (127.0.0.1,::1): whose X-Forwarded-* gunicorn believes (nginx's
  address). The app itself believes them only with PROXY_COUNT=1 (app/config.py).
"""

from __future__ import annotations

import multiprocessing
import os

# /metrics adds up every worker's counts through PROMETHEUS_MULTIPROC_DIR: the hooks make or
# empty it before the first worker starts, and clean up after each worker and at exit. Hence
# no preload_app: the app must be imported after on_starting, in each worker.
from app.gunicorn_hooks import child_exit, on_exit, on_starting  # noqa: F401  (hooks)


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}") from None
    if value < 1:
        raise SystemExit(f"{name} must be at least 1, not {value}")
    return value


wsgi_app = "app.web:create_app()"
bind = [os.environ.get("BIND") or f"127.0.0.1:{_int('PORT', 8000)}"]
workers = _int("WORKERS", 2 * multiprocessing.cpu_count() + 1)
threads = _int("THREADS", 4)

# A worker silent this long is killed and replaced (gthread: its main loop, not a request).
timeout = 30
# On SIGTERM (systemctl stop) or SIGHUP (systemctl reload: new workers with the new code),
# requests in flight get this long to finish. The unit's TimeoutStopSec is longer.
graceful_timeout = 30
# Connections kept open between requests (nginx closes its own after each request).
keepalive = 5
# Each worker is replaced after about this many requests (the jitter keeps them from all
# restarting together): memory a long-lived process would slowly gather is given back.
max_requests = 1000
max_requests_jitter = 100
# The worker's heartbeat file on tmpfs, so a slow disk never makes a worker look dead.
worker_tmp_dir = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
# No control socket: its default path (~/.gunicorn) is shared by every gunicorn of the user
# and the unit's home directory is read-only.
control_socket_disable = True

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or "127.0.0.1,::1"

# The access log on standard output (journald under systemd), through the logger that masks
# follow tokens and api_key values (app/accesslog.py); errors on standard error. %(M)s: the
# request's duration in milliseconds; last, the request's id (the app's pave.request_id, which
# nginx's X-Request-Id gives; "-" without one). No client address: behind nginx it is nginx's.
accesslog = "-"
errorlog = "-"
access_log_format = '"%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s" %({pave.request_id}e)s'
logger_class = "app.accesslog.TokenMaskingLogger"
