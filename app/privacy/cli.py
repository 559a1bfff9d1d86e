"""`flask privacy purge`: erase the personal data whose retention period is over."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.privacy import retention

privacy_cli = AppGroup("privacy", help="Personal data: retention and erasure.")


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what is due, erase nothing.")
def purge_command(dry_run: bool) -> None:
    """Erase the contact details, follow links, followers and emails of tickets closed over
    PRIVACY_RETENTION_DAYS ago (180), expired login counters and old emails of no report.
    Safe to rerun; the worker runs it once a day."""
    from app.web import get_database

    days = current_app.config["PRIVACY_RETENTION_DAYS"]
    engine = get_database(current_app).engine
    if dry_run:
        with engine.connect() as db:
            counts = retention.due_counts(db, days)
        click.echo(f"due for erasure ({days} days after closing), nothing erased:")
    else:
        counts = retention.purge(engine, days)
        click.echo(f"erased ({days} days after closing):")
    for line in counts.lines():
        click.echo(f"  {line}")
