"""HTTP layer: the flask-smorest Api, problem+json errors and the v1 blueprints."""

from __future__ import annotations

import http

import flask_smorest
from flask import Flask
from flask_smorest.utils import prepare_response

from app.api.errors import PROBLEM_JSON, ProblemSchema, problem_from_http_exception


class Api(flask_smorest.Api):
    """flask-smorest's Api with RFC 9457 problem details as the error format."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error):
        return problem_from_http_exception(error)

    def _register_responses(self):
        # Same as flask-smorest's, but documents errors as application/problem+json.
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


api = Api()


def init_app(app: Flask) -> None:
    from app.api.categories.routes import blp as categories_blp
    from app.api.communes.routes import blp as communes_blp
    from app.api.docs import blp as docs_assets_blp
    from app.api.errors import register_domain_errors
    from app.api.health import ready as _live_and_ready  # noqa: F401  (its routes)
    from app.api.health.routes import blp as health_blp
    from app.api.photos.routes import blp as photos_blp
    from app.api.reports.routes import blp as reports_blp

    api.init_app(app)
    # Before any view: NUL, lone surrogates and deep JSON are refused for every endpoint.
    from app.api import hostile

    hostile.init_app(app)
    app.register_blueprint(docs_assets_blp)
    for blp in (health_blp, categories_blp, communes_blp, reports_blp):
        api.register_blueprint(blp, url_prefix=f"/api/v1{blp.url_prefix or ''}")
    api.register_blueprint(photos_blp, url_prefix="/api/v1")
    from app.api.follow.routes import blp as follow_blp

    api.register_blueprint(follow_blp, url_prefix=f"/api/v1{follow_blp.url_prefix}")
    from app.api.follow.followers import blp as followers_blp
    from app.api.follow.followers import confirmations as confirmations_blp

    api.register_blueprint(followers_blp, url_prefix=f"/api/v1{followers_blp.url_prefix}")
    api.register_blueprint(confirmations_blp, url_prefix=f"/api/v1{confirmations_blp.url_prefix}")
    from app.api import auth

    auth.init_app(app, api)
    from app.api.tickets import picking as _duplicate_candidates  # noqa: F401 (its route)
    from app.api.tickets.routes import blp as tickets_blp

    api.register_blueprint(tickets_blp, url_prefix=f"/api/v1{tickets_blp.url_prefix}")
    from app.api.members.routes import blp as members_blp

    api.register_blueprint(members_blp, url_prefix=f"/api/v1{members_blp.url_prefix}")
    from app.api.bodies.routes import blp as bodies_blp

    api.register_blueprint(bodies_blp, url_prefix=f"/api/v1{bodies_blp.url_prefix}")
    from app.api.deliveries.routes import blp as deliveries_blp

    api.register_blueprint(deliveries_blp, url_prefix=f"/api/v1{deliveries_blp.url_prefix}")
    from app.api.opendata.catalog import blp as catalog_blp

    api.register_blueprint(catalog_blp)
    from app.api.opendata.exports import blp as exports_blp

    api.register_blueprint(exports_blp)
    from app.api.opendata.snapshots import blp as snapshots_blp

    api.register_blueprint(snapshots_blp)
    from app.api.opendata.dashboard import blp as dashboard_blp

    api.register_blueprint(dashboard_blp)
    from app.api.ogc.routes import blp as ogc_blp

    app.register_blueprint(ogc_blp)  # a plain blueprint: OGC formats, errors and OpenAPI
    register_domain_errors(app)
