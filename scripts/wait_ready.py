"""Wait until Pavé says it is ready (GET /api/v1/health/ready), say so, then stay.

`make run` starts it beside the web server and the worker (Procfile): it prints "ready" once
the database answers, its schema is at head and the worker's heartbeat is fresh; if that does
not happen within --timeout seconds it prints which check failed and exits 1, which stops
`make run` (honcho stops every process when one ends). Once ready it sleeps until stopped,
for the same reason.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
import urllib.error
import urllib.request


def readiness(url: str) -> tuple[int | None, str]:
    """The status and body of one readiness request (None: no answer at all)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError as error:
        return None, str(error)


def failed_checks(body: str) -> str:
    try:
        checks = json.loads(body)["checks"]
    except (ValueError, KeyError, TypeError):
        return body.strip()[:300]
    return "; ".join(
        f"{name}: {check.get('error', 'failed')}"
        for name, check in checks.items()
        if not check.get("ok")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "url", help="the readiness URL, e.g. http://127.0.0.1:8000/api/v1/health/ready"
    )
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds to wait (90)")
    parser.add_argument("--no-stay", action="store_true", help="exit 0 once ready")
    args = parser.parse_args(argv)
    deadline = time.monotonic() + args.timeout
    status, body = readiness(args.url)
    while status != 200 and time.monotonic() < deadline:
        time.sleep(1)
        status, body = readiness(args.url)
    if status != 200:
        reason = failed_checks(body) if status else f"no answer ({body})"
        print(f"not ready after {args.timeout:g} s: {reason}", file=sys.stderr, flush=True)
        return 1
    print(f"ready: {args.url}", flush=True)
    if not args.no_stay:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: sys.exit(0))
        while True:
            signal.pause()
    return 0


if __name__ == "__main__":
    sys.exit(main())
