"""Loads the seed categories and bodies from fixtures/; running it again updates in place.

A body the fixtures give a contact email receives its new tickets by email (delivery_method
'email'), as every body with an email did before delivery methods; running them again
leaves a method chosen since alone, unless the body had no email before and gets one now.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.config import ROOT

FIXTURES = ROOT / "fixtures"

UPSERT_BODY = text(
    """
    INSERT INTO bodies (code, kind, name_fr, name_nl, name_de, name_en, region_code,
                        contact_email, contact_phone, contact_url, delivery_method)
    VALUES (:code, :kind, :fr, :nl, :de, :en, :region_code, CAST(:email AS text), :phone, :url,
            CASE WHEN CAST(:email AS text) IS NULL THEN 'pave' ELSE 'email' END)
    ON CONFLICT (code) DO UPDATE SET kind = EXCLUDED.kind, name_fr = EXCLUDED.name_fr,
        name_nl = EXCLUDED.name_nl, name_de = EXCLUDED.name_de, name_en = EXCLUDED.name_en,
        region_code = EXCLUDED.region_code, contact_email = EXCLUDED.contact_email,
        contact_phone = EXCLUDED.contact_phone, contact_url = EXCLUDED.contact_url,
        delivery_method = CASE
            WHEN bodies.delivery_method = 'pave' AND bodies.contact_email IS NULL
                 AND EXCLUDED.contact_email IS NOT NULL THEN 'email'
            ELSE bodies.delivery_method END
    """
)

UPSERT_GROUP = text(
    """
    INSERT INTO category_groups (code, name_fr, name_nl, name_de, name_en, position)
    VALUES (:code, :fr, :nl, :de, :en, :position)
    ON CONFLICT (code) DO UPDATE SET name_fr = EXCLUDED.name_fr, name_nl = EXCLUDED.name_nl,
        name_de = EXCLUDED.name_de, name_en = EXCLUDED.name_en, position = EXCLUDED.position
    """
)

UPSERT_CATEGORY = text(
    """
    INSERT INTO categories (code, group_code, name_fr, name_nl, name_de, name_en, handler,
                            body_id, position, sensitive)
    VALUES (:code, :group, :fr, :nl, :de, :en, :handler,
            (SELECT id FROM bodies WHERE code = :body), :position, :sensitive)
    ON CONFLICT (code) DO UPDATE SET group_code = EXCLUDED.group_code,
        name_fr = EXCLUDED.name_fr, name_nl = EXCLUDED.name_nl, name_de = EXCLUDED.name_de,
        name_en = EXCLUDED.name_en, handler = EXCLUDED.handler, body_id = EXCLUDED.body_id,
        position = EXCLUDED.position, sensitive = EXCLUDED.sensitive
    """
)


def _names(item: dict) -> dict:
    names = item["names"]
    return {lang: names.get(lang) for lang in ("fr", "nl", "de", "en")}


def load_fixtures(session: Session, directory: Path = FIXTURES) -> dict[str, int]:
    """Upsert bodies, category groups and categories; returns how many of each."""
    bodies = json.loads((directory / "bodies.json").read_text(encoding="utf-8"))["bodies"]
    for body in bodies:
        session.execute(
            UPSERT_BODY,
            {
                "code": body["code"],
                "kind": body["kind"],
                **_names(body),
                "region_code": body.get("region_code"),
                "email": body.get("contact_email"),
                "phone": body.get("contact_phone"),
                "url": body.get("contact_url"),
            },
        )
    doc = json.loads((directory / "categories.json").read_text(encoding="utf-8"))
    for position, group in enumerate(doc["groups"]):
        session.execute(
            UPSERT_GROUP, {"code": group["code"], **_names(group), "position": position}
        )
    for position, cat in enumerate(doc["categories"]):
        session.execute(
            UPSERT_CATEGORY,
            {
                "code": cat["code"],
                "group": cat["group"],
                **_names(cat),
                "handler": cat.get("handler", "commune"),
                "body": cat.get("body"),
                "position": position,
                "sensitive": bool(cat.get("sensitive", False)),
            },
        )
    return {
        "bodies": len(bodies),
        "groups": len(doc["groups"]),
        "categories": len(doc["categories"]),
    }
