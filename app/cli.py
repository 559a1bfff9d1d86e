"""Flask commands: database migrations and their check, fixtures, boundary and population import."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app
from flask.cli import AppGroup

from app.config import ROOT
from app.db import require_database_url
from app.schema_state import SchemaState, schema_state


def alembic_config(url: str | None = None, connection=None) -> AlembicConfig:
    cfg = AlembicConfig(toml_file=str(ROOT / "pyproject.toml"))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


db_cli = AppGroup("db", help="Database schema.")
fixtures_cli = AppGroup("fixtures", help="Seed data.")
boundaries_cli = AppGroup("boundaries", help="Commune boundaries.")
population_cli = AppGroup("population", help="Population per commune (rates per 1,000).")


def _database_url() -> str:
    """The app's DATABASE_URL; unset, the command says what to set, in one line."""
    return str(require_database_url(current_app.config["DATABASE_URL"]))


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    command.upgrade(alembic_config(_database_url()), revision)


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION (e.g. -1)."""
    command.downgrade(alembic_config(_database_url()), revision)


# `flask db check` exit codes, one per state, so that scripts (and the upgrade procedure of
# docs/operations.md) can tell them apart; 1 stays click's "something went wrong".
CHECK_AT_HEAD = 0
CHECK_UNREACHABLE = 1
CHECK_BEHIND = 3
CHECK_AHEAD = 4
CHECK_UNVERSIONED = 5


def _check_verdict(state: SchemaState) -> tuple[int, str]:
    """The exit code of `db check` for a SchemaState, and what to tell the operator."""
    if state.at_head:
        return CHECK_AT_HEAD, "The database is at head."
    if not state.current:
        return CHECK_UNVERSIONED, (
            "The database has no alembic_version: no migration was ever applied to it (an empty "
            "database: run flask --app app db upgrade), or it was not made by Pavé's migrations."
        )
    if state.ahead:
        return CHECK_AHEAD, (
            "The database was migrated by a newer release: this code is older than the "
            "database. Run the release that migrated it (or restore the backup taken before "
            "the upgrade); do not downgrade with this code, it does not know those migrations."
        )
    return CHECK_BEHIND, (
        "The database is behind this code: run flask --app app db upgrade "
        "(after a backup: docs/operations.md, section 5)."
    )


@db_cli.command("check")
def db_check() -> None:
    """Say whether the database is at this code's migration head (exit 0) or not.

    Exit codes: 0 at head; 3 behind (run db upgrade); 4 ahead (the database was migrated by a
    newer release); 5 no alembic_version (never migrated); 1 the database cannot be reached.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from app.web import get_database

    try:
        with get_database(current_app).engine.connect() as connection:
            state = schema_state(connection)
    except SQLAlchemyError as exc:
        # The driver's first line names the host and the reason, never the password.
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        click.echo(f"Cannot reach the database: {reason}", err=True)
        raise SystemExit(CHECK_UNREACHABLE) from exc
    click.echo(f"database revision: {', '.join(state.current) or 'none'}")
    click.echo(f"code head: {', '.join(state.heads)}")
    code, message = _check_verdict(state)
    click.echo(message, err=code != CHECK_AT_HEAD)
    if code != CHECK_AT_HEAD:
        raise SystemExit(code)


@fixtures_cli.command("load")
def fixtures_load() -> None:
    """Load (or update) the seed bodies and categories from fixtures/."""
    from app.categories.fixtures import load_fixtures
    from app.web import get_database

    with get_database(current_app).session() as session:
        counts = load_fixtures(session)
    click.echo(", ".join(f"{n} {what}" for what, n in counts.items()) + " loaded")


