"""Every current commune at once, for the resident app to find a commune by name offline."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.helpers.api import assert_problem

PLACES = "/api/v1/communes/places"
KEPT_COMMUNES = Path(__file__).resolve().parents[3] / "pwa" / "src" / "js" / "kept-communes.js"
# The app's offline search over the kept list, run by node: {places, searches} on stdin.
SEARCH_IN_NODE = f"""
import {{ searchPlaces }} from {json.dumps(KEPT_COMMUNES.as_uri())};
let input = '';
for await (const chunk of process.stdin) input += chunk;
const {{ places, searches }} = JSON.parse(input);
const found = searches.map(([q, lang]) => searchPlaces(places, q, lang).map((c) => c.name));
process.stdout.write(JSON.stringify(found));
"""


def test_every_current_commune_comes_once_with_its_names_region_point_and_radius(client):
    response = client.get(PLACES)

    assert response.status_code == 200
    places = response.get_json()
    assert len(places) == 565
    assert len({p["nis_code"] for p in places}) == 565
    by_code = {p["nis_code"]: p for p in places}
    assert by_code["62063"]["names"] == {"fr": "Liège", "nl": "Luik", "de": "Lüttich"}
    assert by_code["62063"]["region"] == "03000"
    assert by_code["21014"]["region"] == "04000"
    assert by_code["73111"]["names"]["nl"] == "Tongeren-Borgloon"  # merged on 1 January 2025
    for place in places:
        assert set(place) == {"nis_code", "names", "region", "point", "radius_m"}
        assert place["names"] and all(place["names"].values())  # empty names left out
        assert set(place["names"]) <= {"fr", "nl", "de"}
        lat, lon = place["point"]["lat"], place["point"]["lon"]
        assert 49.4 < lat < 51.6 and 2.5 < lon < 6.5
        assert round(lat, 5) == lat and round(lon, 5) == lon
        assert isinstance(place["radius_m"], int) and place["radius_m"] > 0
    # A merged commune of 2019 is no longer offered.
    assert not any(p["names"].get("nl") == "Borsbeek" for p in places)


def test_each_point_is_inside_its_commune(client, session):
    places = client.get(PLACES).get_json()
    points = [(p["nis_code"], p["point"]["lon"], p["point"]["lat"]) for p in places]

    outside = session.execute(
        text(
            """
            SELECT w.nis_code FROM unnest(CAST(:codes AS text[]), CAST(:lons AS float8[]), CAST(:lats AS float8[])) AS w(nis_code, lon, lat)
            WHERE NOT EXISTS (
                SELECT 1 FROM communes c
                WHERE c.nis_code = w.nis_code
                  AND c.id IN (SELECT commune_id FROM commune_parts)
                  AND ST_Covers(c.boundary, ST_SetSRID(ST_MakePoint(w.lon, w.lat), 4326)))
            """
        ),
        {
            "codes": [code for code, _, _ in points],
            "lons": [lon for _, lon, _ in points],
            "lats": [lat for _, _, lat in points],
        },
    ).scalars()

    assert list(outside) == []


def test_the_list_is_public_cacheable_for_a_day_and_a_304_when_unchanged(client):
    first = client.get(PLACES)

    assert first.headers["Cache-Control"] == "public, max-age=86400"
    etag = first.headers["ETag"]
    assert etag.startswith('"')
    again = client.get(PLACES, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    other = client.get(PLACES, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_the_list_is_the_same_whatever_the_reader_s_language(client):
    french = client.get(PLACES, headers={"Accept-Language": "fr"})
    dutch = client.get(PLACES, headers={"Accept-Language": "nl"})

    assert french.headers["ETag"] == dutch.headers["ETag"]
    assert french.get_data() == dutch.get_data()


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_app_s_offline_search_of_the_list_answers_as_the_server_does(client):
    places = client.get(PLACES).get_json()
    words = ["lie", "sint", "saint", "brux", "bra", "'s gr", "bü", "ou", "gem", "tongeren", "w-s"]
    searches = [[q, lang] for q in words for lang in ("fr", "nl", "de", "en")]

    server = [
        [
            c["name"]
            for c in client.get(
                "/api/v1/communes",
                query_string={"q": q, "limit": 6},
                headers={"Accept-Language": lang},
            ).get_json()
        ]
        for q, lang in searches
    ]
    app = subprocess.run(
        ["node", "--input-type=module", "-e", SEARCH_IN_NODE],
        input=json.dumps({"places": places, "searches": searches}),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )

    assert json.loads(app.stdout) == server
    assert server[0][:2] == ["Liedekerke", "Liège"]


@pytest.mark.parametrize("params", [{"q": "Liège"}, {"lang": "fr"}, {"v": "\x00"}])
def test_a_query_parameter_is_refused_as_on_the_other_commune_routes(client, params):
    """It takes none: a misspelt one (say, a search meant for /communes) is said, not ignored."""
    response = client.get(PLACES, query_string=params, headers={"Accept-Language": "fr"})

    assert_problem(response, 422)
    assert next(iter(params)) in json.dumps(response.get_json(), ensure_ascii=False)
