"""GET /opendata/catalog: the DCAT-AP catalogue, in Turtle or JSON-LD by content negotiation.

/opendata/catalog.ttl and /opendata/catalog.jsonld name the format in the path instead, for
harvesters that cannot set Accept. The graph itself is built in app.opendata.catalog.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.errors import problem, problem_doc
from app.opendata.catalog import CatalogSettings, build_catalog
from app.opendata.snapshot_files import current_snapshots
from app.urls import public_url
from app.web import read_session

blp = Blueprint(
    "opendata_catalog", __name__, url_prefix="/opendata", description="Open data: DCAT-AP catalogue"
)

TURTLE = "text/turtle"
JSON_LD = "application/ld+json"
# Media type → rdflib serializer. The first is the default when any type will do.
SERIALIZERS = {TURTLE: "turtle", JSON_LD: "json-ld"}
# Compact JSON-LD terms (dcat:Dataset rather than full IRIs) for people who read it.
JSON_LD_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "dcatap": "http://data.europa.eu/r5r/",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "spdx": "http://spdx.org/rdf/terms#",
}

# OpenAPI can only say "text" of Turtle and "an object" of JSON-LD; the real contract is
# DCAT-AP, which the tests check with its SHACL shapes.
TURTLE_SCHEMA = {"type": "string"}
JSON_LD_SCHEMA = {"type": "object"}
CATALOG_DOC = {
    "parameters": [
        {
            "in": "header",
            "name": "Accept",
            "schema": {"type": "string"},
            "description": f"{TURTLE} (the default) or {JSON_LD}",
        }
    ],
    "responses": {
        "200": {
            "description": "The catalogue (DCAT-AP 3.0, DCAT-AP-BE)",
            "content": {TURTLE: {"schema": TURTLE_SCHEMA}, JSON_LD: {"schema": JSON_LD_SCHEMA}},
        }
    },
}


@blp.record_once
def _check_settings(state) -> None:
    # A publisher type or contact email the catalogue cannot publish stops the app at start,
    # not at a harvester's first visit.
    CatalogSettings.from_config(state.app.config, "http://localhost/")


def catalog_response(media_type: str) -> Response:
    settings = CatalogSettings.from_config(current_app.config, public_url("/"))
    snapshots = current_snapshots(Path(current_app.config["SNAPSHOT_DIR"]))
    graph = build_catalog(read_session(), settings, snapshots)
    if media_type == JSON_LD:
        body = graph.serialize(format="json-ld", context=JSON_LD_CONTEXT, auto_compact=True)
    else:
        body = graph.serialize(format=SERIALIZERS[media_type])
    response = Response(body, content_type=f"{media_type}; charset=utf-8")
    # Harvesters come back often; an unchanged catalogue costs them a 304.
    response.add_etag()
    # Werkzeug types it as its own Response; it is this one, changed in place.
    return cast(Response, response.make_conditional(request))


@blp.route("/catalog")
class Catalog(MethodView):
    @blp.doc(**CATALOG_DOC)
    @blp.alt_response(
        406, **problem_doc("Accept names neither text/turtle nor application/ld+json")
    )
    def get(self):
        """The open-data catalogue, in the format Accept asks for (Turtle by default)"""
        accept = request.accept_mimetypes
        # No Accept at all means any type will do (RFC 9110).
        media_type = accept.best_match(list(SERIALIZERS)) if accept else TURTLE
        if media_type is None:
            return problem(
                406,
                "Not Acceptable",
                f"The catalogue is available as {' or '.join(SERIALIZERS)}; "
                f"Accept asked for {request.headers.get('Accept')!r}.",
                "not-acceptable",
                available=list(SERIALIZERS),
            )
        response = catalog_response(media_type)
        response.vary.add("Accept")
        return response


@blp.route("/catalog.ttl")
class CatalogTurtle(MethodView):
    @blp.response(200, TURTLE_SCHEMA, content_type=TURTLE, description="The catalogue")
    def get(self):
        """The open-data catalogue in Turtle"""
        return catalog_response(TURTLE)


@blp.route("/catalog.jsonld")
class CatalogJsonLd(MethodView):
    @blp.response(200, JSON_LD_SCHEMA, content_type=JSON_LD, description="The catalogue")
    def get(self):
        """The open-data catalogue in JSON-LD"""
        return catalog_response(JSON_LD)
