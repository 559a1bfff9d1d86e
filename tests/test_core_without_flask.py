"""The domain core imports without Flask: a script or a worker can use it without the web app;
no core module imports the web layer, and only the web layer imports the API."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"

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


# The web layer (app/api, app/web) may import the API; nothing else may: the core, the CLI
# and the workers stand below it, and what they need of a route lives in the core.
WEB_LAYER = ("api", "web")
HTTP_MODULES = ("flask", "werkzeug", "app.api", "app.web")
# (app/problems is left out: it negotiates languages with werkzeug's Accept-Language parser.)
CORE_PACKAGES = ["reports", "open311", "tickets", "notify", "follow", "geo", "media"]


def _imports(path: Path) -> list[tuple[int, str]]:
    """The modules the module at `path` imports, with their lines (`from app import api`
    names app.api; relative imports are not used in app/)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.lineno, node.module))
            if node.module == "app":
                found += [(node.lineno, f"app.{alias.name}") for alias in node.names]
    return found


def _is_under(name: str, modules: tuple[str, ...]) -> bool:
    return any(name == module or name.startswith(f"{module}.") for module in modules)


@pytest.mark.parametrize("package", CORE_PACKAGES)
def test_no_core_module_imports_the_web_layer(package):
    for path in sorted((APP / package).glob("*.py")):
        if path.name == "cli.py":  # the Flask commands of a package sit beside its core
            continue
        for line, name in _imports(path):
            assert not _is_under(name, HTTP_MODULES), f"{path.name}:{line} imports {name}"


def test_only_the_web_layer_imports_the_api():
    outside = [
        path
        for path in sorted(APP.rglob("*.py"))
        if path.relative_to(APP).parts[0] not in WEB_LAYER
    ]
    assert len(outside) > 50, "the walk found the app's modules"
    imports = [
        f"{path.relative_to(APP.parent)}:{line} imports {name}"
        for path in outside
        for line, name in _imports(path)
        if _is_under(name, ("app.api",))
    ]
    assert imports == []
