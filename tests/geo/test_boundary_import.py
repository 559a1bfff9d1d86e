"""Boundary sets are imported once, close the set before them, and give every commune a body."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyogrio.raw
import pytest
import shapely
from shapely.geometry import box
from sqlalchemy import text

from app.config import ROOT, SHARED_DATA
from app.geo.boundaries import BoundaryFileError, import_boundaries, read_boundary_file
from app.geo.projection import LAMBERT_72, WGS84, transformer
from app.geo.routing import locate
from tests.helpers.databases import BOUNDARIES_FILE

FIXTURES = ROOT / "fixtures"
BOUNDARIES_2019 = SHARED_DATA / "be-municipalities-2019.geojson"
BORSBEEK = (4.4883, 51.1917)  # merged into Antwerpen (11002) on 1 January 2025


def _import(session, path, valid_from, crs=None):
    return import_boundaries(session, read_boundary_file(path, crs), valid_from)


def _counts(db) -> dict[str, int]:
    tables = ("boundary_sets", "communes", "commune_parts", "bodies")
    return {t: db.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}


def _sets(db) -> dict[dt.date, dt.date | None]:
    rows = db.execute(text("SELECT valid_from, valid_to FROM boundary_sets ORDER BY valid_from"))
    return dict(rows.all())


def _commune_validity(db, valid_from: dt.date) -> list[tuple]:
    """(valid_to, count) of the communes of the set that starts on valid_from."""
    return db.execute(
        text(
            "SELECT c.valid_to, count(*) FROM communes c "
            "JOIN boundary_sets s ON s.id = c.boundary_set_id "
            "WHERE s.valid_from = :d GROUP BY c.valid_to"
        ),
        {"d": valid_from},
    ).all()


def _communes_without_body(db) -> int:
    """Communes of the set in force that no commune body answers for."""
    return db.execute(
        text(
            "SELECT count(*) FROM communes c "
            "WHERE c.id IN (SELECT commune_id FROM commune_parts) AND NOT EXISTS ("
            "SELECT 1 FROM bodies b WHERE b.nis_code = c.nis_code AND b.kind = 'commune')"
        )
    ).scalar_one()


def _to_wgs84(x: float, y: float, srid: int = LAMBERT_72) -> tuple[float, float]:
    return transformer(srid, WGS84).transform(x, y)


# The session's database, with the 2025 set imported as valid from 2025-01-01.


def test_2025_set_is_current_and_every_commune_has_a_body(session):
    assert _sets(session) == {dt.date(2025, 1, 1): None}
    assert _commune_validity(session, dt.date(2025, 1, 1)) == [(None, 565)]
    routed = session.execute(text("SELECT count(DISTINCT commune_id) FROM commune_parts"))
    assert routed.scalar_one() == 565
    assert _communes_without_body(session) == 0


def test_reimporting_the_same_file_changes_nothing(session):
    before = _counts(session)
    parts = session.execute(text("SELECT min(id), max(id) FROM commune_parts")).one()
    result = _import(session, BOUNDARIES_FILE, dt.date(2025, 1, 1))
    assert (result.status, result.communes) == ("unchanged", 565)
    assert _counts(session) == before
    # Not even rebuilt: the routing parts are the very same rows.
    assert session.execute(text("SELECT min(id), max(id) FROM commune_parts")).one() == parts


def test_reimporting_the_same_file_for_another_day_changes_nothing(session):
    # The command's date defaults to today: running it again must not stack a copy.
    before = _counts(session)
    result = _import(session, BOUNDARIES_FILE, dt.date(2026, 6, 1))
    assert result.status == "unchanged"
    assert result.valid_from == dt.date(2025, 1, 1)
    assert _counts(session) == before


def test_another_file_for_a_date_already_taken_is_refused(session):
    before = _counts(session)
    path = FIXTURES / "synthetic-communes-31370.geojson"
    with pytest.raises(BoundaryFileError, match="already valid from 2025-01-01"):
        _import(session, path, dt.date(2025, 1, 1))
    assert _counts(session) == before


def test_older_set_imported_after_the_newer_one_is_closed_by_it(session):
    result = _import(session, BOUNDARIES_2019, dt.date(2019, 1, 1))
    assert (result.status, result.communes, result.closed_sets) == ("imported", 581, 1)
    assert _sets(session) == {dt.date(2019, 1, 1): dt.date(2024, 12, 31), dt.date(2025, 1, 1): None}
    assert _commune_validity(session, dt.date(2019, 1, 1)) == [(dt.date(2024, 12, 31), 581)]
    assert _commune_validity(session, dt.date(2025, 1, 1)) == [(None, 565)]
    assert locate(session, *BORSBEEK).nis_code == "11002"


# A database of this module's own, for imports that need an empty geography.


def test_newer_set_closes_the_older_one_and_takes_over_routing(empty_session):
    first = _import(empty_session, BOUNDARIES_2019, dt.date(2019, 1, 1))
    assert (first.status, first.communes, first.closed_sets) == ("imported", 581, 0)
    assert locate(empty_session, *BORSBEEK).nis_code == "11007"

    second = _import(empty_session, BOUNDARIES_FILE, dt.date(2025, 1, 1))
    assert (second.status, second.communes, second.closed_sets) == ("imported", 565, 1)
    assert _sets(empty_session) == {
        dt.date(2019, 1, 1): dt.date(2024, 12, 31),
        dt.date(2025, 1, 1): None,
    }
    assert _commune_validity(empty_session, dt.date(2019, 1, 1)) == [(dt.date(2024, 12, 31), 581)]
    assert locate(empty_session, *BORSBEEK).nis_code == "11002"
    assert _communes_without_body(empty_session) == 0


def test_lambert_72_file_is_imported_where_it_belongs(empty_session):
    result = _import(
        empty_session, FIXTURES / "synthetic-communes-31370.geojson", dt.date(2000, 1, 1)
    )
    assert (result.status, result.communes, result.repaired) == ("imported", 3, 0)
    rows = empty_session.execute(
        text(
            "SELECT nis_code, region_code, ST_Area(ST_Transform(boundary, 3812)) AS area "
            "FROM communes ORDER BY nis_code"
        )
    ).all()
    assert [(r.nis_code, r.region_code) for r in rows] == [
        ("99001", "04000"),
        ("99002", "04000"),
        ("99003", "03000"),  # no region_code in the file: derived from the NIS code
    ]
    assert all(r.area == pytest.approx(1_000_000, rel=1e-3) for r in rows)
    assert locate(empty_session, *_to_wgs84(151_500, 170_500)).nis_code == "99002"
    assert _communes_without_body(empty_session) == 0


def test_lambert_2008_file_is_imported_where_it_belongs(empty_session):
    _import(empty_session, FIXTURES / "synthetic-communes-3812.geojson", dt.date(2000, 1, 1))
    north = _to_wgs84(650_500, 671_500, srid=3812)
    south = _to_wgs84(650_500, 670_500, srid=3812)
    assert locate(empty_session, *north).nis_code == "99011"
    assert locate(empty_session, *south).nis_code == "99012"


def test_invalid_polygon_is_repaired_on_import(empty_session):
    path = FIXTURES / "synthetic-invalid-4326.geojson"
    result = _import(empty_session, path, dt.date(2000, 1, 1))
    assert (result.communes, result.repaired) == (2, 1)
    row = empty_session.execute(
        text(
            "SELECT ST_IsValid(boundary) AS valid, ST_NumGeometries(boundary) AS parts "
            "FROM communes WHERE nis_code = '99021'"
        )
    ).one()
    assert (row.valid, row.parts) == (True, 2)
    # Each triangle of the bow tie routes to it; the notches between them do not.
    assert locate(empty_session, 4.402, 50.81).nis_code == "99021"
    assert locate(empty_session, 4.438, 50.81).nis_code == "99022"


def test_geopackage_is_imported(empty_session, tmp_path):
    path = tmp_path / "communes.gpkg"
    squares = [box(150_000, 170_000, 151_000, 171_000), box(151_000, 170_000, 152_000, 171_000)]
    pyogrio.raw.write(
        path,
        geometry=np.array([shapely.to_wkb(s) for s in squares], dtype=object),
        field_data=[np.array(["99041", "99042"], dtype=object)],
        fields=["nis_code"],
        crs="EPSG:31370",
        geometry_type="Polygon",
        driver="GPKG",
    )
    result = _import(empty_session, path, dt.date(2000, 1, 1))
    assert (result.status, result.communes) == ("imported", 2)
    assert locate(empty_session, *_to_wgs84(151_500, 170_500)).nis_code == "99042"


def test_set_imported_ahead_of_its_date_takes_over_when_the_import_runs_again(empty_session):
    lambert_72 = FIXTURES / "synthetic-communes-31370.geojson"
    lambert_2008 = FIXTURES / "synthetic-communes-3812.geojson"
    _import(empty_session, lambert_72, dt.date(2000, 1, 1))
    ahead = _import(empty_session, lambert_2008, dt.date(2099, 1, 1))
    north = _to_wgs84(650_500, 671_500, srid=3812)
    assert locate(empty_session, *_to_wgs84(151_500, 170_500)).nis_code == "99002"
    # Its day comes (moved here rather than waiting for 2099).
    empty_session.execute(
        text("UPDATE boundary_sets SET valid_from = '2001-01-01' WHERE id = :id"),
        {"id": ahead.boundary_set_id},
    )
    # `make run` imports the default file again at every start.
    again = _import(empty_session, lambert_72, dt.date(2000, 1, 1))
    assert again.status == "unchanged"
    assert locate(empty_session, *north).nis_code == "99011"
    assert _communes_without_body(empty_session) == 0
