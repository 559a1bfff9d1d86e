"""The status pull: what each Open311 body's own system did with the tickets Pavé sent it.

Every DELIVERY_PULL_INTERVAL_S the worker pulls, for each body whose method sends to Open311:
mySociety's `GET servicerequestupdates` since the body's `updates_cursor` where the remote
offers it (asked once per run of the worker, then remembered), else `GET requests/{id}` for
the body's delivered tickets still open here, oldest checked first. Both read at most `batch`
items a round; tokens not yet resolved to ids are resolved first (`GET tokens/{token}`). Each
item is applied (app/delivery/remote_status.py) and committed with the cursor moved past it:
a worker stopped halfway loses nothing, and a remote that fails (however it fails: down, an
error status, unreadable or absurd answers) stops that body's round only, its cursor where it
was. Each body's round has a time budget (`budget_s`), checked before each call to its remote;
each call has its own overall deadline (app/delivery/open311_client). Updates a remote dates
beyond tomorrow are ignored: they would move the cursor past every real update.
"""

from __future__ import annotations

import datetime as dt
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from cryptography.fernet import MultiFernet
from sqlalchemy import ColumnElement, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session

from app.bodies.models import Body
from app.delivery import crypto
from app.delivery.models import OPEN311_METHODS, BodyOpen311, ReportDelivery
from app.delivery.remote import TIMEOUT_S, NotOfferedError, Open311Server, RemoteError
from app.delivery.remote_status import (
    MAX_ID,
    MAX_STATUS,
    MAX_TEXT,
    RemoteUpdate,
    apply_remote_update,
    clean,
    parse_time,
)
from app.reports.models import Report
from app.reports.states import OPEN_STATUSES

# GeoReport's widest window of dates: a cursor older than this is read 90 days at a time.
WINDOW = dt.timedelta(days=90) - dt.timedelta(seconds=1)
DEFAULT_BATCH = 100
# The largest page a GeoReport server is asked for, and the ids kept at the cursor's time.
MAX_PAGE_SIZE = 1000
MAX_SEEN = 1000
# How far ahead of Pavé's clock a remote's update may be dated (clocks differ a little).
AHEAD = dt.timedelta(days=1)
# A body's round stops asking its remote after this long (one call may end later: up to its
# own deadline, 3 x TIMEOUT_S).
BODY_BUDGET_S = 60.0


@dataclass
class BodyPull:
    """What one round did for one body, for the worker's log (no key, no personal data)."""

    body_code: str
    path: str = ""
    read: int = 0
    applied: list[str] = field(default_factory=list)
    error: str | None = None
    # Updates dated beyond tomorrow, ignored; whether the round stopped at its time budget.
    future: int = 0
    out_of_time: bool = False


# A delivery's ticket still with the delivery's body: only those are asked for one by one.
_HELD = (Report.id == ReportDelivery.report_id) & (Report.body_id == ReportDelivery.body_id)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _delivery(session: Session, body_id: int, remote_id: str) -> ReportDelivery | None:
    return session.scalar(
        select(ReportDelivery)
        .where(ReportDelivery.body_id == body_id, ReportDelivery.remote_id == remote_id)
        .with_for_update()
    )


def _at(update: RemoteUpdate) -> dt.datetime:
    assert update.at is not None  # Updates without a time are left out.
    return update.at


def _second(moment: dt.datetime) -> dt.datetime:
    """To the second, as GeoReport's times are written: the cursor compares with them."""
    return moment.replace(microsecond=0)


def _key(update: RemoteUpdate) -> str:
    return update.update_id or f"{update.remote_id}/{update.status}"


def _advance(config: BodyOpen311, update: RemoteUpdate) -> None:
    """The cursor moved to the update's time, with the ids read at that very time."""
    at = _second(_at(update))
    cursor = config.updates_cursor
    if cursor is None or at > _second(cursor):
        config.updates_cursor, config.updates_cursor_ids = at, [_key(update)]
    elif at == _second(cursor):
        config.updates_cursor = at
        config.updates_cursor_ids = [*(config.updates_cursor_ids or []), _key(update)][-MAX_SEEN:]


