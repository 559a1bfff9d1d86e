"""The feature collections the OGC API serves, by id: the published reports (app.ogc.reports)
and the current communes (app.ogc.communes); what they share is in app.ogc.features."""

from __future__ import annotations

from app.ogc.communes import Communes
from app.ogc.reports import Reports

COLLECTIONS: dict[str, Reports | Communes] = {c.id: c for c in (Reports(), Communes())}
