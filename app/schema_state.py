"""Is the database at the migrations' head? (`flask db check`, and the readiness check.)

Core: no Flask. Reads the revision Alembic recorded in the database (alembic_version) and the
head of migrations/ in this checkout, without changing anything.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from app.config import ROOT


@dataclass(frozen=True)
class SchemaState:
    """The database's revisions and this code's heads; at_head when they are the same."""

    current: tuple[str, ...]
    heads: tuple[str, ...]
    known: frozenset[str]

    @property
    def at_head(self) -> bool:
        return bool(self.current) and set(self.current) == set(self.heads)

    @property
    def ahead(self) -> bool:
        """The database has a revision this code does not know (a newer release migrated it)."""
        return any(rev not in self.known for rev in self.current)


def script_directory() -> ScriptDirectory:
    return ScriptDirectory(str(ROOT / "migrations"))


@functools.cache
def _code_revisions() -> tuple[tuple[str, ...], frozenset[str]]:
    """This checkout's heads and every revision it knows: read once per process (parsing
    migrations/ takes milliseconds, and readiness is asked all the time)."""
    script = script_directory()
    known = frozenset(rev.revision for rev in script.walk_revisions())
    return tuple(script.get_heads()), known


def schema_state(connection: Connection) -> SchemaState:
    """Where the database connected to stands against this checkout's migrations."""
    current = MigrationContext.configure(connection).get_current_heads()
    heads, known = _code_revisions()
    return SchemaState(current=tuple(current), heads=heads, known=known)
