"""No core module imports the web layer (tests/unit/test_core_without_flask.py imports them)."""

import ast
from pathlib import Path

import pytest

import app

APP = Path(app.__file__).parent
HTTP_MODULES = ("flask", "werkzeug", "app.api", "app.web")

# (app/problems is left out: it negotiates languages with werkzeug's Accept-Language parser.)
CORE_PACKAGES = ["reports", "open311", "tickets", "notify", "follow", "geo", "media"]


@pytest.mark.parametrize("package", CORE_PACKAGES)
def test_no_core_module_imports_the_web_layer(package):
    for path in sorted((APP / package).glob("*.py")):
        if path.name == "cli.py":  # the Flask commands of a package sit beside its core
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert not name.startswith(HTTP_MODULES), f"{path.name} imports {name}"
