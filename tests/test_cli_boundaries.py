"""`flask boundaries import` prints what it did, and a bad file is refused with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from app.config import ROOT

LAMBERT_FILE = ROOT / "fixtures" / "synthetic-communes-31370.geojson"


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def _import(runner, *args):
    return runner.invoke(args=["boundaries", "import", *map(str, args)])


def _rows(connection) -> tuple[int, int]:
    sets = connection.execute(text("SELECT count(*) FROM boundary_sets")).scalar_one()
    communes = connection.execute(text("SELECT count(*) FROM communes")).scalar_one()
    return sets, communes


def test_import_prints_counts_and_closes_the_set_before(runner, connection):
    result = _import(runner, LAMBERT_FILE, "--crs", "EPSG:31370", "--valid-from", "2030-01-01")
    assert result.exit_code == 0, result.output
    assert "Importing 3 communes (EPSG:31370)" in result.output
    assert (
        "3 communes imported, valid from 2030-01-01; 0 invalid polygons repaired; "
        "1 earlier set(s) closed." in result.output
    )
    valid_to = connection.execute(
        text("SELECT valid_to FROM boundary_sets WHERE valid_from = '2025-01-01'")
    ).scalar_one()
    assert valid_to == dt.date(2029, 12, 31)


def test_second_import_of_the_same_file_says_nothing_changed(runner, connection):
    _import(runner, LAMBERT_FILE, "--valid-from", "2030-01-01")
    before = _rows(connection)
    result = _import(runner, LAMBERT_FILE, "--valid-from", "2030-01-01")
    assert result.exit_code == 0, result.output
    assert "already imported (3 communes, valid from 2030-01-01); nothing changed." in result.output
    assert _rows(connection) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"type": "FeatureCollection", "features": [', "not valid JSON"),
        (b'{"type": "FeatureCollection", "features": []}', "holds no features"),
        (
            b'{"type": "FeatureCollection", "features": [{"type": "Feature", '
            b'"properties": {"name": "no code"}, "geometry": null}]}',
            "5-digit NIS code",
        ),
    ],
)
def test_unreadable_file_is_a_clear_error_and_writes_nothing(
    runner, connection, tmp_path, content, message
):
    before = _rows(connection)
    path = tmp_path / "bad.geojson"
    path.write_bytes(content)
    result = _import(runner, path, "--valid-from", "2030-01-01")
    assert result.exit_code == 1
    assert "Error: " in result.output
    assert message in result.output
    assert "bad.geojson" in result.output
    assert "Traceback" not in result.output
    assert _rows(connection) == before


def test_missing_file_is_refused_by_click(runner, tmp_path):
    result = _import(runner, tmp_path / "nowhere.geojson")
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_wrong_crs_is_a_clear_error_and_writes_nothing(runner, connection):
    before = _rows(connection)
    result = _import(runner, LAMBERT_FILE, "--crs", "EPSG:4326", "--valid-from", "2030-01-01")
    assert result.exit_code == 1
    assert "not longitude/latitude; pass --crs EPSG:31370 or EPSG:3812" in result.output
    assert _rows(connection) == before


def test_unsupported_crs_is_named(runner, connection):
    before = _rows(connection)
    result = _import(runner, LAMBERT_FILE, "--crs", "EPSG:3857", "--valid-from", "2030-01-01")
    assert result.exit_code == 1
    assert "'EPSG:3857' is not one of EPSG:4326, EPSG:31370 or EPSG:3812" in result.output
    assert _rows(connection) == before


def test_malformed_date_is_refused_by_click(runner):
    result = _import(runner, LAMBERT_FILE, "--valid-from", "01/01/2030")
    assert result.exit_code == 2
    assert "--valid-from" in result.output
