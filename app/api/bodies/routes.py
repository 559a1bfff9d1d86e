"""/api/v1/bodies/<code>/delivery: read and change how a body receives its reports.

Administrators for every body, a commune manager for their own bodies; anyone else on the
staff gets a 403 (body codes are public: a refusal hides nothing by not being a 404). The API
key is write-only: the answer says whether one is set, never what it is.
"""

from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from app.api.auth.guard import require, require_staff, signed_in_staff
from app.api.bodies.schemas import DeliveryPutSchema, DeliverySettingsSchema
from app.api.staff import staff_view
from app.delivery import crypto
from app.delivery.settings import (
    KEEP,
    KEY_SET,
    DeliveryChange,
    DeliverySettings,
    change_settings,
    find_body,
    read_settings,
)
from app.tickets.changes import actor_of
from app.web import db_session

blp = Blueprint("bodies", __name__, url_prefix="/bodies", description="Staff: bodies' delivery")
ACTION = "bodies.delivery"


@blp.before_request
def _staff_first():
    # An anonymous caller learns nothing, not even whether the body exists.
    require_staff()
    sent = request.mimetype or request.content_length
    if request.method == "PUT" and sent and request.mimetype != "application/json":
        abort(415, message="Send JSON with Content-Type: application/json.")


def _answer(settings: DeliverySettings, names: dict[str, str]) -> dict:
    return {
        "body": settings.body_code,
        "names": names,
        "method": settings.method,
        "endpoint": settings.endpoint,
        "jurisdiction_id": settings.jurisdiction_id,
        "api_key_set": settings.api_key_set,
        "api_key_readable": settings.api_key == KEY_SET,
        "service_codes": settings.service_codes,
        "attributes": settings.attributes,
        "updated_at": settings.updated_at,
    }


def _allowed_body(body_code: str, *, lock: bool = False):
    body = find_body(db_session(), body_code, lock=lock)
    require(ACTION, body_id=body.id)
    return body


@blp.route("/<string:body_code>/delivery")
class BodyDelivery(MethodView):
    @staff_view(blp, ACTION, DeliverySettingsSchema, errors=((404, "No such body"),))
    def get(self, body_code: str):
        """How a body receives its reports: its method, Open311 connection and mappings
        (never the API key)"""
        body = _allowed_body(body_code)
        fernet = crypto.box_from_config(current_app.config)
        return _answer(read_settings(db_session(), body, fernet), body.names())

    @staff_view(
        blp,
        ACTION,
        DeliverySettingsSchema,
        body=DeliveryPutSchema,
        errors=((404, "No such body"), (422, "A value refused; `errors` names each field")),
    )
    def put(self, data, body_code: str):
        """Change how a body receives its reports; audited. The API key is write-only"""
        body = _allowed_body(body_code, lock=True)
        names = body.names()
        user = signed_in_staff()
        session = db_session()
        settings = change_settings(
            session,
            body_code,
            DeliveryChange(
                method=data["method"],
                endpoint=data["endpoint"],
                jurisdiction_id=data["jurisdiction_id"],
                api_key=data.get("api_key", KEEP),
                service_codes=data["service_codes"],
                attributes=data["attributes"],
            ),
            fernet=crypto.box_from_config(current_app.config),
            actor=actor_of(user),
            allow_http=current_app.config["DELIVERY_ALLOW_HTTP"],
            allow_private=current_app.config["DELIVERY_ALLOW_PRIVATE_ADDRESSES"],
        )
        session.commit()
        return _answer(settings, names)
