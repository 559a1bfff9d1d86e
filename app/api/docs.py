"""Serves Swagger UI's assets from the swagger-ui-bundle package, so /api/v1/docs needs no CDN."""

from __future__ import annotations

from flask import Blueprint, send_from_directory
from swagger_ui_bundle import swagger_ui_path

blp = Blueprint("docs_assets", __name__, url_prefix="/api/v1/docs/assets")

# One year: the files change only with the package version, which is in their path.
ASSET_MAX_AGE = 365 * 24 * 3600


@blp.get("/<path:filename>")
def asset(filename: str):
    return send_from_directory(swagger_ui_path, filename, max_age=ASSET_MAX_AGE)
