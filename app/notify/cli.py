"""`flask --app app worker`, `flask --app app digest` and `flask --app app notify inbound`:
the outbox's commands.

The work itself is in app/notify (worker.drain, digest.DailyDigests) and app/privacy
(retention.DailyPurge), none of which needs Flask; here, the settings and the loop.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass

import click
from flask import current_app, has_app_context
from flask.cli import with_appcontext
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from app.accesslog import JsonFormatter, log_format, mask
from app.delivery.crypto import box_from_config
from app.delivery.pull import PullSchedule, StatusPull, log_lines
from app.delivery.sender import DeliverySettings, drain_deliveries
from app.notify.digest import DailyDigests, local_today, send_digests
from app.notify.heartbeat import Heartbeat, default_name
from app.notify.wakeup import Wakeup
from app.notify.worker import SmtpSender, drain, sender_from_config
from app.privacy.retention import DailyPurge


def say(message: str, err: bool = False) -> None:
    """One line of the worker's output, masked (an SMTP error may quote an address or a
    link); one JSON object with LOG_FORMAT=json, as the web server's lines are."""
    message = mask(message)
    chosen = current_app.config["LOG_FORMAT"] if has_app_context() else log_format()
    if str(chosen).strip().lower() == "json":
        level = logging.ERROR if err else logging.INFO
        record = logging.LogRecord("app.worker", level, "", 0, message, None, None)
        message = JsonFormatter().format(record)
    click.echo(message, err=err)


@contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGTERM or SIGINT (Ctrl-C, or `make run` stopping its processes);
    the previous handlers come back when the block ends."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    signals = (signal.SIGTERM, signal.SIGINT)
    previous = {signum: signal.signal(signum, lambda *_: stop.set()) for signum in signals}
    try:
        yield stop
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@click.command("worker")
@click.option("--once", is_flag=True, help="Do what is due now (emails, digests), then exit.")
@click.option(
    "--interval",
    type=float,
    default=5.0,
    show_default=True,
    help="Seconds between two looks at the outbox when nothing wakes the worker sooner "
    "(a new email or send wakes it at once, by LISTEN/NOTIFY).",
)
@click.option(
    "--name",
    default=default_name,
    show_default="the host's name",
    help="The name of this worker's heartbeat (readiness and /metrics read it).",
)
@with_appcontext
def worker_command(once: bool, interval: float, name: str) -> None:
    """Send the outbox's emails over SMTP (SMTP_HOST, SMTP_PORT, SMTP_FROM) and the reports
    due to the bodies' Open311 servers (DELIVERY_* settings, docs/delivery.md), queue the
    daily digests from DIGEST_HOUR (DIGEST_TIMEZONE), once a day, erase the personal data
    of tickets closed over PRIVACY_RETENTION_DAYS ago, once a day, and (not with --once)
    rewrite the open-data snapshot files once a day from SNAPSHOT_HOUR; those two only
    with NIGHTLY_JOBS=worker (the default), not with NIGHTLY_JOBS=timer. Each turn of its
    loop writes its heartbeat (table worker_heartbeats)."""
    from app.web import get_database

    config = current_app.config
    if not 0 <= config["DIGEST_HOUR"] <= 23:
        raise click.BadParameter(
            f"DIGEST_HOUR is an hour from 0 to 23, not {config['DIGEST_HOUR']}."
        )
    if not name.strip() or len(name) > 100:
        raise click.BadParameter("a worker's name has 1 to 100 characters.", param_hint="--name")
    engine = get_database(current_app).engine
    nightly = nightly_jobs_here(config)
    try:
        sender = sender_from_config(config)
    except ValueError as exc:  # INBOUND_EMAIL_DOMAIN that is no host name
        raise click.BadParameter(str(exc)) from exc
    turn = _Turn(
        engine=engine,
        sender=sender,
        max_attempts=config["OUTBOX_MAX_ATTEMPTS"],
        digests=DailyDigests(hour=config["DIGEST_HOUR"], timezone=config["DIGEST_TIMEZONE"]),
        purges=DailyPurge(days=config["PRIVACY_RETENTION_DAYS"]) if nightly else None,
        heartbeat=Heartbeat(engine, name, every_s=min(interval, 5.0)),
        deliveries=DeliverySettings.from_config(config),
        pulls=_status_pulls(config),
    )
    wakeup = Wakeup(engine.url)
    with _stop_on_signals() as stop, closing(wakeup):
        snapshots = nightly_snapshots(stop) if nightly and not once else None
        while not stop.is_set():
            if snapshots is not None:
                snapshots.poll()
            try:
                turn.run(stop)
            except OperationalError as exc:
                if once:
                    raise
                # The database is down or restarting: nothing was lost, try again later
                # rather than exit (under `make run`, that would stop the web server too).
                say(f"database unavailable, retrying in {interval:g} s: {exc}", err=True)
            except Exception as exc:
                if once:
                    raise
                # Not one message's fault (those are marked failed in drain): say it, and
                # look again later rather than exit.
                say(f"worker error, retrying in {interval:g} s: {exc!r}", err=True)
            if once:
                return
            # Until something is queued (LISTEN/NOTIFY) or the interval ends.
            wakeup.wait(stop, interval)
        if snapshots is not None:
            # Asked to stop, the snapshot gives up between two batches and leaves the old files.
            snapshots.join(timeout=60)


