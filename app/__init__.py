"""Pavé: street problem reports in Belgium, routed to the administration that must fix them.

The package itself imports nothing: the domain core (app/reports, app/tickets, app/geo…) works
without Flask. The web application lives in app.web; `flask --app app` and gunicorn's
`app:create_app()` still find its factory here, imported on first use.
"""

from __future__ import annotations


def __getattr__(name: str):
    if name == "create_app":
        from app.web import create_app

        return create_app
    raise AttributeError(f"module 'app' has no attribute {name!r}")
