"""Absolute addresses of Pavé: every one starts with PUBLIC_BASE_URL, never with a request's Host.

Emails, invitations, password resets, the DCAT-AP catalogue, exports, OGC API and Open311 links
all go through `public_url`, so a forged `Host` header cannot decide where a private link points.
It needs no request and no Flask: the outbox worker, the command line and a plain script build
the same links. Where a caller passes no settings, they are the running app's (the web layer,
app/web, names them with `read_settings_from`), else the environment's.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:8000"
# Where the API serves photo files, GET /api/v1/photos/<key> (app/api/photos; a test checks
# that the route agrees): published files name each photo by this path and its key.
PHOTO_FILES_PATH = "/api/v1/photos/"


def _no_app() -> Mapping | None:
    return None


_running_app_settings: Callable[[], Mapping | None] = _no_app


def read_settings_from(source: Callable[[], Mapping | None]) -> None:
    """Take the settings from `source()` when a caller passes none, and `source()` is not
    None; app/web names the config of the app whose context is active."""
    global _running_app_settings
    _running_app_settings = source


def public_base_url(config: Mapping | None = None) -> str:
    """PUBLIC_BASE_URL without its trailing slash (the scheme, host and any path prefix)."""
    if config is None:
        # Without an app (a script calling the ticket services), the environment's setting.
        config = _running_app_settings()
        if config is None:
            config = os.environ
    return (config.get("PUBLIC_BASE_URL") or DEFAULT_PUBLIC_BASE_URL).rstrip("/")


def public_url(path: str, config: Mapping | None = None) -> str:
    """The absolute address of `path` (e.g. "/follow/abc") under PUBLIC_BASE_URL."""
    return public_base_url(config) + "/" + path.lstrip("/")


def photo_url_prefix(base_url: str | None = None) -> str:
    """Where photo addresses start (…/api/v1/photos/) for files published under `base_url`
    (by default PUBLIC_BASE_URL, as `public_base_url` reads it)."""
    base = public_base_url() if base_url is None else base_url.rstrip("/")
    return base + PHOTO_FILES_PATH
