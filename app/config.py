"""Settings read from the environment, with defaults that work on a fresh checkout."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


class Config:
    """Defaults for every setting; `from_env` overlays the process environment."""

    # Left empty here: the Makefile derives it from the local cluster when it is unset.
    DATABASE_URL = ""
    BOUNDARIES_FILE = str(SHARED_DATA / "be-municipalities-2025.geojson")
    BOUNDARIES_VALID_FROM = "2025-01-01"
    # A point in no commune but at most this far from one goes to the nearest (the
    # simplified boundaries leave thin gaps between neighbours).
    ROUTING_SNAP_DISTANCE_M = 50.0
    # Beyond the snap distance we still name the nearest commune within this radius.
    ROUTING_HINT_DISTANCE_M = 1000.0
    DESCRIPTION_MAX_LENGTH = 5000
    # JSON bodies are small; uploads of photos get their own limit later.
    MAX_CONTENT_LENGTH = 256 * 1024
    REPORTS_PAGE_DEFAULT = 50
    REPORTS_PAGE_MAX = 500
    NEARBY_RADIUS_DEFAULT_M = 50.0
    NEARBY_RADIUS_MAX_M = 1000.0
    SQLALCHEMY_POOL_SIZE = 5
    # Photos: limits of an upload, and where the processed files are stored (local or s3).
    PHOTO_MAX_BYTES = 15 * 1024 * 1024
    PHOTO_MAX_PIXELS = 50_000_000
    PHOTOS_PER_REPORT = 5
    PHOTO_STORAGE = "local"
    PHOTO_DIR = str(ROOT / "var" / "photos")
    S3_BUCKET = ""
    S3_ENDPOINT_URL = ""
    S3_PREFIX = "photos/"

    # Map tiles of the resident app; an empty URL turns the map off (placing still works by
    # the phone's position or the photo's GPS).
    PWA_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    PWA_TILE_ATTRIBUTION = "© OpenStreetMap contributors"

    # flask-smorest / OpenAPI
    API_TITLE = "Pavé API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    # Swagger UI's assets come from the swagger-ui-bundle package, so the docs work offline.
    OPENAPI_SWAGGER_UI_URL = "/api/v1/docs/assets/"

    @classmethod
    def from_env(cls) -> dict:
        """Return the settings as a dict, overridden by environment variables of the same name."""
        settings = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
        for key, default in list(settings.items()):
            raw = os.environ.get(key)
            if raw is None or raw == "":
                continue
            if isinstance(default, bool):
                settings[key] = raw.lower() in {"1", "true", "yes", "on"}
            elif isinstance(default, int):
                settings[key] = int(raw)
            elif isinstance(default, float):
                settings[key] = float(raw)
            else:
                settings[key] = raw
        return settings
