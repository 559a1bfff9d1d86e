"""The routing rules on synthetic communes whose overlap and gap are known to the metre.

fixtures/synthetic-overlap-gap-31370.geojson holds, in Lambert 72 metres:
  99031 (west)  x 150000-151000, y 170000-171000
  99032 (east)  x 150980-151980, y 170000-171000: a 20 m wide overlap with 99031
  99033 (north) x 150000-151000, y 171010-172000: a 10 m wide gap above 99031
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from app.config import ROOT
from app.errors import OutsideServiceAreaError
from app.geo.boundaries import import_boundaries, read_boundary_file
from app.geo.projection import LAMBERT_72, WGS84, transformer
from app.geo.routing import locate

FIXTURE = ROOT / "fixtures" / "synthetic-overlap-gap-31370.geojson"


@pytest.fixture(scope="module")
def db(empty_engine):
    """The module's own database, holding only the three synthetic communes."""
    with Session(empty_engine) as session, session.begin():
        import_boundaries(session, read_boundary_file(FIXTURE), dt.date(2000, 1, 1))
    with empty_engine.connect() as conn:
        yield conn
        conn.rollback()


def at(x: float, y: float) -> tuple[float, float]:
    """Lon/lat of a point given in Lambert 72 metres."""
    return transformer(LAMBERT_72, WGS84).transform(x, y)


def test_inside_one_commune(db):
    match = locate(db, *at(150_500, 170_500))
    assert (match.nis_code, match.match, match.distance_m) == ("99031", "inside", 0.0)


@pytest.mark.parametrize(
    ("x", "nis_code"),
    [
        (150_985, "99031"),  # 15 m inside the west commune, 5 m inside the east one
        (150_995, "99032"),  # 5 m inside the west commune, 15 m inside the east one
    ],
)
def test_overlap_goes_to_the_commune_the_point_is_deepest_in(db, x, nis_code):
    match = locate(db, *at(x, 170_500))
    assert (match.nis_code, match.match) == (nis_code, "overlap")
    assert locate(db, *at(x, 170_500)) == match


@pytest.mark.parametrize(
    ("y", "nis_code", "distance"),
    [
        (171_004, "99031", 4.0),  # 4 m above the west commune, 6 m below the north one
        (171_007, "99033", 3.0),  # 7 m above the west commune, 3 m below the north one
    ],
)
def test_gap_goes_to_the_nearest_commune(db, y, nis_code, distance):
    match = locate(db, *at(150_500, y))
    assert (match.nis_code, match.match) == (nis_code, "nearest")
    assert match.distance_m == pytest.approx(distance, abs=0.05)


def test_within_the_snap_distance_goes_to_the_nearest(db):
    match = locate(db, *at(152_020, 170_500))
    assert (match.nis_code, match.match) == ("99032", "nearest")
    assert match.distance_m == pytest.approx(40, abs=0.05)


def test_beyond_the_snap_distance_is_outside_and_names_the_commune(db):
    with pytest.raises(OutsideServiceAreaError) as excinfo:
        locate(db, *at(152_040, 170_500))
    assert excinfo.value.detail == (
        "The place is outside the area served: Pavé covers the communes of Belgium. "
        "The nearest commune, Chevauche-Est, is 60 m away."
    )
    nearest_commune = excinfo.value.extra["nearest_commune"]
    assert {k: nearest_commune[k] for k in ("nis_code", "distance_m", "name")} == {
        "nis_code": "99032",
        "distance_m": 60,
        "name": "Chevauche-Est",
    }


def test_snap_distance_is_a_setting(db):
    match = locate(db, *at(152_040, 170_500), snap_distance_m=100)
    assert (match.nis_code, match.match) == ("99032", "nearest")
    with pytest.raises(OutsideServiceAreaError):
        locate(db, *at(152_020, 170_500), snap_distance_m=10)


def test_beyond_the_hint_distance_is_outside_without_a_name(db):
    with pytest.raises(OutsideServiceAreaError) as excinfo:
        locate(db, *at(154_000, 170_500))
    assert "nearest" not in excinfo.value.detail
    assert excinfo.value.extra == {}
