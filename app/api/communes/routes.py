"""/api/v1/communes: which commune is responsible for a point, and communes by name."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from app.api.common import request_language
from app.api.communes.schemas import (
    CommuneLookupSchema,
    CommunePlaceSchema,
    CommuneSearchQueryArgsSchema,
    LookupQueryArgsSchema,
)
from app.api.errors import problem_doc
from app.errors import NotFoundError, OutsideServiceAreaError
from app.geo.models import Commune
from app.geo.routing import locate
from app.geo.search import search_communes
from app.i18n import pick_name
from app.web import db_session

# Unknown query parameters are refused rather than ignored: a misspelt filter would
# otherwise silently return everything (OGC API Features asks the same of its servers).
blp = Blueprint("communes", __name__, url_prefix="/communes", description="Belgian communes")


def commune_view(commune: Commune, lang: str | None) -> dict:
    region = commune.region
    region_names = {
        "fr": region.name_fr,
        "nl": region.name_nl,
        "de": region.name_de,
        "en": region.name_en,
    }
    return {
        "nis_code": commune.nis_code,
        "name": pick_name(commune.names(), lang, commune.region_code),
        "names": commune.names(),
        "region": {
            "code": region.code,
            "name": pick_name(region_names, lang or "en"),
            "names": region_names,
        },
    }


@blp.route("/lookup")
class CommuneLookup(MethodView):
    @blp.arguments(LookupQueryArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, CommuneLookupSchema)
    @blp.alt_response(404, **problem_doc("No commune serves this point"))
    def get(self, args):
        """The commune responsible for a WGS84 point"""
        session = db_session()
        try:
            match = locate(
                session,
                args["lon"],
                args["lat"],
                snap_distance_m=current_app.config["ROUTING_SNAP_DISTANCE_M"],
                hint_distance_m=current_app.config["ROUTING_HINT_DISTANCE_M"],
            )
        except OutsideServiceAreaError as exc:
            raise NotFoundError(exc.detail, **exc.extra) from exc
        commune = session.get(Commune, match.commune_id)
        return {
            **commune_view(commune, request_language()),
            "match": match.match,
            "distance_m": round(match.distance_m, 1),
        }


@blp.route("")
class Communes(MethodView):
    @blp.arguments(CommuneSearchQueryArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, CommunePlaceSchema(many=True))
    def get(self, args):
        """Current communes by name, with a point inside each (to place a report without GPS)"""
        lang = request_language()
        return [
            {
                **commune_view(place.commune, lang),
                "point": {"lat": place.lat, "lon": place.lon},
                "radius_m": round(place.radius_m),
            }
            for place in search_communes(db_session(), args["q"], args["limit"])
        ]
