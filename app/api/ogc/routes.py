"""/ogc/: OGC API Features over the published reports and the communes, in JSON and HTML.

A plain Flask blueprint rather than flask-smorest: the standard fixes the documents, the
parameters (bbox as "1,2,3,4", limit above its maximum served rather than refused) and the
error format ({"code", "description"}), and this API has its own OpenAPI document at /ogc/api
(app/ogc/openapi.py), whose server is /ogc/ as the standard's paths expect.
"""

from __future__ import annotations

import datetime as dt
import json
import time

from flask import Blueprint, Response, current_app, render_template, request, url_for
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound

from app.ogc import crs as crs_
from app.ogc import pages, params
from app.ogc.collections import COLLECTIONS
from app.ogc.features import Query
from app.ogc.openapi import CONFORMANCE, GEOJSON, HTML, JSON, OPENAPI_MEDIA_TYPE, document
from app.problems import negotiate
from app.web import read_session

blp = Blueprint("ogc", __name__, url_prefix="/ogc")

TITLE = "Pavé open data"
DESCRIPTION = (
    "Street problem reports in Belgium, anonymised, and the communes they are routed to, "
    "through OGC API Features."
)
# A collection's extent scans every report: worked out at most this often per process.
EXTENT_TTL_S = 600


@blp.after_request
def _cross_origin(response: Response) -> Response:
    """Open data for map clients on other sites (Recommendation 5, /rec/core/cross-origin).

    Nothing here depends on who asks: no cookie is read, so any origin may read it.
    """
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@blp.errorhandler(params.InvalidParameter)
def _invalid_parameter(exc: params.InvalidParameter):
    return exception(400, exc.code, str(exc))


@blp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    code = exc.name.replace(" ", "")
    if isinstance(exc, InternalServerError):
        code = "ServerError"
    status = exc.code or 500
    if status == 422:
        # A parameter refused before it got here (app/api/hostile.py): OGC says 400 for it.
        status, code = 400, params.InvalidParameter.code
    response = exception(status, code, exc.description or exc.name)
    allowed = getattr(exc, "valid_methods", None)
    if exc.code == 405 and allowed:
        response.headers["Allow"] = ", ".join(allowed)
    return response


@blp.errorhandler(OperationalError)
def _database_down(exc: OperationalError):
    current_app.logger.error("database unavailable: %s", exc)
    return exception(503, "ServiceUnavailable", "The database cannot be reached; try again.")


def exception(status: int, code: str, description: str) -> Response:
    """The OGC API's error document (the standard's exception schema)."""
    body = json.dumps({"code": code, "description": description})
    return Response(body, status=status, content_type=JSON)


def _args(*allowed: str) -> dict[str, str]:
    """The query parameters, each known and given once (else 400, Requirement 8)."""
    given = request.args.to_dict(flat=False)
    # lang: the HTML pages' language, where Accept-Language cannot be set (a shared link).
    params.check_names(given, ("f", "lang", *allowed))
    for name, values in given.items():
        if len(values[0]) > params.MAX_PARAMETER_LENGTH:
            raise params.InvalidParameter(
                name, f"at most {params.MAX_PARAMETER_LENGTH} characters."
            )
    return {name: values[0] for name, values in given.items()}


def _format(args: dict[str, str], json_type: str = JSON) -> str:
    """json or html: the f parameter if given, else the best of the Accept header."""
    if "f" in args:
        if args["f"] not in ("json", "html"):
            raise params.InvalidParameter(
                "f", f"{args['f']!r} is not a format here; use json or html."
            )
        return args["f"]
    # JSON first: a client that takes anything (*/*) gets JSON.
    best = request.accept_mimetypes.best_match([json_type, JSON, HTML], default=json_type)
    return "html" if best == HTML else "json"


def _url(endpoint: str, args: dict[str, str] | None = None, **values) -> str:
    return url_for(endpoint, _external=True, **values, **(args or {}))


def link(href: str, rel: str, type_: str, title: str | None = None) -> dict:
    return {"href": href, "rel": rel, "type": type_} | ({"title": title} if title else {})


def _self_links(endpoint: str, args: dict[str, str], fmt: str, json_type=JSON, **values):
    """self (in the format served) and alternate (in the other one)."""
    as_json = _url(endpoint, args | {"f": "json"}, **values)
    as_html = _url(endpoint, args | {"f": "html"}, **values)
    json_link = (as_json, json_type, "This document as JSON")
    html_link = (as_html, HTML, "This document as HTML")
    current, other = (json_link, html_link) if fmt == "json" else (html_link, json_link)
    return [
        link(current[0], "self", current[1], current[2]),
        link(other[0], "alternate", *other[1:]),
    ]