@dataclass
class _Turn:
    """One turn of the worker's loop: its heartbeat, the digests and the purge when due (no
    purge with NIGHTLY_JOBS=timer), then every message due, the reports due to the bodies'
    Open311 servers, and last the status pull when due. The heartbeat is written again between
    two messages of a long drain, and between two bodies of the pull."""

    engine: Engine
    sender: SmtpSender
    max_attempts: int
    digests: DailyDigests
    purges: DailyPurge | None
    heartbeat: Heartbeat
    deliveries: DeliverySettings
    # The status pull of the Open311 bodies (issue 16), every DELIVERY_PULL_INTERVAL_S.
    pulls: PullSchedule | None = None

    def run(self, stop: threading.Event) -> None:
        self.heartbeat.beat()
        for digest in self.digests.run(self.engine):
            say(f"daily digest of {digest.body_code}: {digest.tickets} ticket(s)")
        purged = self.purges.run(self.engine) if self.purges is not None else None
        if purged is not None and purged.reports:
            say(f"privacy purge: {purged.reports} closed ticket(s) anonymised")

        def stopping() -> bool:
            self.heartbeat.beat_if_due()
            return stop.is_set()

        result = drain(self.engine, self.sender, max_attempts=self.max_attempts, stopping=stopping)
        if result.sent or result.failed:
            retried = result.failed - result.given_up
            bounced = f", {result.bounced} bounced" if result.bounced else ""
            say(
                f"{result.sent} sent, {result.failed} failed "
                f"({retried} will be retried, {result.given_up} given up{bounced})"
            )
        for error in result.errors:
            say(f"  {error}", err=True)
        self.send_deliveries(stopping)
        # Last: a slow body's system delays nothing else (each body has a time budget).
        if self.pulls is not None:
            for line, err in log_lines(self.pulls.run_if_due(self.engine, stopping)):
                say(line, err=err)

    def send_deliveries(self, stopping) -> None:
        """The reports due to the bodies' Open311 servers (app/delivery/sender.py)."""
        sent = drain_deliveries(self.engine, self.deliveries, stopping=stopping)
        if sent.sent or sent.reconciled or sent.failed:
            say(
                f"open311: {sent.sent} sent, {sent.reconciled} found already there after a "
                f"lost answer, {sent.failed} failed ({sent.given_up} given up)"
            )
        for error in sent.errors:
            say(f"  {error}", err=True)


def _status_pulls(config) -> PullSchedule:
    """The status pull of the bodies' Open311 servers (app/delivery/pull.py)."""
    if config["DELIVERY_PULL_INTERVAL_S"] <= 0 or config["DELIVERY_PULL_BATCH"] <= 0:
        raise click.BadParameter("DELIVERY_PULL_INTERVAL_S and DELIVERY_PULL_BATCH are > 0.")
    pull = StatusPull(
        box_from_config(config),
        batch=config["DELIVERY_PULL_BATCH"],
        allow_private=config["DELIVERY_ALLOW_PRIVATE_ADDRESSES"],
    )
    return PullSchedule(pull, every_s=config["DELIVERY_PULL_INTERVAL_S"])


NIGHTLY_JOBS = ("worker", "timer")


def nightly_jobs_here(config) -> bool:
    """Whether this worker runs the nightly purge and snapshot (NIGHTLY_JOBS=worker), or
    leaves them to a timer (NIGHTLY_JOBS=timer: deploy/systemd/pave-nightly.timer)."""
    who = config["NIGHTLY_JOBS"]
    if who not in NIGHTLY_JOBS:
        raise click.BadParameter(
            f"NIGHTLY_JOBS is 'worker' (the worker runs the nightly snapshot and privacy "
            f"purge) or 'timer' (a timer does), not {who!r}."
        )
    if who == "timer":
        say("nightly snapshot and privacy purge: left to the timer (NIGHTLY_JOBS=timer)")
    return who == "worker"


