"""Staff read their tickets: filtered, sorted and paged lists, the map, and the detail."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from app import cursors
from app.accounts.models import Role
from tests.helpers.api import GEOJSON, assert_problem
from tests.helpers.staff import BRUSSELS_REGION, TICKETS

NOW = dt.datetime.now(dt.UTC)


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 120, 60)).save(out, "JPEG")
    return out.getvalue()


def test_the_list_shows_my_tickets_newest_first(crew, report_factory):
    old = report_factory(in_brussels=True, created_at=NOW - dt.timedelta(days=3))
    new = report_factory(in_brussels=True, description="x" * 500)
    report_factory(in_namur=True)

    response = crew.get(TICKETS)

    assert _ids(response) == [str(new.id), str(old.id)]
    first = response.get_json()["items"][0]
    assert first["description"] == "x" * 200
    assert first["commune"] == {"nis_code": "21004", "name": "Bruxelles"}
    assert first["body"]["code"] == "commune-21004"
    assert first["location"] == {"lat": 50.8467, "lon": 4.3525}
    assert (first["status"], first["priority"], first["version"]) == ("new", "normal", 1)
    assert "reporter" not in first


def test_filters_by_status_category_age_and_bbox(crew, report_factory):
    recent = report_factory(in_brussels=True)
    old = report_factory(in_brussels=True, created_at=NOW - dt.timedelta(days=40))
    done = report_factory(in_brussels=True, closed=True)
    light = report_factory(in_brussels=True, category="streetlight_out")

    assert set(_ids(crew.get(TICKETS, query_string={"status": "resolved"}))) == {str(done.id)}
    assert set(_ids(crew.get(TICKETS, query_string={"status": "new,resolved"}))) == {
        str(t.id) for t in (recent, old, done, light)
    }
    assert _ids(crew.get(TICKETS, query_string={"category": "streetlight_out"})) == [str(light.id)]
    assert str(old.id) not in _ids(crew.get(TICKETS, query_string={"max_age_days": 30}))
    far = {"bbox": "4.0,50.0,4.1,50.1"}
    assert _ids(crew.get(TICKETS, query_string=far)) == []
    near = {"bbox": "4.35,50.84,4.36,50.85"}
    assert len(_ids(crew.get(TICKETS, query_string=near))) == 4


def test_bad_filters_are_refused(crew):
    assert_problem(crew.get(TICKETS, query_string={"status": "lost"}), 422)
    assert_problem(crew.get(TICKETS, query_string={"sort": "description"}), 422)
    assert_problem(crew.get(TICKETS, query_string={"limit": 201}), 422)
    assert_problem(crew.get(TICKETS, query_string={"bbox": "5,50,4,51"}), 422)
    assert_problem(crew.get(TICKETS, query_string={"cursor": "bm9wZQ"}), 400)


def test_every_sort_pages_through_everything_once(crew, report_factory):
    made = [
        report_factory(in_brussels=True, created_at=NOW - dt.timedelta(hours=h)) for h in range(7)
    ]
    crew.change("PATCH", f"{TICKETS}/{made[3].id}", 1, json={"priority": "urgent"})
    crew.change("PATCH", f"{TICKETS}/{made[5].id}", 1, json={"priority": "low"})
    # The update time is the public one: a public update moves it, a priority does not.
    public = {"body": "Work starts Monday", "public": True}
    crew.change("POST", f"{TICKETS}/{made[6].id}/updates", 1, json=public)

    for sort in ("-created_at", "created_at", "-updated_at", "-priority"):
        seen, cursor = [], None
        while True:
            query = {"sort": sort, "limit": 2, **({"cursor": cursor} if cursor else {})}
            page = crew.get(TICKETS, query_string=query).get_json()
            seen += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert sorted(seen) == sorted(str(t.id) for t in made), sort
        if sort == "-created_at":
            assert seen == [str(t.id) for t in made]
        if sort == "created_at":
            assert seen == [str(t.id) for t in reversed(made)]
        if sort == "-priority":
            assert (seen[0], seen[-1]) == (str(made[3].id), str(made[5].id))
        if sort == "-updated_at":
            assert seen[0] == str(made[6].id)


def test_a_cursor_belongs_to_its_sort(crew, report_factory):
    for _ in range(3):
        report_factory(in_brussels=True)
    cursor = crew.get(TICKETS, query_string={"limit": 1}).get_json()["next_cursor"]

    response = crew.get(TICKETS, query_string={"sort": "-priority", "cursor": cursor})

    assert_problem(response, 400)


@pytest.mark.parametrize(
    "values",
    [
        ["-priority", "2", 5, "00000000-0000-4000-8000-000000000000"],
        [
            "-priority",
            "9" * 30,
            "2025-01-01T00:00:00+00:00",
            "00000000-0000-4000-8000-000000000000",
        ],
        ["-priority", "2", "2025-01-01T00:00:00+00:00", 7],
    ],
    ids=["number time", "rank beyond an integer", "number id"],
)
def test_a_forged_cursor_is_refused_not_a_server_error(crew, values):
    forged = cursors.encode(values)

    response = crew.get(TICKETS, query_string={"sort": "-priority", "cursor": forged})

    assert_problem(response, 400)


def test_a_region_reviewer_sees_the_whole_region(staff_as, report_factory):
    reviewer = staff_as(Role.REGION_REVIEWER, region_code=BRUSSELS_REGION)
    brussels = report_factory(in_brussels=True)
    ixelles = report_factory(in_ixelles=True)
    report_factory(in_namur=True)

    assert set(_ids(reviewer.get(TICKETS))) == {str(brussels.id), str(ixelles.id)}


def test_the_map_is_geojson_within_the_bbox(crew, report_factory):
    inside = report_factory(in_brussels=True)
    report_factory(in_brussels=True, lon=4.40, lat=50.87)

    response = crew.get(f"{TICKETS}/map", query_string={"bbox": "4.34,50.84,4.36,50.85"})

    assert response.status_code == 200
    assert response.mimetype == GEOJSON
    body = response.get_json()
    assert body["type"] == "FeatureCollection"
    [feature] = body["features"]
    assert feature["id"] == str(inside.id)
    assert feature["geometry"] == {"type": "Point", "coordinates": [4.3525, 50.8467]}
    assert feature["properties"]["status"] == "new"
    assert "location" not in feature["properties"]


def test_the_detail_has_photos_history_updates_audit_and_contact(crew, ticket):
    crew.transition(ticket.id, "acknowledged", note="Seen")
    version = crew.ticket(ticket.id)["version"]
    crew.change(
        "POST", f"{TICKETS}/{ticket.id}/updates", version, json={"body": "Soon", "public": True}
    )
    response = crew.change(
        "POST",
        f"{TICKETS}/{ticket.id}/updates",
        version + 1,
        json={"body": "Needs the big roller", "public": False},
    )
    assert response.status_code == 201, response.get_json()
    photo = crew.change(
        "POST",
        f"{TICKETS}/{ticket.id}/photos",
        headers={"Idempotency-Key": "after-1"},
        data={"photo": (io.BytesIO(_jpeg()), "after.jpg")},
        content_type="multipart/form-data",
    )
    assert photo.status_code == 201, photo.get_json()

    response = crew.get(f"{TICKETS}/{ticket.id}")

    body = response.get_json()
    assert response.headers["ETag"] == f'"v{body["version"]}"'
    assert body["description"] == "Deep pothole"
    assert body["reporter"] == {
        "name": ticket.reporter_name,
        "email": ticket.reporter_email,
        "phone": ticket.reporter_phone,
    }
    assert [(u["body"], u["public"]) for u in body["updates"]] == [
        ("Soon", True),
        ("Needs the big roller", False),
    ]
    assert [h["to_status"] for h in body["history"]] == ["new", "acknowledged"]
    assert body["history"][-1]["note"] == "Seen"
    actions = [a["action"] for a in body["audit"]]
    assert actions == ["transition", "public_update", "internal_note", "add_photo"]
    assert body["photos"][0]["url"] == photo.get_json()["url"]
    assert crew.client.get(body["photos"][0]["url"]).status_code == 200
    assert body["oslo_status"]["label"] == "Toegewezen aan"


def test_a_retried_photo_upload_stores_one_photo(crew, ticket):
    for _ in range(2):
        response = crew.change(
            "POST",
            f"{TICKETS}/{ticket.id}/photos",
            headers={"Idempotency-Key": "after-1"},
            data={"photo": (io.BytesIO(_jpeg()), "after.jpg")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 201
    assert response.headers["Idempotent-Replayed"] == "true"
    assert len(crew.ticket(ticket.id)["photos"]) == 1


def test_an_after_photo_moves_the_version_so_an_older_if_match_is_refused(crew, ticket):
    def upload():
        return crew.change(
            "POST",
            f"{TICKETS}/{ticket.id}/photos",
            headers={"Idempotency-Key": "after-1"},
            data={"photo": (io.BytesIO(_jpeg()), "after.jpg")},
            content_type="multipart/form-data",
        )

    read = crew.get(f"{TICKETS}/{ticket.id}")
    version = read.get_json()["version"]
    assert upload().status_code == 201

    after = crew.get(f"{TICKETS}/{ticket.id}")
    assert after.headers["ETag"] != read.headers["ETag"]
    assert after.headers["ETag"] == f'"v{version + 1}"'
    audit = after.get_json()["audit"][-1]
    assert audit["action"] == "add_photo"
    assert audit["after"]["version"] == version + 1
    stale = crew.change("PATCH", f"{TICKETS}/{ticket.id}", version, json={"priority": "high"})
    assert_problem(stale, 412)
    # A retry of the same photo stores nothing and changes nothing.
    assert upload().headers["Idempotent-Replayed"] == "true"
    assert crew.ticket(ticket.id)["version"] == version + 1


def test_a_reviewer_reads_internal_notes_but_not_the_contact(crew, staff_as, ticket):
    crew.change("POST", f"{TICKETS}/{ticket.id}/updates", 1, json={"body": "n", "public": False})
    reviewer = staff_as(Role.REGION_REVIEWER, region_code=BRUSSELS_REGION)

    body = reviewer.ticket(ticket.id)

    assert body["reporter"] is None
    assert [u["body"] for u in body["updates"]] == ["n"]
    assert body["allowed_transitions"] == []
    assert ticket.reporter_email not in reviewer.get(f"{TICKETS}/{ticket.id}").get_data(True)


def test_the_map_shows_what_the_list_shows_for_the_same_filters(staff_as, report_factory):
    reviewer = staff_as(Role.REGION_REVIEWER, region_code=BRUSSELS_REGION)
    at = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)
    for days, extra in enumerate(
        [
            {"in_brussels": True, "description": 'Nid-de-poule « profond » \\ "ici"\n'},
            {"in_brussels": True, "category": "streetlight_out"},
            {"in_ixelles": True, "closed": True},
            {"in_brussels": True, "lon": 4.40, "lat": 50.87},
            {"in_namur": True},
            {"in_ixelles": True},
        ]
    ):
        report_factory(created_at=at - dt.timedelta(days=days, microseconds=days * 7), **extra)
    report_factory(in_brussels=True, created_at=at)  # the same instant: the id decides

    for query in (
        {},
        {"bbox": "4.34,50.82,4.38,50.85"},
        {"status": "new,resolved", "category": "pothole"},
    ):
        for language in ("nl", "fr"):
            headers = {"Accept-Language": language}
            items = reviewer.get(TICKETS, query_string=query, headers=headers).get_json()["items"]
            response = reviewer.get(f"{TICKETS}/map", query_string=query, headers=headers)

            assert response.status_code == 200
            features = response.get_json()["features"]
            assert [f["id"] for f in features] == [i["id"] for i in items]
            assert [f["properties"] for f in features] == [
                # The list adds the card's thumbnail, which the map's points do without.
                {k: v for k, v in i.items() if k not in {"location", "thumbnail_url"}}
                for i in items
            ]
            assert [f["geometry"]["coordinates"] for f in features] == [
                [i["location"]["lon"], i["location"]["lat"]] for i in items
            ]
    assert len(items) == 5
    assert items[0]["commune"]["name"] == "Bruxelles"
