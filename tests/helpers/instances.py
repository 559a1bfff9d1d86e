"""Whole Pavé instances for the delivery tests (issue 16): each its own database and server.

`pave_instance("b")` makes a throwaway database (migrated, seeded, the 565 communes of 2025),
serves the app over it in a process of its own (so that a test can stop it, as a remote that
goes down, and start it again on the same port), and yields an `Instance`: its URL, its engine,
and an app object over the same database for what a test does in-process (running the worker's
functions, reading rows, making accounts). Two instances are two Pavés that share nothing but
the PostgreSQL server.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.accounts.services import Grant, create_user, issue_token
from app.bodies.models import Body
from app.web import create_app
from tests.helpers.databases import migrated_database
from tests.helpers.servers import ServerProcess, free_port


@dataclass
class Instance:
    name: str
    engine: Engine
    app: Flask
    server: ServerProcess

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def open311_url(self) -> str:
        """The base URL of its Open311 (GeoReport v2) API, as a body's endpoint setting."""
        return f"{self.url}/open311/v2/"

    def body_id(self, code: str) -> int:
        with Session(self.engine) as session:
            body_id = session.scalar(select(Body.id).where(Body.code == code))
        assert body_id is not None, f"no body {code} on {self.name}"
        return body_id

    def open311_key(self, body_code: str, *, role: Role = Role.CREW_MEMBER) -> str:
        """An API token of a new staff account of that body: the key another system sends."""
        with Session(self.engine) as session, session.begin():
            grant = Grant(role, body_id=self.body_id(body_code))
            email = f"integration-{free_port()}@{self.name}.example"
            user = create_user(session, email, "correct horse battery staple", grants=(grant,))
            _, token = issue_token(session, user, f"integration from {body_code}")
        return token


def instance_config(database_url: str, port: int, **extra: object) -> dict:
    return {
        "DATABASE_URL": database_url,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "PUBLIC_CACHE_SECONDS": 0,
        "SESSION_COOKIE_SECURE": False,
        # Its peers (the remotes of delivery tests) are on this machine, at 127.0.0.1.
        "DELIVERY_ALLOW_PRIVATE_ADDRESSES": True,
        **extra,
    }


@contextmanager
def pave_instance(name: str, **config: object) -> Iterator[Instance]:
    """A Pavé of its own, served at a free port until the block ends; `config` adds settings
    (JSON values: the server process reads them from its command line)."""
    with migrated_database(f"pave_{name}", boundaries=True) as engine:
        port = free_port()
        settings = instance_config(engine.url.render_as_string(hide_password=False), port)
        settings.update(config)
        server = ServerProcess(settings, port)
        server.start()
        app = create_app(settings)
        try:
            yield Instance(name, engine, app, server)
        finally:
            server.stop()
            # The in-process app's own pool, if a test used it, before the database goes.
            database = app.extensions.get("pave_db")
            if database is not None:
                database.engine.dispose()
