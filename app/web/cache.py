"""A few seconds' memory of public answers that many people ask for at once.

A link to the dashboard in a newspaper brings thousands of readers asking the same figures
within a minute, and Open311 clients poll the same page of requests. Each figure is cheap (it sums summary rows), but not free: answered from
memory, the same question costs a dictionary lookup instead of a query and a serialisation,
and the workers stay free for everything else. Flask-Caching keeps the answers:

- per process (cachelib's SimpleCache) by default, or in Redis when REDIS_URL is set, shared
  by every worker and every server;
- for PUBLIC_CACHE_SECONDS (0 turns it off), keyed by the path, the query string (in a
  canonical order) and the negotiated language (absolute links in an answer are built from
  PUBLIC_BASE_URL whatever the request's host: app/hosts.py); only 200 answers are kept;
- an unreachable Redis never fails a request: Flask-Caching logs it and answers from the
  database (see `Cache.cached`).

Only answers that are the same for everyone may be kept: public, anonymous, not personal.
The answers say how old they are, as an HTTP cache would: an `Age` header (RFC 9111), 0 for
an answer read from the database just now.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, g, request
from flask_caching import Cache

cache = Cache()

F = TypeVar("F", bound=Callable[..., Any])


def init_app(app: Flask) -> None:
    seconds = int(app.config["PUBLIC_CACHE_SECONDS"])
    settings: dict[str, Any] = {"CACHE_DEFAULT_TIMEOUT": max(seconds, 0)}
    if seconds <= 0:
        settings |= {"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True}
    elif app.config.get("REDIS_URL"):
        settings |= {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": app.config["REDIS_URL"],
            "CACHE_KEY_PREFIX": app.config["PUBLIC_CACHE_REDIS_PREFIX"],
        }
    else:
        # The filter combinations people really use, not what a stranger can invent: 500
        # answers of at most ~120 KB (the communes figure) bound a worker's cache to ~60 MB.
        settings |= {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 500}
    cache.init_app(app, config=settings)

    @app.after_request
    def _age(response: Response) -> Response:
        stored = g.pop("public_answer_stored_at", None)
        if stored is not None:
            response.headers["Age"] = str(max(int(time.time() - stored), 0))
        return response


def _key(*_args: Any, **_kwargs: Any) -> str:
    from app.api.common import request_language

    # Parameters in any order, but each one's values in theirs: a view reads the first.
    query = sorted(request.args.lists())
    raw = repr((request.path, query, request_language()))
    return "public:" + hashlib.sha256(raw.encode()).hexdigest()


def _only_ok(response: Any) -> bool:
    status = getattr(response, "status_code", 200)
    return status == 200


def public_answer(view: F) -> F:
    """Keep `view`'s 200 answers for PUBLIC_CACHE_SECONDS (see the module's docstring).

    Put it above the view's other decorators, so that the finished response (arguments
    parsed, body serialised) is what is kept and served.
    """

    @functools.wraps(view)
    def stamped(*args: Any, **kwargs: Any) -> Any:
        response = view(*args, **kwargs)
        if isinstance(response, Response):
            response.headers["X-Pave-Stored-At"] = f"{time.time():.3f}"
        return response

    cached = cache.cached(make_cache_key=_key, response_filter=_only_ok)(stamped)

    @functools.wraps(view)
    def answer(*args: Any, **kwargs: Any) -> Any:
        response = cached(*args, **kwargs)
        if isinstance(response, Response):
            stored = response.headers.pop("X-Pave-Stored-At", None)
            if stored is not None:
                g.public_answer_stored_at = float(stored)
            # Names and errors follow the reader's language: so must a shared cache's copy.
            response.vary.add("Accept-Language")
        return response

    return answer  # type: ignore[return-value]