def _html(template: str, **context) -> Response:
    """An HTML page in the reader's language (?lang=, else Accept-Language, else English)."""
    lang = negotiate(request.accept_languages, request.args.get("lang"))
    texts = pages.TEXTS[lang]
    html = render_template(
        f"ogc/{template}",
        title=texts["site"],
        t=texts,
        lang=lang,
        pages=pages,
        tile_url=current_app.config.get("PWA_TILE_URL") or "",
        tile_attribution=current_app.config.get("PWA_TILE_ATTRIBUTION") or "",
        **context,
    )
    response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Content-Language"] = lang
    response.vary.add("Accept-Language")
    return response


def _respond(fmt: str, data: dict, template: str, content_type: str = JSON, **context):
    if fmt == "html":
        return _html(template, data=data, **context)
    return Response(json.dumps(data), content_type=content_type)


def _collection(collection_id: str):
    collection = COLLECTIONS.get(collection_id)
    if collection is None:
        known = ", ".join(COLLECTIONS)
        raise NotFound(f"There is no collection {collection_id!r}; there are: {known}.")
    return collection


@blp.get("/")
def landing_page():
    args = _args()
    fmt = _format(args)
    data = {
        "title": TITLE,
        "description": DESCRIPTION,
        "links": [
            *_self_links("ogc.landing_page", args, fmt),
            link(_url("ogc.api"), "service-desc", OPENAPI_MEDIA_TYPE, "The API definition"),
            link(_url("ogc.api", {"f": "html"}), "service-doc", HTML, "The API documentation"),
            link(_url("ogc.conformance"), "conformance", JSON, "The conformance classes met"),
            link(_url("ogc.collections"), "data", JSON, "The feature collections"),
        ],
    }
    return _respond(fmt, data, "landing.html")


@blp.get("/conformance")
def conformance():
    args = _args()
    fmt = _format(args)
    data = {
        "conformsTo": list(CONFORMANCE),
        "links": _self_links("ogc.conformance", args, fmt),
    }
    return _respond(fmt, data, "conformance.html")


@blp.get("/api")
def api():
    args = _args()
    fmt = _format(args, OPENAPI_MEDIA_TYPE)
    if fmt == "html":
        return _html("api.html", spec_url=_url("ogc.api", {"f": "json"}))
    spec = document(_url("ogc.landing_page"))
    return Response(json.dumps(spec), content_type=OPENAPI_MEDIA_TYPE)


def _extent(collection) -> dict:
    """The collection's extent, worked out again once EXTENT_TTL_S have passed (per app)."""
    cache = current_app.extensions.setdefault("pave_ogc_extents", {})
    now = time.monotonic()
    cached = cache.get(collection.id)
    if cached is None or cached[0] < now:
        cached = (now + EXTENT_TTL_S, collection.extent(read_session()))
        cache[collection.id] = cached
    return cached[1]


def _describe(collection, links: list[dict] | None = None) -> dict:
    """A collection's description; `links` (self and alternate) default to its own page's."""
    cid = collection.id
    as_html = {"f": "html"}
    links = links or [
        link(_url("ogc.collection", collection_id=cid), "self", JSON, collection.title),
        link(_url("ogc.collection", as_html, collection_id=cid), "alternate", HTML),
    ]
    return {
        "id": cid,
        "title": collection.title,
        "description": collection.description,
        "keywords": list(collection.keywords),
        "itemType": "feature",
        "crs": [c.uri for c in crs_.SUPPORTED],
        "storageCrs": crs_.STORAGE.uri,
        "extent": _extent(collection),
        "links": [
            *links,
            link(_url("ogc.items", collection_id=cid), "items", GEOJSON, "The features"),
            link(_url("ogc.items", as_html, collection_id=cid), "items", HTML, "As HTML"),
        ],
    }


@blp.get("/collections")
def collections():
    args = _args()
    fmt = _format(args)
    data = {
        "links": _self_links("ogc.collections", args, fmt),
        "collections": [_describe(c) for c in COLLECTIONS.values()],
        "crs": [c.uri for c in crs_.SUPPORTED],
    }
    return _respond(fmt, data, "collections.html")


