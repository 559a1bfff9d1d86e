"""Absolute addresses of Pavé: every one starts with PUBLIC_BASE_URL, never with a request's Host.

Emails, invitations, password resets, the DCAT-AP catalogue, exports, OGC API and Open311 links
all go through `public_url`, so a forged `Host` header cannot decide where a private link points.
It needs no request: the outbox worker and the command line build the same links.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from flask import current_app, has_app_context

DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:8000"


def public_base_url(config: Mapping | None = None) -> str:
    """PUBLIC_BASE_URL without its trailing slash (the scheme, host and any path prefix)."""
    if config is None:
        # Without an app (a script calling the ticket services), the environment's setting.
        config = current_app.config if has_app_context() else os.environ
    return (config.get("PUBLIC_BASE_URL") or DEFAULT_PUBLIC_BASE_URL).rstrip("/")


def public_url(path: str, config: Mapping | None = None) -> str:
    """The absolute address of `path` (e.g. "/follow/abc") under PUBLIC_BASE_URL."""
    return public_base_url(config) + "/" + path.lstrip("/")
