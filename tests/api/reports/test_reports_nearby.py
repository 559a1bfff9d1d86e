"""GET /api/v1/reports/nearby: open reports around a resident, nearest first."""

import io
import uuid

import pytest
from PIL import Image

from tests.helpers.api import GEOJSON
from tests.helpers.media import token_for

LAT, LON = 50.8467, 4.3525
# One metre northwards in degrees of latitude (close enough at this scale).
METRE = 1 / 111_200


def north(metres: float) -> dict:
    return {"lon": LON, "lat": LAT + metres * METRE}


@pytest.fixture
def around(report_factory):
    return {
        "at_30m": report_factory(category="pothole", **north(30)),
        "at_5m": report_factory(category="graffiti", **north(5)),
        "at_80m": report_factory(category="pothole", **north(80)),
        "at_10m_closed": report_factory(category="pothole", closed=True, **north(10)),
        "at_300m": report_factory(category="pothole", **north(300)),
    }


def nearby(client, **query):
    response = client.get("/api/v1/reports/nearby", query_string={"lat": LAT, "lon": LON, **query})
    assert response.status_code == 200, response.get_json()
    assert response.mimetype == GEOJSON
    return response.get_json()


def test_open_reports_within_the_radius_nearest_first(client, around):
    body = nearby(client, radius_m=100)

    assert body["type"] == "FeatureCollection"
    found = [f["id"] for f in body["features"]]
    assert found == [str(around[name].id) for name in ("at_5m", "at_30m", "at_80m")]
    distances = [f["properties"]["distance_m"] for f in body["features"]]
    assert distances == pytest.approx([5, 30, 80], abs=1)


def test_a_wider_radius_reaches_farther(client, around):
    body = nearby(client, radius_m=500)

    assert body["features"][-1]["id"] == str(around["at_300m"].id)
    assert len(body["features"]) == 4


def test_category_filter(client, around):
    body = nearby(client, radius_m=100, category="graffiti")

    assert [f["id"] for f in body["features"]] == [str(around["at_5m"].id)]


def test_the_default_radius_is_100_m(client, around):
    assert len(nearby(client)["features"]) == 3


def test_limit_keeps_the_nearest(client, around):
    body = nearby(client, radius_m=500, limit=2)

    assert [f["id"] for f in body["features"]] == [
        str(around["at_5m"].id),
        str(around["at_30m"].id),
    ]


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (120, 60, 30)).save(out, "JPEG")
    return out.getvalue()


def test_each_nearby_report_has_its_first_photo_thumbnail_or_null(client, report_factory):
    pictured = report_factory(category="pothole", idempotency_key=f"k-{uuid.uuid4()}", **north(5))
    bare = report_factory(category="pothole", **north(20))
    for key in ("first", "second"):
        response = client.post(
            f"/api/v1/reports/{pictured.id}/photos",
            data={"photo": (io.BytesIO(_jpeg()), "photo.jpg")},
            headers={
                "Idempotency-Key": key,
                "Report-Key": token_for(client.application, pictured.id),
            },
            content_type="multipart/form-data",
        )
        assert response.status_code == 201, response.get_json()

    body = nearby(client, radius_m=100, category="pothole")

    thumbnails = {f["id"]: f["properties"]["thumbnail_url"] for f in body["features"]}
    public = client.get(f"/api/v1/reports/{pictured.id}").get_json()
    assert thumbnails == {
        str(pictured.id): public["photos"][0]["thumbnail_url"],
        str(bare.id): None,
    }
