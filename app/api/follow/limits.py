"""Limits on follow requests, in the login counters' shared store (app/accounts/login_throttle).

Every request counts, whatever it leads to: per address asked for (FOLLOW_ADDRESS_RATE_LIMIT),
so that nobody floods one inbox with confirmation emails, one per open report; and per client
(FOLLOW_CLIENT_RATE_LIMIT, the address after ProxyFix when PROXY_COUNT is set), so that one
client cannot send them to many inboxes. Past either, 429 with Retry-After, whether the address
follows the report or not: the limit tells nothing about the followers.
"""

from __future__ import annotations

from flask import current_app, request

from app.accounts.errors import TooManyAttemptsError
from app.accounts.login_throttle import ThrottleUnavailableError
from app.api.auth.ratelimit import digest, rule, store
from app.follow.errors import CommentLimitsUnavailableError, FollowLimitsUnavailableError


def mailbox(email: str) -> str:
    """The mailbox an address reaches, as far as the limit is concerned: `name+tag@domain`
    (subaddressing, which most providers offer) is `name@domain`, in lower case."""
    local, _, domain = email.strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0] or local}@{domain}"


def _count(counters: dict, what: str, too_many: str) -> None:
    """Count one attempt on each of `counters`; TooManyAttemptsError past any of them.

    Never counted in one process's memory instead: with the store unreachable, `what` is
    refused until it is back.
    """
    try:
        wait = store().attempt(counters)
    except ThrottleUnavailableError as exc:
        unavailable = (
            CommentLimitsUnavailableError if what == "comment" else FollowLimitsUnavailableError
        )
        raise unavailable() from exc.__cause__
    if wait:
        current_app.logger.info("%ss: limit reached, %s s to wait", what, wait)
        raise TooManyAttemptsError(f"{too_many}; try again in {wait} seconds.", retry_after=wait)


def check_follow_request(email: str) -> None:
    """Count a follow request for `email` from this client; TooManyAttemptsError past a limit."""
    client = request.remote_addr or "unknown"
    counters = {
        f"follow-address:{digest(mailbox(email))}": rule("FOLLOW_ADDRESS_RATE_LIMIT"),
        f"follow-client:{digest(client)}": rule("FOLLOW_CLIENT_RATE_LIMIT"),
    }
    _count(
        counters, "follow request", "Too many follow requests for this address or from this client"
    )


def check_comment(report_id, email: str) -> None:
    """Count a resident's comment on a report; TooManyAttemptsError past the limit.

    Per person and report (FOLLOW_COMMENT_RATE_LIMIT), whichever of their links they use
    (each email brings a new one): staff read every comment, so one confirmed address must
    not bury a ticket's real news under its own.
    """
    key = f"follow-comment:{digest(str(report_id), mailbox(email))}"
    _count(
        {key: rule("FOLLOW_COMMENT_RATE_LIMIT")},
        "comment",
        "Too many comments on this report from this address",
    )
