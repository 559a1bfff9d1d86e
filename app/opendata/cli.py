"""`flask --app app opendata …`: open-data commands (generated demo data, exports)."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.urls import photo_url_prefix

opendata_cli = AppGroup("opendata", help="Open data: exports and generated demo data.")

REGIONS = ("brussels", "flanders", "wallonia")


@opendata_cli.command("generate")
@click.argument("n", type=click.IntRange(min=1))
@click.option("--seed", type=int, help="Same seed, same reports (default: a random one).")
@click.option(
    "--years",
    type=click.FloatRange(min=0.01, max=50),
    default=2.0,
    show_default=True,
    help="Reports are created over this many years, up to now.",
)
@click.option(
    "--region",
    "regions",
    type=click.Choice(REGIONS),
    multiple=True,
    help="Only in this region's communes (may be repeated; default: all of Belgium).",
)
def generate(n: int, seed: int | None, years: float, regions: tuple[str, ...]) -> None:
    """Insert N made-up reports spread over the current communes (demos and benchmarks)."""
    from app.opendata.generate import generate_reports
    from app.web import get_database

    if seed is None:
        seed = secrets.randbelow(1_000_000)
    end = dt.datetime.now(dt.UTC)
    start = end - dt.timedelta(days=365.25 * years)
    with (
        get_database(current_app).session() as session,
        click.progressbar(length=n, label=f"Generating {n:,} reports (seed {seed})") as bar,
    ):
        inserted = generate_reports(
            session,
            n,
            seed=seed,
            start=start,
            end=end,
            regions=regions or None,
            progress=bar.update,
        )
    click.echo(
        f"{inserted:,} reports inserted, created from {start:%Y-%m-%d} to {end:%Y-%m-%d} "
        f"(seed {seed})."
    )
    if inserted < n:
        click.echo(f"{n - inserted:,} were there already: this seed made them before.")


def _statuses(_ctx, _param, value: str | None) -> tuple[str, ...]:
    from app.opendata.export import parse_statuses

    try:
        return parse_statuses(value) if value else ()
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def _bound(ctx, param, value: str | None) -> dt.datetime | None:
    from app.opendata.export import parse_bound

    try:
        return parse_bound(value, end=param.name == "end") if value else None
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@opendata_cli.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "geojson"]), required=True, help="File format."
)
@click.option("--region", help="A region's slug: brussels, flanders or wallonia.")
@click.option("--commune", help="A commune's NIS code.")
@click.option("--category", help="A category code.")
@click.option("--status", callback=_statuses, help="Comma-separated statuses, or open / closed.")
@click.option(
    "--start",
    callback=_bound,
    help="Created at or after: a date (Belgian time) or an RFC 3339 date-time.",
)
@click.option(
    "--end",
    callback=_bound,
    help="Created before: a date (included, Belgian time) or an RFC 3339 date-time.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: the download's name, e.g. reports-brussels-2026-03-01.csv).",
)
@click.option(
    "--base-url",
    help="Where photo addresses start (default: PUBLIC_BASE_URL).",
)
def export(
    fmt: str,
    region: str | None,
    commune: str | None,
    category: str | None,
    status: tuple[str, ...],
    start: dt.datetime | None,
    end: dt.datetime | None,
    output: Path | None,
    base_url: str | None,
) -> None:
    """Write the published reports to a file, as GET /opendata/reports.<format> sends them."""
    from app.opendata.export import (
        NIS_CODE,
        Export,
        UnknownFilterValueError,
        check_period,
        filename,
    )
    from app.opendata.records import RecordFilter
    from app.web import read_database

    if commune and not NIS_CODE.fullmatch(commune):
        raise click.BadParameter("A 5-digit NIS code.", param_hint="--commune")
    try:
        check_period(start, end)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--end") from exc
    flt = RecordFilter(
        region=region, commune=commune, category=category, statuses=status, start=start, end=end
    )
    sessions = read_database().sessionmaker
    try:
        exported = Export(sessions, fmt, flt, photo_url_prefix(base_url))
    except UnknownFilterValueError as exc:
        raise click.BadParameter(exc.detail, param_hint=f"--{exc.parameter}") from exc
    output = output or Path(filename(flt, fmt))
    # Written beside the target and renamed at the end: an interrupted export leaves no
    # half-written file under the name.
    partial = output.with_name(f".{output.name}.{secrets.token_hex(4)}.part")
    try:
        label = f"Exporting {exported.total:,} reports to {output}"
        with (
            partial.open("wb") as file,
            click.progressbar(length=exported.total, label=label) as bar,
        ):
            for chunk in exported:
                file.write(chunk)
                bar.update(exported.rows - bar.pos)
        partial.replace(output)
    finally:
        exported.close()
        partial.unlink(missing_ok=True)
    click.echo(f"{exported.rows:,} reports written to {output} ({output.stat().st_size:,} bytes).")


@opendata_cli.command("snapshot")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the files (default: SNAPSHOT_DIR).",
)
@click.option("--base-url", help="Where photo addresses start (default: PUBLIC_BASE_URL).")
def snapshot(directory: Path | None, base_url: str | None) -> None:
    """Write the whole published dataset as CSV, GeoJSON, GeoPackage and FlatGeobuf files,
    from one database snapshot, replacing the previous ones atomically
    (served at /opendata/snapshots/reports.<format>)."""
    import time

    from app.opendata.snapshot import SnapshotBusyError, write_snapshot
    from app.web import read_database

    directory = directory or Path(current_app.config["SNAPSHOT_DIR"])
    started = time.monotonic()
    try:
        written = write_snapshot(
            read_database().sessionmaker,
            directory,
            photo_url_prefix(base_url),
        )
    except SnapshotBusyError as exc:
        raise click.ClickException(exc.detail) from exc
    for entry in written.files.values():
        click.echo(f"{directory / entry.name}: {entry.size:,} bytes, sha256 {entry.sha256}")
    click.echo(
        f"{written.features:,} reports in each file, as of {written.taken_at:%Y-%m-%d %H:%M:%S %Z} "
        f"({time.monotonic() - started:.1f} s)."
    )
