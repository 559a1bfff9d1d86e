"""Every domain error class of the app, for the tests that hold each to a rule."""

from __future__ import annotations

import importlib
import pkgutil

import app
from app.errors import PaveError


def every_error_class() -> set[type[PaveError]]:
    """PaveError's subclasses, at every depth, once every module of app/ is imported.

    create_app alone is not enough: the CLI imports some modules when a command runs, and
    their errors (a population file's, a snapshot's) would go unchecked.
    """
    for module in pkgutil.walk_packages(app.__path__, "app."):
        importlib.import_module(module.name)
    found: set[type[PaveError]] = set()
    todo = [PaveError]
    while todo:
        for cls in todo.pop().__subclasses__():
            if cls not in found:
                found.add(cls)
                todo.append(cls)
    return found