@boundaries_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--crs",
    help="CRS of the coordinates (EPSG:4326, EPSG:31370, EPSG:3812), if the file does not say.",
)
@click.option(
    "--valid-from",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="First day these boundaries are in force (default: today).",
)
def boundaries_import(file: Path, crs: str | None, valid_from: dt.datetime | None) -> None:
    """Import commune boundaries from FILE (GeoJSON, GeoPackage or Shapefile)."""
    from app.geo.boundaries import BoundaryFileError, import_boundaries, read_boundary_file
    from app.geo.projection import UnsupportedCRSError
    from app.opendata.outlines import store_outline_file
    from app.web import get_database

    day = valid_from.date() if valid_from else dt.date.today()
    try:
        source = read_boundary_file(file, crs)
        with get_database(current_app).session() as session:
            label = f"Importing {len(source.features)} communes (EPSG:{source.srid})"
            with click.progressbar(length=len(source.features), label=label) as bar:
                result = import_boundaries(session, source, day, progress=bar.update)
            if result.status != "unchanged":
                # The dashboard's outlines, simplified once here rather than in every process.
                store_outline_file(session)
    except (BoundaryFileError, UnsupportedCRSError) as exc:
        raise click.ClickException(str(exc)) from exc
    if result.status == "unchanged":
        click.echo(
            f"{file.name}: already imported ({result.communes} communes, valid from "
            f"{result.valid_from}); nothing changed."
        )
        return
    click.echo(
        f"{result.communes} communes imported, valid from {day}; "
        f"{result.repaired} invalid polygons repaired; "
        f"{result.closed_sets} earlier set(s) closed."
    )


@boundaries_cli.command("load-default")
def boundaries_load_default() -> None:
    """Import BOUNDARIES_FILE for BOUNDARIES_VALID_FROM (what `make run` does)."""
    ctx = click.get_current_context()
    cfg = current_app.config
    ctx.invoke(
        boundaries_import,
        file=Path(cfg["BOUNDARIES_FILE"]),
        crs=None,
        valid_from=dt.datetime.fromisoformat(cfg["BOUNDARIES_VALID_FROM"]),
    )


@population_cli.command("load")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--source", default="Statbel", show_default=True, help="Who counted (cited).")
@click.option(
    "--skip-unknown",
    is_flag=True,
    help="Load the file even if it names codes that are no current commune (they are skipped).",
)
def population_load(file: Path | None, source: str, skip_unknown: bool) -> None:
    """Replace the population per commune with FILE (default: POPULATION_FILE).

    FILE is a CSV file with the header nis_code,population_YYYY_MM_DD (the day of the count).
    """
    from app.geo.population import PopulationFileError, load_populations, read_population_file
    from app.opendata.outlines import store_outline_file
    from app.web import get_database

    file = file or Path(current_app.config["POPULATION_FILE"])
    try:
        data = read_population_file(file)
        with get_database(current_app).session() as session:
            result = load_populations(session, data, origin=source, skip_unknown=skip_unknown)
            # The dashboard's outlines carry the population: made again, once, here.
            store_outline_file(session)
    except PopulationFileError as exc:
        raise click.ClickException(exc.detail) from exc
    click.echo(
        f"{result.communes} communes loaded: {result.inhabitants:,} inhabitants on "
        f"{result.reference_date} ({result.source})."
    )
    if result.skipped:
        click.echo(
            f"{len(result.skipped)} code(s) skipped, no current commune: {', '.join(result.skipped)}"
        )
    if result.missing:
        click.echo(
            f"{len(result.missing)} current commune(s) have no population (no rate per 1,000): "
            + ", ".join(result.missing)
        )


def init_app(app: Flask) -> None:
    from app.accounts.cli import staff_cli
    from app.backup.cli import backup_cli
    from app.bodies.cli import bodies_cli
    from app.notify.cli import digest_command, notify_cli, worker_command
    from app.opendata.cli import opendata_cli
    from app.privacy.cli import privacy_cli

    for command_or_group in (
        db_cli,
        fixtures_cli,
        boundaries_cli,
        population_cli,
        staff_cli,
        worker_command,
        digest_command,
        notify_cli,
        opendata_cli,
        privacy_cli,
        backup_cli,
        bodies_cli,
    ):
        app.cli.add_command(command_or_group)
