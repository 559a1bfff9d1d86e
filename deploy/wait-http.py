"""Wait until gunicorn answers 2xx at a path on 127.0.0.1:PORT: pave-web.service's ExecStartPost.

    python deploy/wait-http.py --path /api/v1/health/live --timeout 60

PORT and PUBLIC_BASE_URL are read from the environment (the unit's EnvironmentFile), as the
app reads them: the request names the host of PUBLIC_BASE_URL, which the app always trusts
(whatever TRUSTED_HOSTS says). Exits 0 at the first 2xx answer; 1 with a message on standard
error when a 4xx answer comes (a wrong path or host never gets better by waiting) or nothing
but refused connections and 5xx within the timeout. The standard library only: it runs before
anything else is known to work.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit


def ask(url: str, host: str | None) -> int | str:
    """The answer's status, or what kept it from coming."""
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError) as exc:
        return str(getattr(exc, "reason", exc))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default="/api/v1/health/live")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds (default 60)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
    args = parser.parse_args(argv)
    url = f"http://127.0.0.1:{args.port}{args.path}"
    host = urlsplit(os.environ.get("PUBLIC_BASE_URL", "")).netloc or None
    deadline = time.monotonic() + args.timeout
    while True:
        answer = ask(url, host)
        if isinstance(answer, int) and 200 <= answer < 300:
            return 0
        if isinstance(answer, int) and 400 <= answer < 500:
            print(f"{url} answered status {answer}", file=sys.stderr)
            return 1
        if time.monotonic() >= deadline:
            problem = f"status {answer}" if isinstance(answer, int) else answer
            print(f"{url} did not answer 2xx within {args.timeout:g} s: {problem}", file=sys.stderr)
            return 1
        time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main())
