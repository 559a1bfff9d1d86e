"""A Pavé with something of everything in it, to back up; restore targets; reading both back.

The source database is made through the real code: reports with real JPEGs posted over the
API (so their photo files are the upload code's own), staff accounts, tickets moved through
their lifecycle, the outbox messages and follow tokens all of that writes, and a follow request.
"""

from __future__ import annotations

import io
import json
import os
import re
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app.accounts.models import Role
from app.accounts.services import Grant, create_user
from app.backup.create import create_backup
from app.backup.installation import Installation
from app.backup.postgres import user_relations
from app.db import Database
from app.follow import followers
from app.media.storage import LocalStorage
from app.tickets.services import Actor, transition
from app.web import create_app
from tests.helpers import images
from tests.helpers.databases import create_throwaway_database, drop_database, migrated_database
from tests.helpers.follow import ONE_COMMUNE_SQL, report_body
from tests.helpers.media import token_for

CREW = Actor(name="crew:anne", user_id=None)
FOLLOW_LINK = re.compile(r"https?://[^\s]+/follow/([A-Za-z0-9_-]+)\r?\n")


@dataclass
class Pave:
    """One installation: its database, photo directory and app."""

    engine: object
    photo_dir: Path
    app: object
    reports: list[dict] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=False)

    @property
    def client(self):
        return self.app.test_client()

    def installation(self, storage=None, **options) -> Installation:
        """What `flask backup` would back up or restore into; its own photo directory unless
        `storage` is given."""
        return Installation(
            self.engine, self.url, storage or LocalStorage(self.photo_dir), **options
        )


def pave(engine, photo_dir: Path) -> Pave:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": Database(engine),
            "DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "PUBLIC_BASE_URL": "https://pave.example.be",
            "PHOTO_DIR": str(photo_dir),
            "PUBLIC_CACHE_SECONDS": 0,
        }
    )
    return Pave(engine, photo_dir, app)


