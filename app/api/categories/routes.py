"""GET /api/v1/categories."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from app.api.categories.schemas import CategorySchema
from app.api.common import request_language
from app.categories.models import Category, CategoryGroup
from app.i18n import pick_name
from app.web import db_session

blp = Blueprint("categories", __name__, url_prefix="/categories", description="Problem categories")


@blp.route("")
class Categories(MethodView):
    @blp.response(200, CategorySchema(many=True))
    def get(self):
        """Categories, grouped, with names in fr/nl/de/en"""
        lang = request_language() or "en"
        query = (
            select(Category)
            .join(CategoryGroup)
            .where(Category.active)
            .order_by(CategoryGroup.position, Category.position)
        )
        return [
            {
                "code": c.code,
                "name": pick_name(c.names(), lang),
                "names": c.names(),
                "group": {
                    "code": c.group.code,
                    "name": pick_name(c.group.names(), lang),
                    "names": c.group.names(),
                },
            }
            for c in db_session().scalars(query)
        ]