def _remote_update(item: dict, text_field: str) -> RemoteUpdate | None:
    """A remote item (an update or a request) as a RemoteUpdate; None without id or status."""
    remote_id = clean(item.get("service_request_id"), MAX_ID)
    status = clean(item.get("status"), MAX_STATUS)
    if remote_id is None or status is None:
        return None
    return RemoteUpdate(
        remote_id=remote_id,
        status=status.lower(),
        text=clean(item.get(text_field), MAX_TEXT),
        at=parse_time(item.get("updated_datetime")),
    )


def _update_from(item: dict) -> RemoteUpdate | None:
    update = _remote_update(item, "description")
    return update and replace(update, update_id=clean(item.get("update_id"), MAX_ID))


def _request_from(item: dict) -> RemoteUpdate | None:
    update = _remote_update(item, "status_notes")
    return update and replace(update, expected=parse_time(item.get("expected_datetime")))


@dataclass
class StatusPull:
    """The pull of every Open311 body; remembers, per body, whether its remote offers
    servicerequestupdates (for as long as this object lives: one run of the worker)."""

    fernet: MultiFernet
    batch: int = DEFAULT_BATCH
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
    # Only the requests path, whatever the remote offers (a remote known not to keep it).
    requests_only: bool = False
    offers_updates: dict[int, bool] = field(default_factory=dict)
    # Each call's timeout, and each body's time budget a round (see the module's docstring).
    timeout_s: float = TIMEOUT_S
    budget_s: float = BODY_BUDGET_S
    clock: Callable[[], float] = time.monotonic
    # DELIVERY_ALLOW_PRIVATE_ADDRESSES: whether a remote may be at an internal address.
    allow_private: bool = False

    def run(self, engine: Engine, stopping: Callable[[], bool] | None = None) -> list[BodyPull]:
        """A round of every body; `stopping` (the worker's stop and heartbeat) is asked
        between two bodies."""
        with Session(engine) as session:
            body_ids = session.scalars(
                select(Body.id)
                .join(BodyOpen311, BodyOpen311.body_id == Body.id)
                .where(Body.delivery_method.in_(OPEN311_METHODS))
                .order_by(Body.id)
            ).all()
        results = []
        for body_id in body_ids:
            if stopping is not None and stopping():
                break
            with Session(engine) as session:
                results.append(self.pull_body(session, body_id))
        return results

    def server(self, config: BodyOpen311) -> Open311Server:
        key = None
        if config.api_key_encrypted is not None:
            key = crypto.decrypt(self.fernet, config.api_key_encrypted)
        return Open311Server(
            config.endpoint,
            config.jurisdiction_id,
            key,
            self.timeout_s,
            allow_private=self.allow_private,
        )

    def pull_body(self, session: Session, body_id: int) -> BodyPull:
        """One round for one body; a failure of its remote is told in the result, not raised
        (whatever it is: one remote's answer never stops the other bodies' rounds)."""
        body = session.get_one(Body, body_id)
        result = BodyPull(body.code)
        deadline = self.clock() + self.budget_s
        try:
            server = self.server(session.get_one(BodyOpen311, body_id))
            self.resolve_tokens(session, server, body_id, deadline)
            if not self.requests_only and self.offers_updates.get(body_id, True):
                try:
                    self.read_updates(session, server, body_id, result)
                    self.offers_updates[body_id] = True
                    return result
                except NotOfferedError:
                    session.rollback()
                    self.offers_updates[body_id] = False
            self.check_requests(session, server, body_id, result, deadline)
        except (RemoteError, crypto.ApiKeyUnreadableError) as exc:
            session.rollback()
            result.error = str(exc)
        except Exception as exc:  # Any failure is this body's round's only.
            session.rollback()
            # Its class only: an unexpected error's words might quote what it was handling.
            result.error = f"unexpected {type(exc).__name__}"
        return result

    def resolve_tokens(
        self, session: Session, server: Open311Server, body_id: int, deadline: float
    ) -> None:
        """The ids of the requests the remote created later than it answered (tokens), for
        the tickets the body still holds."""
        waiting = self._held(
            session,
            body_id,
            ReportDelivery.remote_token,
            ReportDelivery.remote_id.is_(None),
            ReportDelivery.remote_token.is_not(None),
        )
        for delivery_id, token in waiting:
            if self.clock() > deadline:
                return
            try:
                items = server.get_list(f"tokens/{urllib.parse.quote(token or '', safe='')}")
            except NotOfferedError:
                items = []
            found = next((clean(i.get("service_request_id"), MAX_ID) for i in items), None)
            delivery = session.get_one(
                ReportDelivery, delivery_id, with_for_update=True, populate_existing=True
            )
            # An id another delivery of the body already has is the remote's mistake: left.
            unresolved = found is not None and delivery.remote_id is None
            if unresolved and _delivery(session, body_id, found or "") is None:
                delivery.remote_id = found
            delivery.remote_checked_at = self.now()
            session.commit()

    def _start(self, session: Session, config: BodyOpen311, body_id: int) -> dt.datetime | None:
        if config.updates_cursor is not None:
            return config.updates_cursor
        first = session.scalar(
            select(ReportDelivery.sent_at)
            .where(ReportDelivery.body_id == body_id, ReportDelivery.sent_at.is_not(None))
            .order_by(ReportDelivery.sent_at)
            .limit(1)
        )
        return None if first is None else first - dt.timedelta(minutes=1)

    def read_updates(
        self, session: Session, server: Open311Server, body_id: int, result: BodyPull
    ) -> None:
        """Up to `batch` updates since the cursor, oldest first; the cursor follows them.

        The cursor is read again inclusively (several updates may share its second); those
        already read at exactly its time are skipped, by their ids.
        """
        result.path = "servicerequestupdates"
        config = session.get_one(BodyOpen311, body_id)
        since = self._start(session, config, body_id)
        seen = set(config.updates_cursor_ids or []) if config.updates_cursor else set()
        session.rollback()  # No lock held while the remote answers.
        if since is None:
            return  # Nothing was ever delivered: nothing to hear about.
        now = self.now()
        # Never after now (a cursor is never moved beyond it): the window's sums stay in range.
        start = min(_second(since), _second(now))
        # Times are sent to the second: rounded up, the window's end takes in this second too.
        end = min(start + WINDOW, now.replace(microsecond=0) + dt.timedelta(seconds=1))
        size = min(self.batch + len(seen), MAX_PAGE_SIZE)
        params = {"start_date": _utc(start), "end_date": _utc(end), "page_size": str(size)}
        read = map(_update_from, server.get_list("servicerequestupdates", params))
        timed = [u for u in read if u is not None and u.at is not None]
        result.future = sum(1 for u in timed if _at(u) > now + AHEAD)
        timed = sorted((u for u in timed if _at(u) <= now + AHEAD), key=_at)
        fresh = [u for u in timed if not (_second(_at(u)) == start and _key(u) in seen)]
        fresh = fresh[: self.batch]
        result.read = len(fresh)
        for update in fresh:
            config = session.get_one(BodyOpen311, body_id, with_for_update=True)
            delivery = _delivery(session, body_id, update.remote_id)
            if delivery is not None:
                result.applied.append(apply_remote_update(session, delivery, update, now))
            _advance(config, update)
            session.commit()
        if len(fresh) < self.batch and end < now - dt.timedelta(days=1):
            # A window long past, read to its end: the next round starts where it ended.
            config = session.get_one(BodyOpen311, body_id, with_for_update=True)
            if config.updates_cursor is None or config.updates_cursor < end:
                config.updates_cursor, config.updates_cursor_ids = end, []
            session.commit()

    def _held(
        self,
        session: Session,
        body_id: int,
        column: Mapped[str | None],
        *where: ColumnElement[bool],
    ) -> list[tuple[int, str | None]]:
        """(delivery id, `column`) of up to `batch` sent deliveries of tickets the body still
        holds (one transferred away is not asked about: the body's system no longer moves it)
        that meet `where`, checked longest ago first."""
        rows = session.execute(
            select(ReportDelivery.id, column)
            .join(Report, _HELD)
            .where(ReportDelivery.body_id == body_id, ReportDelivery.sent_at.is_not(None))
            .where(*where)
            .order_by(ReportDelivery.remote_checked_at.asc().nulls_first(), ReportDelivery.id)
            .limit(self.batch)
        ).all()
        session.rollback()  # No transaction left open while the remote answers.
        return [(row[0], row[1]) for row in rows]

    def check_requests(
        self,
        session: Session,
        server: Open311Server,
        body_id: int,
        result: BodyPull,
        deadline: float,
    ) -> None:
        """GET requests/{id} for up to `batch` open tickets, those checked longest ago first,
        until the body's time budget is spent; each applied under the delivery's lock (two
        workers never apply one answer twice)."""
        result.path = "requests"
        still_open = Report.status.in_([s.value for s in OPEN_STATUSES])
        checked = ReportDelivery.remote_id.is_not(None), still_open
        for delivery_id, remote_id in self._held(
            session, body_id, ReportDelivery.remote_id, *checked
        ):
            if self.clock() > deadline:
                result.out_of_time = True
                return
            try:
                items = server.get_list(f"requests/{urllib.parse.quote(remote_id or '', safe='')}")
            except NotOfferedError:
                items = []
            found = [r for r in map(_request_from, items) if r and r.remote_id == remote_id]
            result.read += 1
            delivery = session.get_one(
                ReportDelivery, delivery_id, with_for_update=True, populate_existing=True
            )
            if found:
                outcome = apply_remote_update(session, delivery, found[0], self.now())
                result.applied.append(outcome)
            delivery.remote_checked_at = self.now()
            session.commit()


