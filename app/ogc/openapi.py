"""The OpenAPI 3.0 definition of /ogc/ (conformance class "OpenAPI 3.0"), built from the code.

Each collection's paths are written out (/collections/reports/items, …) rather than as
/collections/{collectionId}/items, because the collections take different parameters and the
API answers 400 to any parameter its definition does not declare (Part 1, Requirement 8).
The parameters and schemas follow the building blocks of OGC API Features Part 1 and 2.
"""

from __future__ import annotations

from app.ogc import crs as crs_
from app.ogc.collections import COLLECTIONS
from app.ogc.features import AttributeFilter
from app.ogc.params import DEFAULT_LIMIT, MAX_LIMIT, MAX_PARAMETER_LENGTH

OPENAPI_MEDIA_TYPE = "application/vnd.oai.openapi+json;version=3.0"
GEOJSON = "application/geo+json"
JSON = "application/json"
HTML = "text/html"

CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
)


def _ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def _query(name: str, description: str, schema: dict, *, explode: bool = False) -> dict:
    if schema.get("type") == "string" and "enum" not in schema:
        schema = {**schema, "maxLength": MAX_PARAMETER_LENGTH}
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
        "style": "form",
        "explode": explode,
    }


CRS_URIS = [c.uri for c in crs_.SUPPORTED]

PARAMETERS = {
    "f": _query(
        "f",
        "The format of the answer; without it, the Accept header decides (JSON by default).",
        {"type": "string", "enum": ["json", "html"]},
    ),
    "limit": _query(
        "limit",
        f"How many items a page holds, {DEFAULT_LIMIT} unless said. Above {MAX_LIMIT}, "
        f"{MAX_LIMIT} are served (not an error); 0, a negative or a non-integer is a 400.",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
    ),
    "bbox": _query(
        "bbox",
        "Only features whose geometry intersects this box: minx,miny,maxx,maxy (or six "
        "numbers with minz and maxz), in CRS84 longitude/latitude unless bbox-crs names "
        "another. In CRS84 a first longitude greater than the third is a box across the "
        "antimeridian.",
        {
            "type": "array",
            "oneOf": [{"minItems": 4, "maxItems": 4}, {"minItems": 6, "maxItems": 6}],
            "items": {"type": "number"},
        },
    ),
    "bbox-crs": _query(
        "bbox-crs",
        "The coordinate reference system of bbox (Part 2), CRS84 unless said.",
        {"type": "string", "format": "uri", "enum": CRS_URIS, "default": crs_.CRS84.uri},
    ),
    "crs": _query(
        "crs",
        "The coordinate reference system of the geometries returned (Part 2), CRS84 unless "
        "said; the Content-Crs header of the answer names it.",
        {"type": "string", "format": "uri", "enum": CRS_URIS, "default": crs_.CRS84.uri},
    ),
    "datetime": _query(
        "datetime",
        "An RFC 3339 date-time or date, or an interval start/end whose open end is '..' or "
        "empty (a start with an ISO 8601 duration also works). A date-time stands for the "
        "second (or fraction) it is written to, a date for its whole day in UTC.",
        {"type": "string"},
    ),
    "cursor": _query(
        "cursor",
        "Where a page starts: an opaque token taken from a next or prev link.",
        {"type": "string"},
    ),
    "featureId": {
        "name": "featureId",
        "in": "path",
        "required": True,
        "description": "The feature's id.",
        "schema": {"type": "string"},
    },
}

_STRING = {"type": "string"}
_STRINGS = {"type": "array", "items": _STRING}
_NUMBERS = {"type": "array", "items": {"type": "number"}}
_POSITION = {"type": "array", "minItems": 2, "items": {"type": "number"}}


def _object(required: tuple[str, ...] = (), about: str = "", /, **properties) -> dict:
    """The schema of a JSON object with these members, `required` among them."""
    return {
        "type": "object",
        **({"description": about} if about else {}),
        **({"required": list(required)} if required else {}),
        "properties": properties,
    }


def _strings(*names: str) -> dict:
    """Members that are strings, by name."""
    return dict.fromkeys(names, _STRING)


