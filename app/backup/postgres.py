"""PostgreSQL's own tools for the backup: pg_dump and pg_restore of the server's major version.

A dump made by an older pg_dump than the server may miss what the newer server has, and
pg_restore refuses archives of a newer pg_dump: both are taken from the server's major version
(Debian's /usr/lib/postgresql/<major>/bin), or from BACKUP_PG_BIN when it is set. The password
of the database URL goes to them in PGPASSWORD, never on a command line or in a message.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import OperationalError

from app.backup.errors import BackupError

DEBIAN_PG_LIB = Path("/usr/lib/postgresql")

# Tables, views, sequences... that belong to no extension (PostGIS's spatial_ref_sys does).
USER_RELATIONS_SQL = text(
    """
    SELECT n.nspname || '.' || c.relname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\\_%'
      AND NOT EXISTS (
        SELECT 1 FROM pg_depend d
        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
    ORDER BY 1
    """
)
# The tables an extension made (PostGIS's spatial_ref_sys), by schema.name.
EXTENSION_TABLES_SQL = text(
    """
    SELECT n.nspname || '.' || c.relname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
    """
)
# Lines of `pg_restore --list`: an extension or a comment on one; the rows of a table.
EXTENSION_ENTRY = re.compile(r"^\d+; \d+ \d+ (?:EXTENSION - |COMMENT - EXTENSION )(\S+)")
TABLE_DATA_ENTRY = re.compile(r"^\d+; \d+ \d+ TABLE DATA (\S+) (\S+)")
NO_ROWS = re.compile(r"FROM stdin;\n\\\.\n")


@dataclass(frozen=True)
class Extensions:
    """What the target database already has: extensions, and the tables they made."""

    names: set[str]
    tables: set[str]


@dataclass(frozen=True)
class Server:
    """How libpq reaches the database, and where the tools of its major version are."""

    conninfo: str
    password: str | None
    bin_dir: Path

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password is not None:
            env["PGPASSWORD"] = self.password
        return env

    def tool(self, name: str) -> Path:
        path = self.bin_dir / name
        if not os.access(path, os.X_OK):
            raise BackupError(
                f"{name} is missing: {path} does not exist. Install the PostgreSQL client of "
                f"the server's version (Debian: postgresql-client-<major>), or set BACKUP_PG_BIN."
            )
        return path

    def run(self, name: str, *args: str) -> str:
        """Run one of the tools; its output, or a BackupError with its own message."""
        done = subprocess.run(
            [str(self.tool(name)), "--no-password", *args],
            capture_output=True,
            text=True,
            env=self.env(),
            check=False,
        )
        if done.returncode != 0:
            raise BackupError(f"{name} failed: {self.scrub(done.stderr.strip())}")
        return done.stdout

    def scrub(self, message: str) -> str:
        return message.replace(self.password, "***") if self.password else message


@contextmanager
def connected(engine: Engine) -> Iterator[Connection]:
    """A connection, or a BackupError saying (without the password) why there is none."""
    try:
        connection = engine.connect()
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else "unknown reason"
        password = engine.url.password
        if password:
            reason = reason.replace(password, "***")
        raise BackupError(f"cannot connect to the database: {reason}") from None
    with connection:
        yield connection


def conninfo(url: URL) -> str:
    """The libpq connection string of a SQLAlchemy URL, without its password."""
    params: dict[str, str] = {}
    if url.host:
        params["host"] = url.host
    if url.port:
        params["port"] = str(url.port)
    if url.username:
        params["user"] = url.username
    if url.database:
        params["dbname"] = url.database
    for key, value in url.query.items():  # ?host=/socket/dir, sslmode=... are libpq's own
        params[key] = value if isinstance(value, str) else ",".join(value)
    return " ".join(f"{key}={_quoted(value)}" for key, value in params.items())


def _quoted(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def server_version(connection: Connection) -> tuple[int, str]:
    """The server's major version (15) and its full version string."""
    number = int(connection.execute(text("SHOW server_version_num")).scalar_one())
    return number // 10000, str(connection.execute(text("SHOW server_version")).scalar_one())


def server_for(url: str | URL, major: int, bin_dir: str = "") -> Server:
    parsed = make_url(url)
    where = Path(bin_dir) if bin_dir else DEBIAN_PG_LIB / str(major) / "bin"
    return Server(conninfo(parsed), parsed.password, where)


def user_relations(connection: Connection) -> list[str]:
    """What a restore would collide with: every table, view or sequence of no extension."""
    return list(connection.execute(USER_RELATIONS_SQL).scalars())


def installed_extensions(connection: Connection) -> Extensions:
    return Extensions(
        set(connection.execute(text("SELECT extname FROM pg_extension")).scalars()),
        set(connection.execute(EXTENSION_TABLES_SQL).scalars()),
    )


def dump(server: Server, snapshot: str, path: Path) -> None:
    """pg_dump in custom format, of the snapshot a transaction of ours exported."""
    server.run(
        "pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={path}",
        f"--dbname={server.conninfo}",
    )  # fmt: skip


def restore(server: Server, path: Path, installed: Extensions, workdir: Path) -> None:
    """pg_restore in one transaction, stopping at the first error.

    The dump creates its extensions (CREATE EXTENSION IF NOT EXISTS postgis), comments on them
    and copies the rows users added to their tables (none, for PostGIS's spatial_ref_sys in
    Pavé). An extension the target already has is left as it is, and so are its tables when
    the dump holds no row for them: both need the rights of the extension's owner (the
    superuser who created it), which the restoring role, owner of the database, lacks.
    """
    listing = server.run("pg_restore", "--list", str(path))
    kept = [
        line
        for line in listing.splitlines()
        if not _is_installed(line, installed.names)
        and not _is_empty_extension_table(server, path, line, installed.tables, workdir)
    ]
    entries = workdir / "restore.list"
    entries.write_text("\n".join(kept) + "\n")
    server.run(
        "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
        f"--use-list={entries}", f"--dbname={server.conninfo}", str(path),
    )  # fmt: skip


def _is_empty_extension_table(
    server: Server, path: Path, line: str, tables: set[str], workdir: Path
) -> bool:
    match = TABLE_DATA_ENTRY.match(line)
    if not match or f"{match.group(1)}.{match.group(2)}" not in tables:
        return False
    one = workdir / "one.list"
    one.write_text(line + "\n")
    script = server.run("pg_restore", f"--use-list={one}", "--file=-", str(path))
    return bool(NO_ROWS.search(script))


def _is_installed(line: str, installed: set[str]) -> bool:
    match = EXTENSION_ENTRY.match(line)
    return bool(match and match.group(1) in installed)
