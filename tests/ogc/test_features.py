"""Features (/items and /items/{featureId}): GeoJSON of the published record, links, numbers."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import text

from app.opendata import records
from tests.factories import FLAGEY, HOURS_AGO, NAMUR_CITADEL
from tests.helpers.ogc import (
    BASE,
    GEOJSON,
    copy_report,
    features,
    get_json,
    ids,
    links,
    local,
    ogc_error,
    one_link,
)

# The published columns, with the photo's address, but the geometry's (lon/lat, x/y).
PROPERTIES = [
    name
    for column in records.COLUMNS
    for name in ([column, "photo_url"] if column == "photo_key" else [column])
    if name not in ("lon", "lat", "x_lambert2008", "y_lambert2008")
]


def published(session, report_id) -> dict:
    sql, params = records.select(records.RecordFilter(ids=(report_id,)))
    return dict(session.execute(sql, params).mappings().one())


def test_a_report_is_a_point_feature_with_the_published_columns_as_properties(
    client, session, report_factory
):
    created = dt.datetime(2026, 3, 4, 10, 17, 42, 250000, tzinfo=dt.UTC)
    report = report_factory(lon=FLAGEY[0], lat=FLAGEY[1], created_at=created)

    (feature,) = features(client)["features"]

    row = published(session, report.id)
    assert feature["type"] == "Feature"
    assert feature["id"] == str(report.id)
    assert feature["geometry"] == {"type": "Point", "coordinates": list(FLAGEY)}
    assert list(feature["properties"]) == PROPERTIES
    props = feature["properties"]
    assert props["id"] == str(report.id)
    assert props["commune_nis_code"] == "21009" and props["region"] == "brussels"
    # As the exports write times: UTC, to the second.
    assert props["created_at"] == "2026-03-04T10:17:42Z"
    assert props["resolved_at"] is None and props["photo_url"] is None
    assert props["oslo_status_uri"] == row["oslo_status_uri"]
    assert props["category_name_nl"] == row["category_name_nl"]


def test_features_are_anonymised_as_the_open_data_view_is(client, session, report_factory):
    private = report_factory(with_reporter=True, description="Behind the house of Mr Dupont")
    public = report_factory(description="Hole in the cycle lane")
    session.execute(
        text("UPDATE reports SET description_public = true WHERE id = :id"), {"id": public.id}
    )
    # Public once its published hour is over (migration 0018).
    sensitive = report_factory(
        category="illegal_dumping", lon=FLAGEY[0], lat=FLAGEY[1], created_at=HOURS_AGO
    )

    found = {f["id"]: f for f in features(client)["features"]}

    body = client.get(f"{BASE}/collections/reports/items").get_data(as_text=True)
    for secret in (private.reporter_name, private.reporter_email, private.reporter_phone):
        assert secret not in body
    assert "Mr Dupont" not in body
    assert not any(name.startswith("reporter") for name in found[str(private.id)]["properties"])
    assert found[str(public.id)]["properties"]["description"] == "Hole in the cycle lane"
    generalised = found[str(sensitive.id)]
    row = published(session, sensitive.id)
    assert generalised["properties"]["location_generalised"] is True
    assert generalised["geometry"]["coordinates"] == [float(row["lon"]), float(row["lat"])]
    assert generalised["geometry"]["coordinates"] != list(FLAGEY)


def test_a_page_has_self_alternate_and_collection_links_a_time_stamp_and_its_numbers(
    client, report_factory
):
    report_factory()
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)

    page = features(client, limit=5)

    assert local(one_link(page, "self", GEOJSON)["href"]).startswith(
        "/ogc/collections/reports/items?"
    )
    assert "f=html" in one_link(page, "alternate", "text/html")["href"]
    assert local(one_link(page, "collection", "application/json")["href"]) == (
        "/ogc/collections/reports"
    )
    assert links(page, "next") == [] and links(page, "prev") == []
    stamp = dt.datetime.fromisoformat(page["timeStamp"])
    assert before <= stamp <= dt.datetime.now(dt.UTC)
    assert page["numberMatched"] == page["numberReturned"] == 1


def test_next_and_prev_links_walk_every_feature_once_in_both_directions(
    client, session, report_factory
):
    first = report_factory()
    copy_report(session, first.id, 11)  # twelve reports in all

    pages, page = [], features(client, limit=5)
    while True:
        pages.append(ids(page))
        assert page["numberMatched"] == 12
        nexts = links(page, "next")
        if not nexts:
            break
        page = get_json(client, local(nexts[0]["href"]).removeprefix(BASE))
    assert [len(p) for p in pages] == [5, 5, 2]
    walked = [i for p in pages for i in p]
    assert walked == sorted(walked) and len(set(walked)) == 12

    back = []
    while links(page, "prev"):
        page = get_json(client, local(one_link(page, "prev")["href"]).removeprefix(BASE))
        back.append(ids(page))
    assert back == [pages[1], pages[0]]
    assert links(page, "next")


def test_paging_keeps_the_other_parameters(client, session, report_factory):
    namur = report_factory(in_namur=True)
    copy_report(session, namur.id, 3)
    report_factory(in_brussels=True)

    page = features(client, limit=2, region="wallonia", f="json")
    second = get_json(client, local(one_link(page, "next")["href"]).removeprefix(BASE))

    assert "region=wallonia" in one_link(page, "next")["href"]
    assert len(ids(page) + ids(second)) == 4
    assert all(f["properties"]["region"] == "wallonia" for f in second["features"])


def test_attribute_filters_select_by_category_status_commune_and_region(client, report_factory):
    pothole = report_factory(in_brussels=True, category="pothole")
    graffiti = report_factory(in_namur=True, category="graffiti", status="resolved")
    ixelles = report_factory(lon=FLAGEY[0], lat=FLAGEY[1], status="planned")

    def found(**query) -> set:
        return set(ids(features(client, **query)))

    assert found(category_code="graffiti") == {str(graffiti.id)}
    assert found(status="closed") == {str(graffiti.id)}
    assert found(status="new,planned") == {str(pothole.id), str(ixelles.id)}
    assert found(commune_nis_code="21009") == {str(ixelles.id)}
    assert found(region="wallonia") == {str(graffiti.id)}
    assert found(category_code="fallen_tree") == set()


def test_one_feature_by_its_id_with_its_links(client, report_factory):
    report = report_factory(lon=NAMUR_CITADEL[0], lat=NAMUR_CITADEL[1])

    response = client.get(f"{BASE}/collections/reports/items/{report.id}")

    feature = response.get_json()
    assert response.status_code == 200 and response.mimetype == GEOJSON
    assert feature["id"] == str(report.id)
    assert feature["geometry"]["coordinates"] == list(NAMUR_CITADEL)
    assert local(one_link(feature, "self", GEOJSON)["href"]).startswith(
        f"/ogc/collections/reports/items/{report.id}"
    )
    assert one_link(feature, "alternate", "text/html")
    assert local(one_link(feature, "collection")["href"]) == "/ogc/collections/reports"
    assert feature == {**features(client)["features"][0], "links": feature["links"]}


def test_a_feature_links_its_photo_only_while_it_is_not_hidden(client, session, report_factory):
    report = report_factory()
    session.execute(
        text(
            "INSERT INTO photos (report_id, client_photo_id, upload_sha256, position,"
            " content_type, display_sha256, display_width, display_height, display_bytes,"
            " thumbnail_sha256, thumbnail_width, thumbnail_height, thumbnail_bytes, hidden)"
            " VALUES (:id, 'p1', repeat('a', 64), 0, 'image/jpeg', repeat('b', 64), 10, 10,"
            " 100, repeat('c', 64), 5, 5, 50, false)"
        ),
        {"id": report.id},
    )
    path = f"/collections/reports/items/{report.id}"

    feature = get_json(client, path)
    photo = one_link(feature, "enclosure", "image/jpeg")
    assert local(photo["href"]) == "/api/v1/photos/" + "b" * 64 + ".jpg"
    assert feature["properties"]["photo_url"] == photo["href"]
    session.execute(
        text("UPDATE photos SET hidden = true WHERE report_id = :id"), {"id": report.id}
    )
    hidden = get_json(client, path)
    assert links(hidden, "enclosure") == [] and hidden["properties"]["photo_url"] is None


def test_an_unknown_or_malformed_feature_id_is_a_404_exception(client, report_factory):
    report_factory()

    for feature_id in (uuid.uuid4(), "not-a-uuid", "1", "%00"):
        response = client.get(f"{BASE}/collections/reports/items/{feature_id}")
        message = ogc_error(response, 404)
        # A NUL is refused before the collection is asked (app/api/hostile.py), saying so.
        assert "NUL" in message if feature_id == "%00" else "no feature" in message
        assert response.get_json()["code"] == "NotFound"


def test_communes_are_multipolygons_with_their_nis_code_names_and_region(client):
    commune = get_json(client, "/collections/communes/items/21004")

    assert commune["id"] == "21004"
    assert commune["geometry"]["type"] == "MultiPolygon"
    ring = commune["geometry"]["coordinates"][0][0]
    assert ring[0] == ring[-1] and len(ring) > 10
    assert commune["properties"] == {
        "nis_code": "21004",
        "name_fr": "Bruxelles",
        "name_nl": "Brussel",
        "name_de": commune["properties"]["name_de"],
        "region": "brussels",
        "region_code": "04000",
        "valid_from": "2025-01-01",
        "valid_to": None,
    }


def test_the_communes_in_force_are_all_there_in_nis_order(client, session):
    current = session.execute(
        text("SELECT nis_code FROM communes WHERE valid_to IS NULL ORDER BY nis_code")
    ).scalars()

    page = features(client, "communes", limit=1000)

    assert ids(page) == list(current)
    assert page["numberMatched"] == page["numberReturned"] == 565
    assert get_json(client, "/collections/communes/items", region="brussels")["numberMatched"] == 19
    assert client.get(f"{BASE}/collections/communes/items/99999").status_code == 404


def test_features_as_html_list_the_page_and_each_feature_has_its_page(client, report_factory):
    report = report_factory(description="not shown")

    listing = client.get(f"{BASE}/collections/reports/items", headers={"Accept": "text/html"})
    single = client.get(f"{BASE}/collections/reports/items/{report.id}?f=html")

    assert listing.mimetype == single.mimetype == "text/html"
    html = listing.get_data(as_text=True)
    assert f"/ogc/collections/reports/items/{report.id}?f=html" in html
    assert "Pothole" in html and "Bruxelles" in html
    page = single.get_data(as_text=True)
    # People read labels, not the property names (the GeoJSON keeps those).
    assert str(report.id) in page and "<dt>OSLO status</dt>" in page


def test_communes_page_forward_and_back_by_their_links(client):
    pages, page = [], features(client, "communes", limit=200)
    while True:
        pages.append(ids(page))
        if not links(page, "next"):
            break
        page = get_json(client, local(one_link(page, "next")["href"]).removeprefix(BASE))

    assert [len(p) for p in pages] == [200, 200, 165]
    walked = [i for p in pages for i in p]
    assert walked == sorted(walked) and len(set(walked)) == 565
    previous = get_json(client, local(one_link(page, "prev")["href"]).removeprefix(BASE))
    assert ids(previous) == pages[1]