@blp.get("/collections/<collection_id>")
def collection(collection_id: str):
    found = _collection(collection_id)
    args = _args()
    fmt = _format(args)
    links = _self_links("ogc.collection", args, fmt, collection_id=collection_id)
    return _respond(fmt, _describe(found, links), "collection.html")


def _photo_url_prefix() -> str:
    """Where this app serves photo files: a photo's address is this and its key."""
    return url_for("photos.PhotoFile", key="", _external=True)


def _content_crs(response: Response, crs: crs_.Crs) -> Response:
    response.headers["Content-Crs"] = f"<{crs.uri}>"
    return response


@blp.get("/collections/<collection_id>/items")
def items(collection_id: str):
    found = _collection(collection_id)
    args = _args("limit", "cursor", "bbox", "bbox-crs", "crs", "datetime", *found.filters)
    fmt = _format(args, GEOJSON)
    bbox_crs = params.parse_crs("bbox-crs", args.get("bbox-crs"))
    query = Query(
        limit=params.parse_limit(args.get("limit")),
        crs=params.parse_crs("crs", args.get("crs")),
        bbox=params.parse_bbox(args.get("bbox"), bbox_crs),
        period=params.parse_datetime(args.get("datetime")),
        cursor=params.decode_cursor(args.get("cursor"), found.key_pattern),
        filters={n: f.parse(n, args[n]) for n, f in found.filters.items() if n in args},
        photo_url_prefix=_photo_url_prefix(),
    )
    page = found.page(read_session(), query)
    here = {k: v for k, v in args.items() if k != "cursor"}

    def page_link(cursor: str, rel: str, title: str) -> dict:
        target = here | {"cursor": cursor, "f": fmt}
        type_ = GEOJSON if fmt == "json" else HTML
        return link(_url("ogc.items", target, collection_id=collection_id), rel, type_, title)

    links = _self_links("ogc.items", args, fmt, GEOJSON, collection_id=collection_id)
    if page.next_cursor:
        links.append(page_link(page.next_cursor, "next", "The next page"))
    if page.prev_cursor:
        links.append(page_link(page.prev_cursor, "prev", "The previous page"))
    links.append(
        link(_url("ogc.collection", collection_id=collection_id), "collection", JSON, found.title)
    )
    meta = {
        "links": links,
        "timeStamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        **({"numberMatched": page.number_matched} if page.number_matched is not None else {}),
        "numberReturned": len(page.features),
    }
    features = ",".join(page.features)
    if fmt == "html":
        data = meta | {"features": json.loads(f"[{features}]")}
        context = {"collection": found, "columns": pages.COLUMNS[found.id], "crs": query.crs}
        return _content_crs(_respond(fmt, data, "items.html", **context), query.crs)
    # The features are JSON already (written by PostgreSQL); only the rest is dumped here.
    body = '{"type":"FeatureCollection","features":[' + features + "]," + json.dumps(meta)[1:]
    return _content_crs(Response(body, content_type=GEOJSON), query.crs)


@blp.get("/collections/<collection_id>/items/<feature_id>")
def item(collection_id: str, feature_id: str):
    found = _collection(collection_id)
    args = _args("crs")
    fmt = _format(args, GEOJSON)
    crs = params.parse_crs("crs", args.get("crs"))
    query = Query(limit=1, crs=crs, photo_url_prefix=_photo_url_prefix())
    text = found.feature(read_session(), feature_id, query)
    if text is None:
        raise NotFound(f"There is no feature {feature_id!r} in {collection_id}.")
    feature = json.loads(text)
    links = _self_links(
        "ogc.item", args, fmt, GEOJSON, collection_id=collection_id, feature_id=feature_id
    )
    links.append(
        link(_url("ogc.collection", collection_id=collection_id), "collection", JSON, found.title)
    )
    photo = (feature["properties"] or {}).get("photo_key")
    if photo:
        href = feature["properties"]["photo_url"]
        type_ = "image/webp" if photo.endswith(".webp") else "image/jpeg"
        links.append(link(href, "enclosure", type_, "The report's photo"))
    feature["links"] = links
    response = _respond(fmt, feature, "item.html", GEOJSON, collection=found, crs=crs)
    return _content_crs(response, crs)


@blp.route("/<path:path>")
def unknown(path: str):
    raise NotFound(f"There is nothing at /ogc/{path}; start from /ogc/.")
