"""Any coordinates give a commune that covers or nearly touches the point, or a clear refusal."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import OutsideServiceAreaError
from app.geo.routing import CommuneMatch, locate
from tests.helpers.routing_oracle import TOLERANCE_M, to_metric, to_wgs84

SNAP_M = 50.0
HINT_M = 1000.0
PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    # The connection and the oracle are module fixtures, shared on purpose: routing only reads.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

longitudes = st.floats(-180, 180, allow_nan=False)
# The last 0.1° around the south pole are left to test_routing.py's south-pole test, which is
# marked xfail until routing stops sending such points to ST_Transform; widen this then.
latitudes = st.floats(-90, 90, allow_nan=False)
# Belgium's bounding box with a margin: about half of it is inside a commune.
belgian_longitudes = st.floats(2.4, 6.55, allow_nan=False)
belgian_latitudes = st.floats(49.35, 51.6, allow_nan=False)
offsets_m = st.floats(-120, 120, allow_nan=False)


def check_routing(db, oracle, lon: float, lat: float) -> None:
    """The routing answer obeys the documented rules, or is refused as outside."""
    expected = oracle.expect(lon, lat)
    try:
        match = locate(db, lon, lat)
    except OutsideServiceAreaError as exc:
        assert expected.nis_code is None or expected.ambiguous, (lon, lat, expected)
        nearest = exc.extra.get("nearest_commune")
        if nearest is not None:
            assert SNAP_M - TOLERANCE_M < nearest["distance_m"] <= HINT_M + 1
            assert oracle.distance_m(nearest["nis_code"], lon, lat) <= HINT_M + TOLERANCE_M
        return
    except Exception:
        # Leave the shared connection usable, so that the next example shows its own result.
        db.rollback()
        raise
    assert isinstance(match, CommuneMatch)
    assert match.match in {"inside", "overlap", "nearest"}
    distance = oracle.distance_m(match.nis_code, lon, lat)
    if match.match == "nearest":
        assert 0 <= match.distance_m <= SNAP_M
        assert distance == pytest.approx(match.distance_m, abs=TOLERANCE_M)
    else:
        assert distance <= TOLERANCE_M, "a commune said to cover the point must cover it"
    if not expected.ambiguous:
        assert (match.nis_code, match.match) == (expected.nis_code, expected.match), (lon, lat)


@PROPERTY_SETTINGS
@given(lon=longitudes, lat=latitudes)
def test_any_coordinates_on_earth(routing_db, oracle, lon, lat):
    check_routing(routing_db, oracle, lon, lat)


@PROPERTY_SETTINGS
@given(lon=belgian_longitudes, lat=belgian_latitudes)
def test_any_coordinates_around_belgium(routing_db, oracle, lon, lat):
    check_routing(routing_db, oracle, lon, lat)


@pytest.fixture(scope="module")
def vertices(oracle):
    return oracle.vertices()


@settings(PROPERTY_SETTINGS, max_examples=300)
@given(data=st.data(), dx=offsets_m, dy=offsets_m)
def test_coordinates_near_commune_borders(routing_db, oracle, vertices, data, dx, dy):
    # Borders are where the overlaps, the gaps and the country's edge are.
    lon, lat = data.draw(st.sampled_from(vertices), label="vertex")
    x, y = to_metric(lon, lat).coords[0]
    lon, lat = to_wgs84(x + dx, y + dy)
    assert math.isfinite(lon) and math.isfinite(lat)
    check_routing(routing_db, oracle, lon, lat)
