"""The `{fmt}` path parameter of the open data files (the exports, the snapshots, the
dashboard's figures), declared once: documented with its values, and a 404 for any other."""

from __future__ import annotations

from collections.abc import Callable, Collection

from flask_smorest import Blueprint

from app.errors import NotFoundError


def format_parameter(
    blp: Blueprint, formats: Collection[str], description: str, unknown: Callable[[str], str]
) -> dict:
    """The `fmt` parameter of `blp`'s routes, whose values are `formats`; any other is a 404
    worded by `unknown(fmt)` and listing them, before the query string is read (so that
    /reports.xlsx is a 404 whatever its parameters)."""

    @blp.url_value_preprocessor
    def _known_format(_endpoint, values) -> None:
        fmt = (values or {}).get("fmt")
        if fmt is not None and fmt not in formats:
            raise NotFoundError(unknown(fmt), formats=list(formats))

    return {
        "in": "path",
        "name": "fmt",
        "required": True,
        "description": description,
        "schema": {"type": "string", "enum": list(formats)},
    }
