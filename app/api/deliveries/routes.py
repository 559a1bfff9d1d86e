"""/api/v1/staff/deliveries: the deliveries given up (administrators: all; a body's managers:
their body's), and a person's retry, audited on the ticket."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from app.accounts.access import visible_body_ids
from app.api.auth.guard import require, require_staff, signed_in_staff
from app.api.common import request_language
from app.api.deliveries.schemas import DeliverySchema, FailedListSchema, delivery_answer
from app.api.staff import staff_view
from app.delivery import views
from app.tickets.changes import actor_of
from app.web import db_session

blp = Blueprint(
    "deliveries", __name__, url_prefix="/staff/deliveries", description="Staff: deliveries"
)
ACTION = "deliveries.retry"


@blp.before_request
def _staff_first():
    require_staff()


@blp.route("/failed")
class FailedDeliveries(MethodView):
    @staff_view(blp, ACTION, FailedListSchema)
    def get(self):
        """The deliveries given up after their maximum attempts, latest first, with the last
        error: every body's for administrators, their own body's for its managers"""
        session = db_session()
        body_ids = visible_body_ids(session, signed_in_staff(), ACTION)
        rows = views.failed_deliveries(session.connection(), body_ids)
        lang = request_language()
        return {"items": [delivery_answer(row, lang) for row in rows]}


@blp.route("/<int:delivery_id>/retry")
class RetryDelivery(MethodView):
    @staff_view(
        blp,
        ACTION,
        DeliverySchema,
        errors=((404, "No such delivery, or another body's"), (409, "The delivery has not failed")),
    )
    def post(self, delivery_id: int):
        """Queue a failed delivery again (audited on its ticket); the worker sends it soon,
        reconciling first if its last attempt's outcome was unknown"""
        session = db_session()
        db = session.connection()
        try:
            # Another body's delivery is a 404, as a missing one: not a 403 that says it exists.
            mine = visible_body_ids(session, signed_in_staff(), ACTION)
            row = views.delivery_row(db, delivery_id, mine)
            user = require(ACTION, body_id=row.body_id)
            queued = views.retry_delivery(db, delivery_id, actor_of(user))
            session.commit()
        except BaseException:
            session.rollback()
            raise
        return delivery_answer(queued, request_language())
