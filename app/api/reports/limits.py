"""Limits on new reports, in the login counters' shared store (app/accounts/login_throttle).

Only new reports count: intake asks once it knows the request is not the replay of an earlier
one (the same Idempotency-Key), so a phone retrying a lost answer is never counted twice.
- Per client (REPORT_CLIENT_RATE_LIMIT, the address after ProxyFix when PROXY_COUNT is set, as
  the follow limit takes it): past it, 429 with Retry-After and nothing created; the app
  keeps the report and sends it again then. Not for Open311's POST requests: those come with
  the api_key of a staff account (revocable), often from another system forwarding a whole
  commune's tickets (app/delivery/sender.py), which a limit at the scale of one resident
  would hold back for hours; nginx's own limit still holds.
- Per mailbox given as the reporter's (REPORT_EMAIL_RATE_LIMIT): past it, the report is still
  accepted, without its acknowledgement email, and the answer says so; nobody can flood an
  inbox with "we received your report". The emails of the report's later steps are not
  counted: only staff's changes send those, one per change.
In PostgreSQL, both count in the report's own transaction: one commit for all, and a report
that fails or is refused counts for nothing. With Redis out of reach, a report is still
accepted (nginx's own limit still holds) but no acknowledgement is sent: never counted in one
process's memory instead.
"""

from __future__ import annotations

from flask import current_app, request
from sqlalchemy.orm import Session

from app.accounts.errors import TooManyAttemptsError
from app.accounts.login_throttle import PostgresStore, ThrottleUnavailableError
from app.api.auth.ratelimit import digest, rule, store
from app.api.follow.limits import mailbox
from app.problems import msg
from app.web import db_session


class ReportLimits:
    """The limits of one request's new report (app.reports.intake.IntakeLimits)."""

    def __init__(self, client: str | None, session: Session):
        # None: reports are not counted per client.
        self.client = client
        # The report's session: PostgreSQL's counts go in its transaction.
        self.session = session

    @classmethod
    def of_request(cls, *, per_client: bool = True) -> ReportLimits:
        client = (request.remote_addr or "unknown") if per_client else None
        return cls(client, db_session())

    def _attempt(self, key: str, setting: str) -> int:
        """Count on the counter `key` under the limit `setting`; the seconds to wait, or 0."""
        found, limit = store(), rule(setting)
        if isinstance(found, PostgresStore):
            return found.count_in(self.session, key, limit)
        return found.attempt({key: limit})

    def count_report(self) -> None:
        """Count a new report from this client; TooManyAttemptsError past the limit."""
        if self.client is None:
            return
        try:
            wait = self._attempt(f"report-client:{digest(self.client)}", "REPORT_CLIENT_RATE_LIMIT")
        except ThrottleUnavailableError as exc:
            current_app.logger.error("reports: client counter unreachable (%s)", exc.__cause__)
            return
        if wait:
            current_app.logger.info("new reports: limit reached, %s s to wait", wait)
            raise TooManyAttemptsError(msg("report.too-many", seconds=wait), retry_after=wait)

    def acknowledge(self, email: str) -> bool:
        """Count an acknowledgement email to `email`; False past the limit: send none."""
        key = f"report-email:{digest(mailbox(email))}"
        try:
            wait = self._attempt(key, "REPORT_EMAIL_RATE_LIMIT")
        except ThrottleUnavailableError as exc:
            current_app.logger.error("reports: email counter unreachable (%s)", exc.__cause__)
            return False
        if wait:
            current_app.logger.info("acknowledgements: limit reached, %s s to wait", wait)
        return not wait
