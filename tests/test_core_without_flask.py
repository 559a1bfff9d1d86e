"""The domain core imports without Flask: a script or a worker can use it without the web app."""

from __future__ import annotations

import subprocess
import sys

CORE_MODULES = (
    "app.notify.notifications",
    "app.notify.outbox",
    "app.notify.messages",
    "app.notify.worker",
    "app.notify.digest",
    "app.follow.links",
    "app.follow.followers",
    "app.tickets.services",
    "app.accounts.services",
    "app.accounts.emails",
    "app.geo.routing",
    "app.opendata.export",
    "app.urls",
    "app.reports.services",
    "app.reports.queries",
    "app.reports.intake",
    "app.open311.requests",
    "app.open311.update_ids",
    "app.open311.updates",
    "app.open311.statuses",
    "app.delivery.pull",
    "app.backup.create",
    "app.backup.restore",
    "app.delivery.settings",
)


def test_importing_the_core_leaves_flask_out():
    imports = "; ".join(f"import {name}" for name in CORE_MODULES)
    code = f"import sys; {imports}; print(sorted(m for m in sys.modules if m == 'flask' or m.startswith('flask.')))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]", done.stdout


def test_links_without_an_app_start_with_the_environments_base_url():
    code = "from app.urls import public_url; print(public_url('/follow/abc'))"
    env = {"PUBLIC_BASE_URL": "https://pave.example.be/", "PATH": ""}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert done.stdout.strip() == "https://pave.example.be/follow/abc"
