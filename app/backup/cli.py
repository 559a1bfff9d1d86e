"""`flask backup create DIR` and `flask backup restore DIR` (docs/operations.md, section 4)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click
from flask import current_app
from flask.cli import AppGroup

from app.backup.errors import BackupError
from app.backup.installation import Installation

backup_cli = AppGroup("backup", help="Back up and restore the database and the photos.")

DIR = click.Path(file_okay=False, path_type=Path)


def _database_url() -> str:
    url = current_app.config["DATABASE_URL"]
    if not url:
        raise click.ClickException(
            "DATABASE_URL is not set: export DATABASE_URL=postgresql+psycopg://user@host/dbname"
        )
    return str(url)


T = TypeVar("T")


def _progress(message: str) -> None:
    click.echo(f"… {message}", err=True)


def _run(operation: Callable[[Installation, Path], T], directory: Path) -> T:
    """create_backup or restore_backup on this app's database and photo storage; a refusal
    becomes the command's error message."""
    from app.media.storage import storage_from_settings
    from app.web import get_database

    cfg = current_app.config
    url = _database_url()  # First: without it, the app's engine cannot be made.
    installation = Installation(
        get_database(current_app).engine,
        url,
        storage_from_settings(cfg),
        pg_bin=cfg["BACKUP_PG_BIN"],
        progress=_progress,
    )
    try:
        return operation(installation, directory)
    except BackupError as exc:
        raise click.ClickException(exc.detail) from None


@backup_cli.command("create")
@click.argument("directory", metavar="DIR", type=DIR)
def create_command(directory: Path) -> None:
    """Back up the database (pg_dump, one snapshot) and the photo files into DIR, a new or
    empty directory, with a manifest.json holding the schema version and every file's SHA-256."""
    from app.backup.create import create_backup

    result = _run(create_backup, directory)
    click.echo(
        f"Backup written to {result.path}: schema {', '.join(result.revisions) or 'none'}, "
        f"{result.photos} photo files."
    )
    if result.missing_photos:
        click.echo(
            f"Warning: {len(result.missing_photos)} photo file(s) named by the database were "
            f"not found or were damaged, and are not in the backup (first: "
            f"{result.missing_photos[0]}); see manifest.json.",
            err=True,
        )


@backup_cli.command("restore")
@click.argument("directory", metavar="DIR", type=DIR)
def restore_command(directory: Path) -> None:
    """Restore the backup in DIR into an empty database (DATABASE_URL) and an empty photo
    storage, after checking every file's SHA-256; refused, with nothing changed, otherwise."""
    from app.backup.restore import restore_backup

    result = _run(restore_backup, directory)
    click.echo(
        f"Restored from {directory}: schema {', '.join(result.revisions) or 'none'}, "
        f"{result.photos} photo files."
    )
    if not result.at_head:
        click.echo("The schema is older than this release: run `flask --app app db upgrade`.")


@backup_cli.command("verify")
@click.argument("directory", metavar="DIR", type=DIR)
def verify_command(directory: Path) -> None:
    """Check, without a database, that the backup in DIR is whole: every file matches its
    SHA-256 in manifest.json, none is missing or added, and this release can restore it."""
    from app.backup.restore import verify_backup

    try:
        verified = verify_backup(directory)
    except BackupError as exc:
        raise click.ClickException(exc.detail) from None
    click.echo(
        f"{directory} is whole: {verified.files} files match their SHA-256; made "
        f"{verified.created_at}, schema {', '.join(verified.revisions) or 'none'}"
        f"{'' if verified.at_head else ' (older than this release: upgrade after restoring)'}, "
        f"photos in {verified.photo_storage} storage."
    )