def _geojson(kind: str, required: tuple[str, ...] = ("coordinates",), **properties) -> dict:
    """The schema of a GeoJSON object of type `kind`: its "type" member and `properties`."""
    return _object(("type", *required), type={"type": "string", "enum": [kind]}, **properties)


LINK = _object(
    ("href", "rel"),
    **_strings("href", "rel", "type", "hreflang", "title"),
    length={"type": "integer"},
)
LINKS = {"type": "array", "items": _ref("schemas", "link")}

SCHEMAS = {
    "link": LINK,
    "exception": _object(
        ("code",), "An error: a code and what is wrong.", **_strings("code", "description")
    ),
    "landingPage": _object(("links",), **_strings("title", "description"), links=LINKS),
    "confClasses": _object(("conformsTo",), conformsTo=_STRINGS),
    "extent": _object(
        spatial=_object(
            bbox={
                "type": "array",
                "minItems": 1,
                "items": {"type": "array", "minItems": 4, "maxItems": 6, **_NUMBERS},
            },
            crs=_STRING,
        ),
        temporal=_object(
            interval={
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "array",
                    "minItems": 2,
                    "maxItems": 2,
                    "items": {"type": "string", "format": "date-time", "nullable": True},
                },
            },
            trs=_STRING,
        ),
    ),
    "collection": _object(
        ("id", "links"),
        **_strings("id", "title", "description"),
        keywords=_STRINGS,
        links=LINKS,
        extent=_ref("schemas", "extent"),
        itemType=_STRING,
        crs=_STRINGS,
        storageCrs=_STRING,
    ),
    "collections": _object(
        ("links", "collections"),
        links=LINKS,
        collections={"type": "array", "items": _ref("schemas", "collection")},
        crs=_STRINGS,
    ),
    "pointGeoJSON": _geojson("Point", coordinates=_POSITION),
    "multipolygonGeoJSON": _geojson(
        "MultiPolygon",
        # Polygons, each a list of rings, each a closed list of positions.
        coordinates={
            "type": "array",
            "items": {
                "type": "array",
                "items": {"type": "array", "minItems": 4, "items": _POSITION},
            },
        },
    ),
    "geometryGeoJSON": {
        "description": "A Point (reports) or a MultiPolygon (communes).",
        "oneOf": [_ref("schemas", "pointGeoJSON"), _ref("schemas", "multipolygonGeoJSON")],
    },
    "featureGeoJSON": _geojson(
        "Feature",
        required=("geometry", "properties"),
        id={"oneOf": [{"type": "string"}, {"type": "integer"}]},
        geometry=_ref("schemas", "geometryGeoJSON"),
        properties={"type": "object", "nullable": True},
        links=LINKS,
    ),
    "featureCollectionGeoJSON": _geojson(
        "FeatureCollection",
        required=("features",),
        features={"type": "array", "items": _ref("schemas", "featureGeoJSON")},
        links=LINKS,
        timeStamp={"type": "string", "format": "date-time"},
        numberMatched={"type": "integer", "minimum": 0},
        numberReturned={"type": "integer", "minimum": 0},
    ),
}

_HTML_CONTENT = {HTML: {"schema": {"type": "string"}}}
_CONTENT_CRS = {
    "Content-Crs": {
        "description": "The CRS of the geometries, as a URI in angle brackets.",
        "schema": {"type": "string"},
    }
}


def _response(description: str, media_type: str, schema: str, headers: dict | None = None):
    response = {
        "description": description,
        "content": {media_type: {"schema": _ref("schemas", schema)}, **_HTML_CONTENT},
    }
    if headers:
        response["headers"] = headers
    return response


def _error(description: str) -> dict:
    return {"description": description, "content": {JSON: {"schema": _ref("schemas", "exception")}}}


