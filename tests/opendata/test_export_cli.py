"""`flask opendata export`: the same file as the download, a progress bar, refusals."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import text

from app.opendata import export
from tests.factories import HOURS_AGO
from tests.helpers.sql import PHOTO_SQL


@pytest.fixture
def reports(report_factory, session):
    made = [
        report_factory(in_brussels=True, description="Hole by the tram stop"),
        report_factory(
            in_ixelles=True, category="illegal_dumping", status="resolved", created_at=HOURS_AGO
        ),
        report_factory(in_namur=True, created_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC)),
    ]
    session.execute(
        text("UPDATE reports SET description_public = true WHERE id = :id"), {"id": made[0].id}
    )
    session.execute(PHOTO_SQL, {"id": made[0].id, "sha": "b", "hidden": False})
    return made


def run(app, *args):
    return app.test_cli_runner().invoke(args=["opendata", "export", *args])


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
@pytest.mark.parametrize("query", ["", "region=brussels&status=open", "start=2025-01-01"])
def test_the_command_writes_the_same_bytes_as_the_download(
    app, client, reports, tmp_path, fmt, query
):
    response = client.get(f"/opendata/reports.{fmt}?{query}")
    assert response.status_code == 200
    download = response.data
    options = [f"--{name}={value}" for name, value in (p.split("=") for p in query.split("&") if p)]
    target = tmp_path / f"out.{fmt}"

    result = run(
        app, "--format", fmt, *options, "-o", str(target), "--base-url", "http://localhost/"
    )

    assert result.exit_code == 0, result.output
    assert target.read_bytes() == download
    total = response.headers["X-Total-Count"]
    assert f"Exporting {total} reports to {target}" in result.output
    assert f"{total} reports written to {target}" in result.output
    assert [p.name for p in tmp_path.iterdir()] == [target.name], "no partial file left"


def test_without_an_output_the_file_takes_the_download_s_name(app, reports, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    result = run(app, "--format", "geojson", "--region", "wallonia")

    assert result.exit_code == 0, result.output
    name = export.filename(export.records.RecordFilter(region="wallonia"), "geojson")
    assert name.startswith("reports-wallonia-")
    (feature,) = json.loads((tmp_path / name).read_text())["features"]
    assert feature["id"] == str(reports[2].id)


def test_photo_addresses_start_with_the_base_url(app, reports, tmp_path):
    target = tmp_path / "out.csv"

    result = run(
        app, "--format", "csv", "-o", str(target), "--base-url", "https://pave.example.be/"
    )

    assert result.exit_code == 0, result.output
    assert f"https://pave.example.be/api/v1/photos/{'b' * 64}.jpg" in target.read_text()


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--region", "mars"], "--region"),
        (["--commune", "99999"], "--commune"),
        (["--commune", "1000"], "--commune"),
        (["--category", "potholes"], "--category"),
        (["--status", "open,bogus"], "--status"),
        (["--start", "2026-13-01"], "--start"),
        (["--end", "2026-03-01T10:00"], "--end"),
        (["--start", "2026-03-02", "--end", "2026-03-01"], "--end"),
        (["--format", "xlsx"], "--format"),
    ],
)
def test_a_bad_option_is_named_and_nothing_is_written(app, reports, tmp_path, args, option):
    target = tmp_path / "out.csv"

    result = run(app, "--format", "csv", *args, "-o", str(target))

    assert result.exit_code == 2
    assert option in result.output
    assert list(tmp_path.iterdir()) == []
