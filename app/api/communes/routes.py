"""/api/v1/communes: which commune serves a point, communes by name, and all of them to keep."""

from __future__ import annotations

from typing import cast

from flask import Response, current_app, jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from app.api.common import request_language
from app.api.communes.schemas import (
    CommuneLookupSchema,
    CommunePlaceSchema,
    CommuneSearchQueryArgsSchema,
    KeptCommuneSchema,
    LookupQueryArgsSchema,
    NoQueryArgsSchema,
)
from app.api.errors import problem_doc
from app.errors import NotFoundError, OutsideServiceAreaError
from app.geo.models import Commune
from app.geo.routing import locate
from app.geo.search import all_commune_places, search_communes
from app.i18n import pick_name
from app.web import db_session, read_session

# Unknown query parameters are refused rather than ignored: a misspelt filter would
# otherwise silently return everything (OGC API Features asks the same of its servers).
blp = Blueprint("communes", __name__, url_prefix="/communes", description="Belgian communes")

# The communes change with a boundary import (a few times a decade): a phone's copy is good
# for a day, then costs a 304.
PLACES_CACHE_CONTROL = "public, max-age=86400"


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


@blp.route("/places")
class CommunePlaces(MethodView):
    @blp.arguments(NoQueryArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, KeptCommuneSchema(many=True))
    @blp.alt_response(304, description="Not modified: the copy of the If-None-Match is current")
    def get(self, _args):
        """Every current commune with a point inside it, for the app to search offline

        The same for every reader (names in French, Dutch and German, no `name`): the
        resident app keeps a copy and, without a network, finds a commune by name in it
        with the rules of GET /communes?q=. One list of about 90 KB, which changes only
        with a new boundary set: a strong ETag, cacheable for a day, then a 304.
        """
        places = KeptCommuneSchema(many=True).dump(all_commune_places(read_session()))
        response = jsonify(places)
        response.headers["Cache-Control"] = PLACES_CACHE_CONTROL
        response.add_etag()
        # Werkzeug types it as its own Response; it is this one, changed in place.
        return cast(Response, response.make_conditional(request))
