"""/api/v1/staff/tickets/<id>/duplicate-candidates: the tickets a crew may pick as the
original of a duplicate (registered on the tickets blueprint)."""

from __future__ import annotations

import uuid

from flask import url_for
from flask.views import MethodView

from app.accounts import access
from app.api.auth.guard import current_staff
from app.api.common import request_language
from app.api.staff import staff_view
from app.api.tickets.routes import blp
from app.api.tickets.schemas import DuplicateCandidateSchema
from app.api.tickets.scope import ticket_scope
from app.i18n import pick_name
from app.tickets import picking
from app.web import db_session


@blp.route("/<uuid:report_id>/duplicate-candidates")
class DuplicateCandidates(MethodView):
    @staff_view(
        blp, "tickets.read", DuplicateCandidateSchema(many=True), errors=((404, "No such ticket"),)
    )
    def get(self, report_id: uuid.UUID):
        """The open tickets of the same body within 500 m, nearest first, at most 10: what
        this ticket may be a duplicate of"""
        ticket_scope(report_id, "tickets.read")
        read_scope = access.scope_of(current_staff(), "tickets.read")
        lang = request_language()
        return [
            {
                "id": c.id,
                "reference": picking.short_ref(c.id),
                "status": c.status,
                "category": {"code": c.category_code, "name": pick_name(c.category_names, lang)},
                "distance_m": round(c.distance_m),
                "created_at": c.created_at,
                "thumbnail_url": url_for("photos.PhotoFile", key=c.thumbnail_key, _external=True)
                if c.thumbnail_key
                else None,
            }
            for c in picking.duplicate_candidates(db_session(), report_id, read_scope)
        ]