RESPONSES = {
    "LandingPage": _response("The landing page.", JSON, "landingPage"),
    "ConformanceDeclaration": _response("The conformance classes met.", JSON, "confClasses"),
    "Collections": _response("The feature collections.", JSON, "collections"),
    "Collection": _response("One feature collection.", JSON, "collection"),
    "Features": _response(
        "A page of features, with next and prev links.",
        GEOJSON,
        "featureCollectionGeoJSON",
        _CONTENT_CRS,
    ),
    "Feature": _response("One feature.", GEOJSON, "featureGeoJSON", _CONTENT_CRS),
    "InvalidParameter": _error("A parameter is unknown, repeated or invalid."),
    "NotFound": _error("There is no such feature."),
    "ServerError": _error("The server failed; try again later."),
    "ServiceUnavailable": _error("The database cannot be reached; try again later."),
}

_ERRORS = {
    "400": _ref("responses", "InvalidParameter"),
    "500": _ref("responses", "ServerError"),
    "503": _ref("responses", "ServiceUnavailable"),
}


def _get(operation_id: str, summary: str, response: str, parameters=(), tags=(), not_found=False):
    responses = {"200": _ref("responses", response), **_ERRORS}
    if not_found:
        responses["404"] = _ref("responses", "NotFound")
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "tags": list(tags),
            "parameters": [*parameters, _ref("parameters", "f")],
            "responses": responses,
        }
    }


def _filter_parameter(name: str, flt: AttributeFilter) -> dict:
    schema: dict = {"type": "string"}
    if flt.enum and not flt.multiple:
        schema["enum"] = list(flt.enum)
    if flt.pattern:
        schema["pattern"] = f"^{flt.pattern}$"
    return _query(name, flt.description[0].upper() + flt.description[1:] + ".", schema)


def _collection_paths(collection) -> dict:
    cid = collection.id
    items = [_ref("parameters", name) for name in ("limit", "bbox", "bbox-crs", "crs")]
    items += [_ref("parameters", "datetime"), _ref("parameters", "cursor")]
    items += [_filter_parameter(n, f) for n, f in collection.filters.items()]
    tags = [collection.title]
    return {
        f"/collections/{cid}": _get(
            f"describe_{cid}", f"About {collection.title.lower()}", "Collection", tags=tags
        ),
        f"/collections/{cid}/items": _get(
            f"get_{cid}", f"{collection.title}: a page of features", "Features", items, tags
        ),
        f"/collections/{cid}/items/{{featureId}}": _get(
            f"get_{cid}_feature",
            f"{collection.title}: one feature",
            "Feature",
            [_ref("parameters", "featureId"), _ref("parameters", "crs")],
            tags,
            not_found=True,
        ),
    }


def document(server_url: str) -> dict:
    """The OpenAPI document, its server being `server_url` (the landing page's URL)."""
    paths = {
        "/": _get("landing_page", "The landing page", "LandingPage", tags=["Capabilities"]),
        "/conformance": _get(
            "conformance",
            "The conformance classes met",
            "ConformanceDeclaration",
            tags=["Capabilities"],
        ),
        "/api": {
            "get": {
                "operationId": "api_definition",
                "summary": "This document (f=html: its interactive documentation)",
                "tags": ["Capabilities"],
                "parameters": [_ref("parameters", "f")],
                "responses": {
                    "200": {
                        "description": "The API definition.",
                        "content": {OPENAPI_MEDIA_TYPE: {"schema": {"type": "object"}}}
                        | _HTML_CONTENT,
                    },
                    **_ERRORS,
                },
            }
        },
        "/collections": _get(
            "collections", "The feature collections", "Collections", tags=["Capabilities"]
        ),
    }
    for collection in COLLECTIONS.values():
        paths.update(_collection_paths(collection))
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Pavé open data: OGC API Features",
            "version": "1.0.0",
            "description": (
                "Street problem reports in Belgium (anonymised) and the communes, as OGC API "
                "Features Part 1 (Core, GeoJSON, HTML, OpenAPI 3.0) and Part 2 (CRS: CRS84, "
                "Belgian Lambert 72 and Lambert 2008). Errors are JSON objects with a code "
                "and a description; a query parameter not described here is a 400."
            ),
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "tags": [{"name": "Capabilities"}] + [{"name": c.title} for c in COLLECTIONS.values()],
        "paths": paths,
        "components": {"parameters": PARAMETERS, "schemas": SCHEMAS, "responses": RESPONSES},
    }
