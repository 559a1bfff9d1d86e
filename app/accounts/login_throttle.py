"""Failed-login counts that every process shares: PostgreSQL by default, Redis if configured.

Each login attempt names its counters (one per email and client address together, one per
client address) and asks `attempt` for all of them at once, atomically: if one of them is
holding logins back the attempt is refused with the seconds to wait, and nothing is counted;
otherwise each counter counts the attempt as a failure in advance, so that concurrent
attempts in several processes can never slip past the limit together. A login that did not
fail is then given back with `release`.

A counter with `backoff` (email and address together) lets `amount` failures through within
its window; then each further attempt must wait, twice as long each time (the window, two
windows, four... up to `max_wait`), and the count starts again only after a whole window
without an attempt once the wait has passed, or at a successful login. A stranger failing
logins against a colleague's email thus only slows themselves down: the colleague, from
another address, still logs in. A counter without backoff (the address alone, against
password spraying) holds logins back until its window, counted from its first failure, ends.

Both stores take the time from their server, so that every process agrees on it. If the
store cannot be reached, logins are refused (`ThrottleUnavailableError`): never counted in
one process's memory instead, where four workers would let four times as many through.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace

from sqlalchemy import Index, Integer, String, delete, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from app.db import Base
from app.errors import PaveError

# Stale counters deleted by each counted attempt, at most.
STALE_BATCH = 100

# `PostgresStore.count_in`: one statement counts an attempt on a counter without backoff,
# unless the counter holds attempts back (then it returns no row and counts nothing). A
# window over starts again at 1. It leaves blocked_until empty: such counters are read by it
# alone, never by `attempt`.
COUNT_SQL = text(
    """
    INSERT INTO login_throttle AS t (key, failures, window_start, expires_at)
    VALUES (:key, 1, clock_timestamp(), clock_timestamp() + make_interval(secs => :window))
    ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN t.expires_at <= clock_timestamp() THEN 1 ELSE t.failures + 1 END,
        window_start = CASE WHEN t.expires_at <= clock_timestamp()
                            THEN clock_timestamp() ELSE t.window_start END,
        expires_at = CASE WHEN t.expires_at <= clock_timestamp()
                          THEN clock_timestamp() + make_interval(secs => :window)
                          ELSE t.expires_at END
    WHERE t.expires_at <= clock_timestamp() OR t.failures < :amount
    RETURNING (xmax = 0) AS inserted
    """
)
WAIT_SQL = text(
    "SELECT ceil(extract(epoch FROM expires_at - clock_timestamp())) FROM login_throttle "
    "WHERE key = :key"
)


class ThrottleUnavailableError(PaveError):
    code = "login-throttle-unavailable"


class LoginThrottleRow(Base):
    """One counter of failed logins; the key is a hash, never the email itself."""

    __tablename__ = "login_throttle"
    __table_args__ = (Index("ix_login_throttle_expires_at", "expires_at"),)

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[dt.datetime]
    blocked_until: Mapped[dt.datetime | None]
    # When the counter is forgotten: rows past it are stale and deleted on the way.
    expires_at: Mapped[dt.datetime]


@dataclass(frozen=True)
class Rule:
    amount: int
    window: float  # seconds
    backoff: bool = False
    max_wait: float = 3600.0
    # A successful login forgets the counter (email and address) or only gives its count back.
    reset_on_success: bool = False


@dataclass(frozen=True)
class State:
    failures: int
    window_start: float  # seconds since the epoch, on the store's clock
    blocked_until: float | None = None

    def expires_at(self, rule: Rule) -> float:
        if self.failures >= rule.amount and rule.backoff and self.blocked_until is not None:
            return self.blocked_until + rule.window
        return self.window_start + rule.window


def wait_of(state: State | None, rule: Rule, now: float) -> int:
    """Seconds before this counter lets an attempt through (0: now)."""
    if state is None or now >= state.expires_at(rule) or state.blocked_until is None:
        return 0
    return max(0, math.ceil(state.blocked_until - now))


def counted(state: State | None, rule: Rule, now: float) -> State:
    """The counter once one more attempt is counted as a failure."""
    if state is None or now >= state.expires_at(rule):
        state = State(0, now)
    failures = state.failures + 1
    blocked = None
    if failures >= rule.amount:
        if rule.backoff:
            blocked = now + min(rule.max_wait, rule.window * 2 ** (failures - rule.amount))
        else:
            blocked = state.window_start + rule.window
    return State(failures, state.window_start, blocked)


def given_back(state: State | None, rule: Rule) -> State | None:
    """The counter once an attempt counted in advance turned out not to fail."""
    if state is None or rule.reset_on_success:
        return None
    failures = max(0, state.failures - 1)
    blocked = state.blocked_until if failures >= rule.amount else None
    return replace(state, failures=failures, blocked_until=blocked)


def _epoch(at: dt.datetime) -> float:
    return at.timestamp()


def _at(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


class PostgresStore:
    """Counters in the login_throttle table, each changed under its row lock."""

    def __init__(self, sessions: sessionmaker):
        self.sessions = sessions

    def _run(self, work):
        try:
            with self.sessions() as session, session.begin():
                return work(session)
        except SQLAlchemyError as exc:
            raise ThrottleUnavailableError(
                "The failed-login counter cannot be reached; logins are refused until it can."
            ) from exc

    @staticmethod
    def _locked(session: Session, keys: list[str]) -> tuple[float, dict[str, State]]:
        rows = (
            session.execute(
                select(LoginThrottleRow.__table__)
                .where(LoginThrottleRow.key.in_(keys))
                .order_by(LoginThrottleRow.key)
                .with_for_update()
            )
            .mappings()
            .all()
        )
        # The clock once the locks are held: read before, an attempt that queued behind the
        # one blocking the address would count its wait from before the block began (a
        # Retry-After of 61 on a 60-second window).
        now = _epoch(session.execute(text("SELECT clock_timestamp()")).scalar_one())
        states = {
            r["key"]: State(
                r["failures"],
                _epoch(r["window_start"]),
                _epoch(r["blocked_until"]) if r["blocked_until"] else None,
            )
            for r in rows
        }
        return now, states

    @staticmethod
    def _lock_new(session: Session, keys: list[str]) -> None:
        # A placeholder row for a new key, so that two first attempts queue on its lock.
        # In key order, like the locks below, so that two attempts never deadlock.
        for key in sorted(keys):
            session.execute(
                insert(LoginThrottleRow)
                .values(
                    key=key,
                    failures=0,
                    window_start=func.clock_timestamp(),
                    expires_at=func.clock_timestamp(),
                )
                .on_conflict_do_nothing(index_elements=["key"])
            )

    @staticmethod
    def _save(session: Session, key: str, state: State | None, rule: Rule) -> None:
        if state is None or state.failures == 0:
            session.execute(delete(LoginThrottleRow).where(LoginThrottleRow.key == key))
            return
        values = {
            "failures": state.failures,
            "window_start": _at(state.window_start),
            "blocked_until": _at(state.blocked_until) if state.blocked_until else None,
            "expires_at": _at(state.expires_at(rule)),
        }
        statement = insert(LoginThrottleRow).values(key=key, **values)
        session.execute(statement.on_conflict_do_update(index_elements=["key"], set_=values))

    def attempt(self, counters: dict[str, Rule]) -> int:
        def work(session: Session) -> int:
            keys = list(counters)
            self._lock_new(session, keys)
            now, states = self._locked(session, keys)
            wait = max(wait_of(states.get(k), rule, now) for k, rule in counters.items())
            if wait:
                # Placeholders of new keys must not linger: an empty counter is no counter.
                for key in keys:
                    if states.get(key) and states[key].failures == 0:
                        self._save(session, key, None, counters[key])
                return wait
            for key, rule in counters.items():
                self._save(session, key, counted(states.get(key), rule, now), rule)
            # Forget a few stale counters on the way (the index on expires_at finds them),
            # skipping any another attempt holds, so that two attempts never wait on each other.
            stale = (
                select(LoginThrottleRow.key)
                .where(
                    LoginThrottleRow.expires_at < func.clock_timestamp(),
                    LoginThrottleRow.key.not_in(keys),
                )
                .limit(STALE_BATCH)
                .with_for_update(skip_locked=True)
            )
            session.execute(delete(LoginThrottleRow).where(LoginThrottleRow.key.in_(stale)))
            return 0

        return self._run(work)

    @classmethod
    def count_in(cls, session: Session, key: str, rule: Rule) -> int:
        """`attempt` on one counter without backoff, in the caller's transaction: counted if
        and only if it commits, with no commit of its own, in one statement when the counter
        exists (a new report counts in the report's; the row stays locked until then)."""
        params = {"key": key, "window": rule.window, "amount": rule.amount}
        counted_row = session.execute(COUNT_SQL, params).one_or_none()
        if counted_row is None:
            wait = session.execute(WAIT_SQL, {"key": key}).scalar_one()
            return max(1, int(wait))
        if counted_row.inserted:
            # A new counter: forget as many stale ones, so that the table never grows.
            stale = (
                select(LoginThrottleRow.key)
                .where(LoginThrottleRow.expires_at < func.clock_timestamp())
                .limit(STALE_BATCH)
                .with_for_update(skip_locked=True)
            )
            session.execute(delete(LoginThrottleRow).where(LoginThrottleRow.key.in_(stale)))
        return 0

    def release(self, counters: dict[str, Rule]) -> None:
        def work(session: Session) -> None:
            _now, states = self._locked(session, list(counters))
            for key, rule in counters.items():
                if key in states:
                    self._save(session, key, given_back(states[key], rule), rule)

        self._run(work)


class RedisStore:
    """Counters as Redis hashes, changed in optimistic transactions (WATCH, MULTI, EXEC)."""

    def __init__(self, url: str, prefix: str = "pave:login:"):
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.prefix = prefix

    def _run(self, counters: dict[str, Rule], change):
        import redis

        names = {key: self.prefix + key for key in counters}
        try:
            with self.redis.pipeline() as pipe:
                while True:
                    try:
                        pipe.watch(*names.values())
                        seconds, micros = pipe.time()
                        now = seconds + micros / 1e6
                        states = {key: self._state(pipe.hgetall(n)) for key, n in names.items()}
                        pipe.multi()
                        result = change(pipe, names, states, now)
                        pipe.execute()
                        return result
                    except redis.WatchError:
                        continue
        except redis.RedisError as exc:
            raise ThrottleUnavailableError(
                "The failed-login counter (Redis) cannot be reached; logins are refused "
                "until it can."
            ) from exc

    @staticmethod
    def _state(raw: dict) -> State | None:
        if not raw:
            return None
        blocked = raw.get(b"blocked_until")
        return State(
            int(raw[b"failures"]),
            float(raw[b"window_start"]),
            float(blocked) if blocked else None,
        )

    @staticmethod
    def _save(pipe, name: str, state: State | None, rule: Rule, now: float) -> None:
        if state is None or state.failures == 0:
            pipe.delete(name)
            return
        pipe.delete(name)
        mapping = {"failures": state.failures, "window_start": repr(state.window_start)}
        if state.blocked_until is not None:
            mapping["blocked_until"] = repr(state.blocked_until)
        pipe.hset(name, mapping=mapping)
        pipe.pexpire(name, max(1, math.ceil((state.expires_at(rule) - now) * 1000)))

    def attempt(self, counters: dict[str, Rule]) -> int:
        def change(pipe, names, states, now):
            wait = max(wait_of(states[k], rule, now) for k, rule in counters.items())
            if wait:
                return wait
            for key, rule in counters.items():
                self._save(pipe, names[key], counted(states[key], rule, now), rule, now)
            return 0

        return self._run(counters, change)

    def release(self, counters: dict[str, Rule]) -> None:
        def change(pipe, names, states, now):
            for key, rule in counters.items():
                if states[key] is not None:
                    self._save(pipe, names[key], given_back(states[key], rule), rule, now)

        self._run(counters, change)
