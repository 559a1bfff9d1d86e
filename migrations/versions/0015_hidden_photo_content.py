"""Open data: a photo hidden by staff stays hidden wherever the same picture was sent.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04

Photo files are content-addressed: the same picture sent to two reports has the same files
and URLs. `open_data_reports` left out only the photo rows staff hid, so the same bytes sent
again to another report were published again. The view now leaves out a photo whose display
or thumbnail file is also that of a hidden photo (the rule of app.media.models.publicly_visible,
written out here so that this migration does not change with the app).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

OLD = "WHERE p.report_id = r.id AND NOT p.hidden\n"
NEW = """WHERE p.report_id = r.id AND NOT p.hidden
        AND NOT EXISTS (
            SELECT 1 FROM photos h
             WHERE h.hidden
               AND (h.display_sha256 IN (p.display_sha256, p.thumbnail_sha256)
                    OR h.thumbnail_sha256 IN (p.display_sha256, p.thumbnail_sha256)))
"""


def _view_0009() -> str:
    """The view as 0009 created it, to be replaced (same columns, same order)."""
    path = Path(__file__).with_name("0009_open_data_view.py")
    spec = importlib.util.spec_from_file_location("pave_migration_0009", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sql = module._view_sql()
    assert sql.count("CREATE VIEW") == 1 and sql.count(OLD) == 1, "0009's view changed"
    return sql.replace("CREATE VIEW", "CREATE OR REPLACE VIEW")


def upgrade() -> None:
    op.execute(_view_0009().replace(OLD, NEW))


def downgrade() -> None:
    op.execute(_view_0009())
