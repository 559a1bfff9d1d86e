"""Declarative base, naming convention and the engine/session pair shared by app and CLI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import click
from sqlalchemy import DateTime, MetaData, create_engine
from sqlalchemy.engine import URL, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

# Predictable constraint names keep Alembic migrations reviewable and reversible.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # Every moment is stored with its time zone (timestamptz): a Mapped[dt.datetime] column
    # needs no type of its own.
    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: DateTime(timezone=True)}


class DatabaseUrlMissingError(click.ClickException, RuntimeError):
    """No DATABASE_URL: said in one line of what to set. A click exception so that every
    `flask` command needing the database prints "Error: …" and exits 1 (no traceback), run
    outside make; the web app sees a RuntimeError, as before."""

    def __init__(self) -> None:
        super().__init__(
            'DATABASE_URL is not set: export DATABASE_URL="$(.venv/bin/python scripts/localdb.py '
            'ensure)" for the local cluster (make targets set it), or '
            "postgresql+psycopg://user@host/dbname"
        )


def require_database_url(url: str | URL | None) -> str | URL:
    """`url`, or DatabaseUrlMissingError when it is empty."""
    if not url:
        raise DatabaseUrlMissingError()
    return url


def make_engine(
    url: str | URL, pool_size: int = 5, connect_args: dict[str, object] | None = None
) -> Engine:
    require_database_url(url)
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=10,
        pool_pre_ping=True,
        # An error's text (logged when the database fails) never quotes a statement's values:
        # they may be a resident's email address or a token.
        hide_parameters=True,
        connect_args=connect_args or {},
    )


class Database:
    """An engine and its session factory; one per application or CLI process."""

    def __init__(self, engine: Engine, session_factory: sessionmaker[Session] | None = None):
        self.engine = engine
        # Tests pass a factory bound to one connection whose outer transaction they roll back.
        self.sessionmaker = session_factory or sessionmaker(bind=engine, expire_on_commit=False)

    @classmethod
    def from_url(
        cls, url: str | URL, pool_size: int = 5, connect_args: dict[str, object] | None = None
    ) -> Database:
        return cls(make_engine(url, pool_size, connect_args))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on any error."""
        with self.sessionmaker() as session, session.begin():
            yield session


@contextmanager
def committed(session: Session) -> Iterator[Session]:
    """Commit what the block wrote, or roll it all back (photo files too) on any error.

    The one place where a clash on a unique key becomes `RequestInFlightError`: inside a block
    that claimed an Idempotency-Key first, only that key can clash, and the same key's other
    request won the race; retrying gets its answer.
    """
    from sqlalchemy.exc import IntegrityError

    from app.errors import RequestInFlightError
    from app.problems import msg

    try:
        yield session
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise RequestInFlightError(msg("report.just-processed")) from exc
    except BaseException:
        # An explicit rollback is what removes the files of photos whose rows did not commit.
        session.rollback()
        raise