@dataclass
class PullSchedule:
    """The pull run by the worker's loop every `every_s` seconds (DELIVERY_PULL_INTERVAL_S)."""

    pull: StatusPull
    every_s: float
    clock: Callable[[], float] = time.monotonic
    next_at: float | None = None

    def run_if_due(
        self, engine: Engine, stopping: Callable[[], bool] | None = None
    ) -> list[BodyPull]:
        now = self.clock()
        if self.next_at is not None and now < self.next_at:
            return []
        self.next_at = now + self.every_s
        return self.pull.run(engine, stopping)


# Outcomes that change nothing: a round made only of these says nothing.
QUIET = frozenset({"already applied", "unchanged"})


def log_lines(results: list[BodyPull]) -> Iterator[tuple[str, bool]]:
    """The worker's lines about a round, each with whether it is an error: bodies only, with
    what was read and changed (nothing when nothing was); never the key nor a resident's data."""
    for done in results:
        if done.error is not None:
            yield f"status pull of {done.body_code} failed, cursor kept: {done.error}", True
            continue
        if done.future:
            yield (
                f"status pull of {done.body_code}: {done.future} update(s) dated beyond "
                "tomorrow ignored",
                True,
            )
        if done.out_of_time:
            yield (
                f"status pull of {done.body_code} stopped at its time budget, resumed next round",
                False,
            )
        changed = [outcome for outcome in done.applied if outcome not in QUIET]
        if changed:
            line = (
                f"status pull of {done.body_code} ({done.path}): {done.read} read, "
                f"{len(changed)} changed ({', '.join(changed)})"
            )
            yield line, False
