"""Wait until gunicorn answers 2xx at a path on 127.0.0.1:PORT: pave-web.service's ExecStartPost.

    python deploy/wait-http.py --path /api/v1/health/live --timeout 60

PORT is read from the environment (the unit's EnvironmentFile; 8000 by default), as
deploy/gunicorn.conf.py reads it. Exits 0 at the first 2xx answer, 1 with a message on
standard error when none came within the timeout. The standard library only: it runs before
anything else is known to work.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import urllib.error
import urllib.request


def answered(url: str) -> str | None:
    """None when `url` answered 2xx, else what went wrong."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return None if 200 <= response.status < 300 else f"status {response.status}"
    except urllib.error.HTTPError as exc:
        return f"status {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return str(getattr(exc, "reason", exc))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default="/api/v1/health/live")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds (default 60)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
    args = parser.parse_args(argv)
    url = f"http://127.0.0.1:{args.port}{args.path}"
    deadline = time.monotonic() + args.timeout
    while True:
        problem = answered(url)
        if problem is None:
            return 0
        if time.monotonic() >= deadline:
            print(f"{url} did not answer 2xx within {args.timeout:g} s: {problem}", file=sys.stderr)
            return 1
        time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main())