def post_report(client, body: dict, photos: list[bytes]) -> dict:
    fields = MultiDict([("report", json.dumps(body))])
    for n, data in enumerate(photos):
        fields.add("photo", FileStorage(io.BytesIO(data), f"{n}.jpg", content_type="image/jpeg"))
    boundary, payload = encode_multipart(fields)
    response = client.post(
        "/api/v1/reports",
        data=payload,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def add_photo(client, report_id: str, data: bytes) -> dict:
    boundary, payload = encode_multipart(
        {"photo": FileStorage(io.BytesIO(data), "late.jpg", content_type="image/jpeg")}
    )
    response = client.post(
        f"/api/v1/reports/{report_id}/photos",
        data=payload,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Report-Key": token_for(client.application, report_id)},
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def populate(source: Pave) -> list[dict]:
    """Reports (two with photos), staff, tickets moved along, outbox messages, follow tokens."""
    client = source.client
    reports = [
        post_report(client, report_body(), [images.jpeg(1600, 1200), images.jpeg(800, 600)]),
        post_report(
            client,
            report_body("pieter@example.org", description="Lamp"),
            [images.jpeg(1200, 900, quality=80)],
        ),
        post_report(client, report_body(None), []),
    ]
    with source.app.app_context(), Session(source.engine) as session, session.begin():
        body_id = session.execute(text("SELECT id FROM bodies WHERE code = 'commune-21004'"))
        grant = Grant(Role.COMMUNE_MANAGER, body_id=body_id.scalar_one())
        create_user(session, "manager@commune.example", "correct horse battery", "M", (grant,))
        create_user(session, "crew@commune.example", "correct horse battery", "Crew")
        first, second = (uuid.UUID(r["id"]) for r in reports[:2])
        transition(session, first, "acknowledged", actor=CREW)
        transition(session, first, "in_progress", actor=CREW, note="Crew on its way")
        transition(session, second, "rejected", actor=CREW, reason="Private land")
        followers.request(session, first, "jan@example.org", "nl")
    return reports


def follow_tokens(engine) -> list[str]:
    with engine.connect() as db:
        bodies = db.execute(text("SELECT body FROM outbox_messages ORDER BY id")).scalars()
        return [token for body in bodies for token in FOLLOW_LINK.findall(body)]


def table_rows(engine) -> dict[str, list[str]]:
    """Every row of every table of Pavé (not PostGIS's), as text, in order; and sequences."""
    with engine.connect() as db:
        names = [n for n in user_relations(db) if db.execute(_is_table(n)).scalar()]
        rows = {n: sorted(db.execute(text(f"SELECT t::text FROM {n} t")).scalars()) for n in names}
        rows["(sequences)"] = sorted(
            f"{name}={value}"
            for name, value in db.execute(text("SELECT sequencename, last_value FROM pg_sequences"))
        )
    return rows


def _is_table(name: str):
    return text(f"SELECT relkind IN ('r', 'p') FROM pg_class WHERE oid = '{name}'::regclass")


def stored_files(photo_dir: Path) -> dict[str, bytes]:
    """The photo files under final names (what a reader may be served), by relative path."""
    return {
        p.relative_to(photo_dir).as_posix(): p.read_bytes()
        for p in photo_dir.rglob("*")
        if p.is_file() and not p.name.startswith(".tmp-")
    }


@contextmanager
def populated(photo_dir: Path):
    with migrated_database("pave_backup_src", seed_sql=ONE_COMMUNE_SQL) as engine:
        installation = pave(engine, photo_dir)
        installation.reports = populate(installation)
        yield installation


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A Pavé with data in it, for a whole module (its tests only read it)."""
    with populated(tmp_path_factory.mktemp("source-photos")) as installation:
        yield installation


@pytest.fixture
def own_source(tmp_path):
    """A Pavé with data in it that the test may change."""
    with populated(tmp_path / "source-photos") as installation:
        yield installation


@pytest.fixture(scope="module")
def backup(source, tmp_path_factory) -> Path:
    """A backup of `source`, made once for the module; copy it before changing it."""
    target = tmp_path_factory.mktemp("backups") / "nightly"
    create_backup(source.installation(), target)
    return target


@pytest.fixture
def empty_target(tmp_path):
    """A new database with PostGIS and nothing else, and an empty photo directory."""
    url = create_throwaway_database("pave_restore")
    engine = create_engine(url)
    photo_dir = tmp_path / "restored-photos"
    try:
        yield pave(engine, photo_dir)
    finally:
        engine.dispose()
        drop_database(url)


@pytest.fixture
def bare_target(tmp_path):
    """A new database without even PostGIS: the restore, as superuser, creates it."""
    server = make_url(os.environ["DATABASE_URL"])
    url = server.set(database=f"pave_bare_{os.getpid()}_{uuid.uuid4().hex[:6]}")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    engine = create_engine(url)
    try:
        yield pave(engine, tmp_path / "restored-photos")
    finally:
        engine.dispose()
        drop_database(url)


@pytest.fixture
def owned_target(tmp_path):
    """A new database owned by a role of its own, no superuser, as production has it: PostGIS
    created in it by the superuser, the app's role owning the database and nothing else."""
    server = make_url(os.environ["DATABASE_URL"])
    role = f"pave_owner_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.execute(text(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE'))
        db.execute(text(f'CREATE DATABASE "{role}" OWNER "{role}"'))
    as_superuser = create_engine(server.set(database=role), isolation_level="AUTOCOMMIT")
    with as_superuser.connect() as db:
        db.execute(text("CREATE EXTENSION postgis"))
    as_superuser.dispose()
    engine = create_engine(server.set(database=role, username=role))
    try:
        yield pave(engine, tmp_path / "restored-photos")
    finally:
        engine.dispose()
        with admin.connect() as db:
            db.execute(text(f'DROP DATABASE IF EXISTS "{role}" WITH (FORCE)'))
            db.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()
