"""The creation answer's follow token: the phone that made a report keeps its follow link."""

import uuid

from sqlalchemy import text

from tests.helpers.api import report_body


def create(client, key, **overrides):
    headers = {"Idempotency-Key": key}
    return client.post("/api/v1/reports", json=report_body(**overrides), headers=headers)


def test_the_creation_answers_a_follow_token_and_its_replay_the_same_one(client):
    key = str(uuid.uuid4())
    first = create(client, key)
    again = create(client, key)

    assert first.status_code == 201 and again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    token = first.get_json()["follow_token"]
    assert len(token) == 43 and again.get_json()["follow_token"] == token
    assert token != first.get_json()["photo_token"]
    report_id = first.get_json()["id"]
    assert "follow_token" not in client.get(f"/api/v1/reports/{report_id}").get_json()


def test_the_token_opens_the_follow_page_of_its_report_even_without_an_email(client):
    created = create(client, str(uuid.uuid4())).get_json()
    assert "reporter" not in report_body()

    followed = client.get(f"/api/v1/follow/{created['follow_token']}")

    assert followed.status_code == 200, followed.get_data(as_text=True)
    assert followed.get_json()["report"]["id"] == created["id"]
    assert followed.get_json()["is_reporter"] is True
    # No email: none to stop, and the follow page offers none.
    assert followed.get_json()["emails"] is False


def test_with_an_email_the_phones_link_speaks_for_that_address(client):
    created = create(client, str(uuid.uuid4()), reporter={"email": "ana@example.org"})

    followed = client.get(f"/api/v1/follow/{created.get_json()['follow_token']}").get_json()

    assert followed["emails"] is True and followed["subscribed"] is True


def test_only_the_tokens_hash_is_stored_once_even_after_a_replay(client, connection):
    key = str(uuid.uuid4())
    token = create(client, key, reporter={"email": "ana@example.org"}).get_json()["follow_token"]
    report_id = create(client, key, reporter={"email": "ana@example.org"}).get_json()["id"]

    rows = connection.execute(
        text(
            "SELECT email, role, token_hash <> :token FROM resident_follow_tokens "
            "WHERE report_id = :id AND token_hash = encode(sha256(convert_to(:token, 'UTF8')), "
            "'hex')"
        ),
        {"id": report_id, "token": token},
    ).all()
    assert [tuple(row) for row in rows] == [("ana@example.org", "reporter", True)]
