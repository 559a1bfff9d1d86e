"""Property-based: whatever coordinates a phone sends, the API answers a clear 2xx or 4xx."""

import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.helpers.api import assert_problem, report_body, row_counts

# The `client` fixture is shared by a test's examples on purpose: one rolled-back transaction.
EXAMPLES = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

in_belgium_bbox = st.fixed_dictionaries(
    {
        "lat": st.floats(min_value=49.49, max_value=51.51),
        "lon": st.floats(min_value=2.54, max_value=6.41),
    }
)
any_valid_point = st.fixed_dictionaries(
    {
        "lat": st.floats(min_value=-90, max_value=90),
        "lon": st.floats(min_value=-180, max_value=180),
    }
)
beyond = st.floats(allow_nan=False, allow_infinity=False)
out_of_range_point = st.one_of(
    st.fixed_dictionaries(
        {"lat": beyond.filter(lambda v: abs(v) > 90), "lon": st.floats(-180, 180)}
    ),
    st.fixed_dictionaries(
        {"lat": st.floats(-90, 90), "lon": beyond.filter(lambda v: abs(v) > 180)}
    ),
)


@EXAMPLES
@given(point=in_belgium_bbox)
@example(point={"lat": 50.8467, "lon": 4.3525})  # Grand-Place
@example(point={"lat": 51.5, "lon": 2.6})  # North Sea
def test_a_point_in_belgiums_bbox_is_created_or_refused_as_outside(client, connection, point):
    before = row_counts(connection)

    response = client.post("/api/v1/reports", json=report_body(location=point))

    if response.status_code == 201:
        assert re.fullmatch(r"\d{5}", response.get_json()["commune"]["nis_code"])
        assert row_counts(connection) == (before[0] + 1, before[1] + 1)
    else:
        problem = assert_problem(response, 422)
        assert problem["type"].endswith("/outside-service-area")
        assert row_counts(connection) == before


@EXAMPLES
@given(point=any_valid_point)
@example(point={"lat": -90.0, "lon": 179.0})  # The South Pole, which Lambert 2008 cannot place
@example(point={"lat": 90.0, "lon": -180.0})
def test_a_lookup_anywhere_on_earth_finds_a_commune_or_says_not_found(client, point):
    response = client.get("/api/v1/communes/lookup", query_string=point)

    if response.status_code != 200:
        assert_problem(response, 404)


@EXAMPLES
@given(point=any_valid_point)
@example(point={"lat": -90.0, "lon": -180.0})
def test_nearby_anywhere_on_earth_answers_a_collection(client, point):
    response = client.get("/api/v1/reports/nearby", query_string=point)

    assert response.status_code == 200
    assert response.get_json()["type"] == "FeatureCollection"


@EXAMPLES
@given(point=out_of_range_point)
def test_a_point_off_the_globe_is_a_validation_problem(client, connection, point):
    before = row_counts(connection)

    response = client.post("/api/v1/reports", json=report_body(location=point))

    problem = assert_problem(response, 422)
    assert {e["pointer"] for e in problem["errors"]} & {"/location/lat", "/location/lon"}
    assert row_counts(connection) == before
    lookup = client.get("/api/v1/communes/lookup", query_string=point)
    assert {e["pointer"] for e in assert_problem(lookup, 422)["errors"]} & {"lat", "lon"}
