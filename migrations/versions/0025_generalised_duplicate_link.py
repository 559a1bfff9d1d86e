"""A generalised report publishes no `duplicate_of`: the link would point at an exact place.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06

0018 generalises a duplicate of a sensitive report, but the generalised row still published
the id of the report it was merged into, which undid the generalisation both ways:

- a sensitive report merged into an ordinary one named that original, published at its exact
  point, which is by construction the same spot ("dumping at this door");
- an ordinary report merged into a sensitive one named the sensitive report: whoever kept the
  ordinary report's exact point from before the merge knew where the sensitive one is.

`open_data_reports.duplicate_of` is now null on every generalised row (the report's own
category or its original's is sensitive); the row still says `status` duplicate. Every public
reader of the view follows: OGC API Features, the CSV and GeoJSON exports, the snapshots.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

LINK = "    r.duplicate_of,\n"
GUARDED_LINK = "    CASE WHEN NOT r.public_generalised THEN r.duplicate_of END AS duplicate_of,\n"


def _previous_view() -> str:
    path = Path(__file__).with_name("0021_public_read_indexes.py")
    spec = importlib.util.spec_from_file_location(f"pave_migration_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module._view()


def upgrade() -> None:
    sql = _previous_view()
    assert sql.count(LINK) == 1, "0021's view changed"
    # The column keeps its name, type and place: CREATE OR REPLACE VIEW takes it.
    op.execute(sql.replace(LINK, GUARDED_LINK))


def downgrade() -> None:
    op.execute(_previous_view())
