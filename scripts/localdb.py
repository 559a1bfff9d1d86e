"""Manage a project-local PostgreSQL 15 + PostGIS cluster under var/pg of the checkout."""

# Only the standard library may be imported here: the Makefile runs this file as a plain
# script (`python3 scripts/localdb.py ensure`) before the project's dependencies are installed,
# which is also why it never imports the `app` package (whose __init__ imports Flask).

import argparse
import fcntl
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

PG_BIN = Path("/usr/lib/postgresql/15/bin")
POSTGIS_CONTROL = Path("/usr/share/postgresql/15/extension/postgis.control")
ROOT = Path(__file__).resolve().parent.parent
PG_DIR = ROOT / "var" / "pg"
DATA = PG_DIR / "data"
RUN = PG_DIR / "run"
LOG = PG_DIR / "log"
# Every checkout uses port 5432: the server listens on a Unix socket only, and sockets of
# different checkouts live in different directories, so they never collide.
PORT = 5432
IS_ROOT = os.geteuid() == 0


def log(message: str) -> None:
    # Progress goes to stderr because stdout carries only the URL for `$(... ensure)`.
    print(f"localdb: {message}", file=sys.stderr, flush=True)


def url(dbname: str = "pave", run_dir: Path = RUN) -> str:
    """Return the SQLAlchemy URL of `dbname`, reached through the socket in `run_dir`."""
    host = quote(os.path.abspath(run_dir), safe="/")
    return f"postgresql+psycopg://postgres@/{dbname}?host={host}"


def dirs_missing_search_bit(path: Path) -> list[Path]:
    """Return `path` and its ancestors that others may not traverse, outermost first."""
    return [p for p in reversed([path, *path.parents]) if not p.stat().st_mode & stat.S_IXOTH]


def conf_text(run_dir: Path = RUN) -> str:
    """Return the settings this module adds to the cluster's postgresql.conf."""
    socket_dir = str(run_dir).replace("'", "''")
    # These are dev/test settings; durability settings (fsync, synchronous_commit) keep
    # their defaults so that data typed into `make run` survives a crash.
    return (
        "# Written by scripts/localdb.py; edit that file rather than this one.\n"
        "listen_addresses = ''\n"
        f"unix_socket_directories = '{socket_dir}'\n"
        f"port = {PORT}\n"
        "max_connections = 100\n"
        "shared_buffers = 128MB\n"
    )


def check_dbname(dbname: str) -> str:
    # Restricting names to plain identifiers lets us put them into SQL without quoting bugs.
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", dbname):
        raise ValueError(f"invalid database name {dbname!r}")
    return dbname


def _run(cmd: list, *, as_postgres: bool = False, capture: bool = False):
    # PostgreSQL refuses to run as root, so its tools run as the postgres system user then.
    if as_postgres and IS_ROOT:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    # The working directory is "/" because postgres may not be able to enter the caller's.
    return subprocess.run(
        [str(c) for c in cmd],
        stdout=subprocess.PIPE if capture else sys.stderr,
        text=True,
        check=True,
        cwd="/",
    )


def cluster_paths(pg_dir: Path = PG_DIR) -> tuple[Path, Path, Path]:
    """The data directory, socket directory and log file of the cluster kept in `pg_dir`.

    The project's cluster is var/pg; tests make throwaway ones elsewhere (a primary and its
    streaming replica, tests/helpers/replica.py) with the same functions.
    """
    return pg_dir / "data", pg_dir / "run", pg_dir / "log"


def _psql(dbname: str, sql: str, run_dir: Path = RUN) -> str:
    cmd = [PG_BIN / "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", run_dir, "-p", PORT]
    return _run(
        [*cmd, "-U", "postgres", "-d", dbname, "-tA", "-c", sql], capture=True
    ).stdout.strip()


def _ensure_packages() -> None:
    if (PG_BIN / "initdb").exists() and POSTGIS_CONTROL.exists():
        return
    sudo = [] if IS_ROOT else ["sudo"]
    for cmd in (
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "postgresql", "postgresql-15-postgis-3"],
    ):
        log("running: DEBIAN_FRONTEND=noninteractive " + " ".join(cmd))
        subprocess.run(
            [*sudo, "env", "DEBIAN_FRONTEND=noninteractive", *cmd], stdout=sys.stderr, check=True
        )


def server_pid(pg_dir: Path = PG_DIR) -> int | None:
    """Return the pid of the postmaster serving our data directory, or None."""
    data = cluster_paths(pg_dir)[0]
    try:
        pid = int((data / "postmaster.pid").read_text().split("\n", 1)[0])
        # The postmaster chdirs into its data directory, so a live process whose working
        # directory is ours is our server, whereas after a reboot the recorded pid may
        # belong to an unrelated process and the pid file is stale.
        return pid if os.path.samefile(f"/proc/{pid}/cwd", data) else None
    except (OSError, ValueError):
        return None


