"""factory_boy factories: reports made through the domain service, as a client would make them."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import factory
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.reports.models import Report
from app.reports.services import PUBLIC_API, NewReport, ReportKey, create_report
from app.reports.states import Status

# Known places: each lies well inside its commune (see ../shared/data/README.md).
GRAND_PLACE = (4.3525, 50.8467)  # Bruxelles, 21004
FLAGEY = (4.3717, 50.8275)  # Ixelles, 21009
NAMUR_CITADEL = (4.8620, 50.4594)  # Namur, 92094
LIEGE_SAINT_LAMBERT = (5.5736, 50.6451)  # Liège, 62063
# A sensitive report is public once its published hour is over (migration 0018): tests that
# read one publicly create it this long ago.
HOURS_AGO = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=2)

UPDATE_SQL = text(
    "UPDATE reports SET status = :status, created_at = coalesce(:created_at, created_at), "
    "updated_at = coalesce(:created_at, updated_at) WHERE id = :id"
)
HISTORY_SQL = text(
    "INSERT INTO report_status_changes (report_id, from_status, to_status, actor, note) "
    "VALUES (:id, :from_status, :to_status, 'factory', 'Set by a test factory')"
)


class ReportFactory(factory.Factory):
    """A report created by `create_report`, then given the status and age a test asks for.

    Bind it to a session first (the `report_factory` fixture does): the reports are made in
    the test's transaction and vanish with it.
    """

    _session: ClassVar[Session | None] = None

    class Meta:
        model = NewReport

    class Params:
        in_brussels = factory.Trait(lon=GRAND_PLACE[0], lat=GRAND_PLACE[1])
        in_ixelles = factory.Trait(lon=FLAGEY[0], lat=FLAGEY[1])
        in_namur = factory.Trait(lon=NAMUR_CITADEL[0], lat=NAMUR_CITADEL[1])
        in_liege = factory.Trait(lon=LIEGE_SAINT_LAMBERT[0], lat=LIEGE_SAINT_LAMBERT[1])
        closed = factory.Trait(status=Status.RESOLVED.value)
        with_reporter = factory.Trait(
            reporter_name=factory.Sequence(lambda n: f"Marie Peeters-{n}"),
            reporter_email=factory.Sequence(lambda n: f"reporter{n}@example.org"),
            reporter_phone=factory.Sequence(lambda n: f"+32 470 {n:02d} 00 00"),
        )

    # Not fields of NewReport: `_create` applies them around the domain service.
    status = Status.NEW.value
    created_at: dt.datetime | None = None
    idempotency_key: str | None = None

    category = "pothole"
    lon = GRAND_PLACE[0]
    lat = GRAND_PLACE[1]
    accuracy_m = 10.0
    description = factory.Sequence(lambda n: f"Problem number {n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if cls._session is None:
            raise RuntimeError("ReportFactory is not bound: use the report_factory fixture.")
        status = kwargs.pop("status")
        created_at = kwargs.pop("created_at")
        key = kwargs.pop("idempotency_key")
        new = model_class(*args, **kwargs)
        session = cls._session
        # A key as the native API keeps it, the way the resident app creates its reports.
        created = create_report(session, new, ReportKey.client(PUBLIC_API, key) if key else None)
        if status != Status.NEW.value or created_at is not None:
            params = {"id": created.report_id, "status": status, "created_at": created_at}
            session.execute(UPDATE_SQL, params)
        if status != Status.NEW.value:
            params = {"id": created.report_id, "from_status": "new", "to_status": status}
            session.execute(HISTORY_SQL, params)
        # Committing releases the session's savepoint, so the app's requests see the row.
        session.commit()
        query = select(Report).where(Report.id == created.report_id)
        return session.scalars(query.execution_options(populate_existing=True)).one()

    @classmethod
    def bind(cls, session: Session | None) -> None:
        cls._session = session
