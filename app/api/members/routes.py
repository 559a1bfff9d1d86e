"""/api/v1/staff/bodies: bodies by name (to transfer a ticket to), and /<code>/members: the
staff a ticket of this body may be assigned to."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE
from sqlalchemy import func, select

from app.accounts.models import BODY_ROLES, RoleGrant, User
from app.api.auth.guard import require, require_staff
from app.api.common import request_language
from app.api.members.schemas import BodyChoiceSchema, BodySearchArgsSchema, MemberSchema
from app.api.staff import staff_view
from app.bodies.models import Body
from app.errors import NotFoundError
from app.i18n import pick_name
from app.tickets.picking import search_bodies
from app.web import db_session

blp = Blueprint("members", __name__, url_prefix="/staff/bodies", description="Staff: members")


@blp.before_request
def _staff_first():
    # An anonymous caller learns nothing, not even whether the body exists.
    require_staff()


def members_of(body_id: int) -> list[dict]:
    """The active users holding a crew or manager grant on the body, by name."""
    display = func.coalesce(func.nullif(User.name, ""), User.email)
    query = (
        select(User.id, display.label("name"))
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(
            RoleGrant.body_id == body_id,
            RoleGrant.role.in_([role.value for role in BODY_ROLES]),
            User.active.is_(True),
        )
        .distinct()
        .order_by(display, User.id)
    )
    return [dict(row) for row in db_session().execute(query).mappings()]


@blp.route("/<string:body_code>/members")
class BodyMembers(MethodView):
    @staff_view(blp, "tickets.read", MemberSchema(many=True), errors=((404, "No such body"),))
    def get(self, body_code: str):
        """The crew members and managers of a body: whom its tickets may be assigned to"""
        body = (
            db_session()
            .execute(select(Body.id, Body.region_code).where(Body.code == body_code))
            .first()
        )
        if body is None:
            raise NotFoundError(f"There is no body {body_code!r}.")
        # Those who may read the body's tickets may know who works on them; no one else.
        require("tickets.read", body_id=body.id, region_code=body.region_code)
        return members_of(body.id)


@blp.route("")
class Bodies(MethodView):
    @staff_view(
        blp,
        "tickets.update",
        BodyChoiceSchema(many=True),
        query=BodySearchArgsSchema,
        query_unknown=RAISE,
        errors=((422, "No query, or a query too short or too long"),),
    )
    def get(self, args):
        """Communes, regional bodies and operators whose name in French, Dutch, German or
        English starts with the query (Ixelles and Elsene find the same commune): where a
        ticket may be transferred"""
        lang = request_language()
        return [
            {
                "code": body.code,
                "kind": body.kind,
                "name": pick_name(body.names, lang, body.region_code),
                "names": body.names,
            }
            for body in search_bodies(db_session(), args["q"], args["limit"])
        ]