def nightly_snapshots(stop: threading.Event):
    """The open-data snapshot files, rewritten once a day from SNAPSHOT_HOUR in a thread of
    their own (app.opendata.snapshot_schedule), so that the outbox never waits for them."""
    from pathlib import Path

    from app.opendata.snapshot_schedule import DailySnapshots, NightlySnapshots

    config = current_app.config
    if not 0 <= config["SNAPSHOT_HOUR"] <= 23:
        raise click.BadParameter(
            f"SNAPSHOT_HOUR is an hour from 0 to 23, not {config['SNAPSHOT_HOUR']}."
        )
    schedule = DailySnapshots(
        Path(config["SNAPSHOT_DIR"]), config["SNAPSHOT_HOUR"], config["SNAPSHOT_TIMEZONE"]
    )

    def report(outcome) -> None:
        if isinstance(outcome, BaseException):
            say(f"snapshot failed, retrying in an hour: {outcome!r}", err=True)
        else:
            say(f"snapshot: {outcome.features} reports in {schedule.directory}")

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return NightlySnapshots(app, schedule, stop.is_set, report)


@click.command("digest")
@with_appcontext
def digest_command() -> None:
    """Queue today's digest of new tickets of each body on notify_mode 'daily', unless written.

    The worker does this by itself every day from DIGEST_HOUR; this queues them now.
    """
    from app.web import get_database

    day = local_today(current_app.config["DIGEST_TIMEZONE"])
    with get_database(current_app).session() as session:
        digests = send_digests(session, day=day)
    sent = [d for d in digests if d.message_id is not None]
    for digest in sent:
        click.echo(f"{digest.body_code}: {digest.tickets} ticket(s)")
    click.echo(f"{len(sent)} digest(s) queued for {len(digests)} body(ies) on a daily digest.")


@click.group("notify")
def notify_cli() -> None:
    """Email that comes back: replies of bodies and bounces (INBOUND_EMAIL_DOMAIN)."""


@notify_cli.command("inbound")
@click.option(
    "--recipient",
    help="The address the message was delivered to, as the MTA says (Postfix: "
    "${original_recipient}); else read from Delivered-To, X-Original-To, To or Cc.",
)
@with_appcontext
def inbound_command(recipient: str | None) -> None:
    """Read one RFC 822 message on stdin: a body's reply to a ticket's email becomes an
    internal note of the ticket, a delivery status notification marks its message bounced.

    An MTA hands each message to it (docs/email-delivery.md); the work is in
    app/delivery/inbound.py. The exit status is from sysexits.h: 0 taken (or ignored), 65
    refused, 67 no such ticket or message, 75 try again later, 77 not one of our addresses."""
    from app.delivery.body_email import InboundAddresses
    from app.delivery.inbound import EX_OK, EX_TEMPFAIL, receive
    from app.web import get_database

    config = current_app.config
    try:
        domain, secret = config["INBOUND_EMAIL_DOMAIN"], config["SECRET_KEY"]
        inbound = InboundAddresses.from_settings(domain, secret)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    if inbound is None:
        raise click.UsageError("INBOUND_EMAIL_DOMAIN is not set: no inbound email is read.")
    max_bytes = config["INBOUND_EMAIL_MAX_BYTES"]
    # One byte more than the limit tells a message over it, without reading it all.
    data = sys.stdin.buffer.read(max_bytes + 1)
    try:
        outcome = receive(
            get_database(current_app).engine,
            data,
            inbound,
            max_bytes=max_bytes,
            recipient=recipient,
        )
    except OperationalError:
        say("database unavailable: try again later", err=True)
        sys.exit(EX_TEMPFAIL)
    say(outcome.said, err=outcome.status != EX_OK)
    sys.exit(outcome.status)


BOUNCES_SQL = text(
    "SELECT id, kind, report_id, bounced_at, bounce_reason FROM outbox_messages "
    "WHERE bounced_at > now() - make_interval(days => :days) ORDER BY bounced_at DESC, id DESC"
)


@notify_cli.command("bounces")
@click.option("--days", type=click.IntRange(1, 3650), default=30, show_default=True)
@with_appcontext
def bounces_command(days: int) -> None:
    """The messages refused for good in the last DAYS days: at SMTP time (a 5xx) or by a
    delivery status notification. A body's address that bounces is out of date."""
    from app.web import get_database

    with get_database(current_app).engine.connect() as db:
        rows = db.execute(BOUNCES_SQL, {"days": days}).all()
    for row in rows:
        ticket = str(row.report_id)[:8] if row.report_id else "-"
        when = row.bounced_at.isoformat(timespec="seconds")
        # Masked: a server's answer often quotes the address.
        click.echo(
            mask(f"{when}  message {row.id}  {row.kind}  ticket {ticket}  {row.bounce_reason}")
        )
    click.echo(f"{len(rows)} bounced message(s) in the last {days} day(s).")