def _prepare_dirs(pg_dir: Path = PG_DIR) -> None:
    data, run, log_file = cluster_paths(pg_dir)
    for d in (data, run):
        d.mkdir(mode=0o700, exist_ok=True)
    log_file.touch(exist_ok=True)
    if not IS_ROOT:
        return
    # The checkout may sit below a root-only directory (for example a 0700 mktemp dir), which
    # the postgres user could not traverse to reach var/pg; adding only the search bit for
    # others lets it through without letting anyone list or change those directories.
    for p in dirs_missing_search_bit(pg_dir):
        log(f"adding o+x to {p} so that the postgres user can reach {pg_dir}")
        p.chmod(stat.S_IMODE(p.stat().st_mode) | stat.S_IXOTH)
    # The socket directory stays 0700: authentication is "trust", so only postgres and root
    # (which bypasses file permissions) may connect.
    for p in (data, run, log_file):
        shutil.chown(p, "postgres", "postgres")


def _initdb(pg_dir: Path = PG_DIR) -> None:
    data = cluster_paths(pg_dir)[0]
    log(f"initialising cluster in {data}")
    initdb = [PG_BIN / "initdb", "-D", data, "-E", "UTF8", "--locale=C.UTF-8"]
    _run([*initdb, "-A", "trust", "-U", "postgres"], as_postgres=True)
    with open(data / "postgresql.conf", "a") as f:
        f.write("\ninclude = 'localdb.conf'\n")


def _start(pg_dir: Path = PG_DIR) -> None:
    data, run, log_file = cluster_paths(pg_dir)
    if not (data / "PG_VERSION").exists():
        _initdb(pg_dir)
    # The settings are rewritten before each start so that they follow a moved checkout.
    conf = data / "localdb.conf"
    if not conf.exists() or conf.read_text() != conf_text(run):
        conf.write_text(conf_text(run))
        if IS_ROOT:
            shutil.chown(conf, "postgres", "postgres")
    # No server of ours runs (see server_pid), so lock and socket files left by an unclean
    # shutdown are stale; removing them avoids a refusal to start when their pid is reused.
    for stale in [data / "postmaster.pid", *run.glob(".s.PGSQL.*")]:
        if stale.exists():
            log(f"removing stale {stale}")
            stale.unlink()
    log(f"starting server, log in {log_file}")
    _run([PG_BIN / "pg_ctl", "-D", data, "-l", log_file, "-w", "start"], as_postgres=True)


def ensure(dbname: str = "pave") -> str:
    """Install, initialise and start the cluster as needed, create `dbname`; return its URL."""
    check_dbname(dbname)
    # Unix socket paths are limited to 107 bytes; a deep checkout would fail obscurely.
    if len(str(RUN / f".s.PGSQL.{PORT}").encode()) > 107:
        raise RuntimeError(f"socket path under {RUN} is too long; move the checkout higher up")
    PG_DIR.mkdir(parents=True, exist_ok=True)
    # A lock serialises concurrent `ensure` calls, e.g. from parallel make targets; the
    # package install is inside it, since two apt-get runs at once fail on dpkg's own lock.
    with open(PG_DIR / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _ensure_packages()
        if server_pid() is None:
            _prepare_dirs()
            _start()
        if _psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{dbname}'") != "1":
            log(f"creating database {dbname}")
            _psql("postgres", f'CREATE DATABASE "{dbname}"')
        _psql(dbname, "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS postgis")
    return url(dbname)


def stop(pg_dir: Path = PG_DIR) -> None:
    """Stop the server if it runs."""
    if server_pid(pg_dir) is None:
        log("server is not running")
        return
    data = cluster_paths(pg_dir)[0]
    _run([PG_BIN / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop"], as_postgres=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="localdb.py", description=__doc__)
    parser.add_argument("command", choices=["ensure", "stop", "url", "status"])
    parser.add_argument("--dbname", default="pave", help="database name (default: pave)")
    args = parser.parse_args(argv)
    try:
        if args.command == "ensure":
            print(ensure(args.dbname))
        elif args.command == "stop":
            stop()
        elif args.command == "url":
            print(url(check_dbname(args.dbname)))
        else:
            pid = server_pid()
            print(f"running (pid {pid}), socket in {RUN}" if pid else "not running")
            # Like `pg_ctl status`, exit with 3 when the server is not running.
            return 0 if pid else 3
    except subprocess.CalledProcessError as e:
        log(f"{' '.join(map(str, e.cmd))} failed with exit code {e.returncode}; see {LOG}")
        return 1
    except (ValueError, RuntimeError) as e:
        log(str(e))
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
