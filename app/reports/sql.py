"""SQL that several modules' queries of a report share: its category, commune and body."""

from __future__ import annotations

from app.i18n import COMMUNE_LANGUAGES, name_columns

# A report `r` with its category `c`, commune `m` and body `b`.
REPORT_JOINS = """
    FROM reports r
    JOIN categories c ON c.id = r.category_id
    JOIN communes m ON m.id = r.commune_id
    JOIN bodies b ON b.id = r.body_id
"""
# Their names in every language (communes have no English one), as app.i18n.names_from reads
# them: category_fr…, commune_fr…, body_fr….
REPORT_NAMES = ", ".join(
    (
        name_columns("c.name", "category"),
        name_columns("m.name", "commune", COMMUNE_LANGUAGES),
        name_columns("b.name", "body"),
    )
)
