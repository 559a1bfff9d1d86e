"""Staff tickets benchmark: a commune with 100,000 tickets, its list and its map, beside plain SQL.

`python -m bench.tickets` prints a Markdown table. A throwaway database gets 100,000 tickets
in Bruxelles (21004) and 50,000 in the other communes of the Brussels region, made by the
open-data generator (app/opendata/generate.py: two years of reports, realistic categories,
priorities and statuses for their age, seed 42). A crew member of Bruxelles
then asks, through the Flask test client (the whole app: session, scope, schemas, JSON), for

- the filtered list: open statuses, one category, the last 365 days, newest first, 50 rows;
- the map: a bbox holding several thousand of the commune's tickets, so 1,000 features.

Each is measured beside the plain SQL query that returns the same rows through the same
driver, the floor any implementation pays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import URL, create_engine, text
from sqlalchemy.orm import Session

from app.opendata.generate import insert_reports
from bench.db import create_database, drop_database, log
from bench.timing import timed

TICKETS_IN_COMMUNE = 100_000
TICKETS_AROUND = 50_000
ROUNDS = 300
WARMUP = 30
PASSWORD = "benchmark password that is long"
LIST_QUERY = {
    "status": "new,acknowledged,planned,in_progress",
    "category": "pothole",
    "max_age_days": "365",
    "sort": "-created_at",
    "limit": "50",
}
# The heart of Bruxelles: several thousand of its tickets, so the map is full at 1,000.
MAP_BBOX = (4.340, 50.835, 4.370, 50.855)

# The plain SQL of the same rows: the floor under the app's own query. The list and the map
# read the same columns and joins, of the crew's body only. The map's bbox test is the app's:
# for points, the same as ST_Intersects with the envelope, at a fraction of its cost.
BASELINE_ROWS = """
    SELECT r.id, r.status, r.priority, r.version, r.created_at, r.updated_at,
           r.assignee_user_id, left(r.description, 200), ST_Y(r.location), ST_X(r.location),
           c.code, c.name_fr, m.nis_code, m.name_fr, b.code, b.name_fr
    FROM reports r
    JOIN categories c ON c.id = r.category_id
    JOIN communes m ON m.id = r.commune_id
    JOIN bodies b ON b.id = r.body_id
    WHERE r.body_id = :body_id"""
BASELINE_LIST_SQL = text(
    BASELINE_ROWS
    + """
      AND r.status IN ('new', 'acknowledged', 'planned', 'in_progress')
      AND c.code = 'pothole' AND r.created_at >= now() - interval '365 days'
    ORDER BY r.created_at DESC, r.id DESC
    LIMIT 51
    """
)
BASELINE_MAP_SQL = text(
    BASELINE_ROWS
    + """
      AND r.location && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)
      AND ST_X(r.location) BETWEEN :minx AND :maxx AND ST_Y(r.location) BETWEEN :miny AND :maxy
    ORDER BY r.created_at DESC, r.id DESC
    LIMIT 1000
    """
)


@dataclass(frozen=True)
class Timing:
    p50_ms: float
    p95_ms: float
    rows: int


def _measure(call: Callable[[], int]) -> Timing:
    return Timing(*timed(call, ROUNDS, WARMUP))


def _seed(url: URL) -> tuple[int, str]:
    """Generate the tickets and a crew member of Bruxelles; returns (body id, email)."""
    from app.accounts.models import Role
    from app.accounts.services import Grant, create_user

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            around = conn.execute(
                text(
                    "SELECT array_agg(nis_code) FROM communes "
                    "WHERE region_code = '04000' AND nis_code <> '21004'"
                )
            ).scalar_one()
            counts = {"21004": TICKETS_IN_COMMUNE}
            counts |= {nis: TICKETS_AROUND // len(around) for nis in around}
            end = dt.datetime.now(dt.UTC)
            insert_reports(conn, counts, seed=42, start=end - dt.timedelta(days=730), end=end)
        with Session(engine) as session, session.begin():
            body_id = session.execute(
                text("SELECT id FROM bodies WHERE code = 'commune-21004'")
            ).scalar_one()
            email = "crew@bruxelles.example"
            create_user(session, email, PASSWORD, "Crew", (Grant(Role.CREW_MEMBER, body_id),))
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    finally:
        engine.dispose()
    return body_id, email


def measure(url: URL) -> dict[str, tuple[Timing, Timing]]:
    from app.web import create_app

    body_id, email = _seed(url)
    app = create_app(
        {"DATABASE_URL": url.render_as_string(hide_password=False), "SESSION_COOKIE_SECURE": False}
    )
    client = app.test_client()
    login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.get_json()
    bbox = ",".join(str(v) for v in MAP_BBOX)

    def api_list() -> int:
        response = client.get("/api/v1/staff/tickets", query_string=LIST_QUERY)
        assert response.status_code == 200, response.get_json()
        return len(response.get_json()["items"])

    def api_map() -> int:
        response = client.get("/api/v1/staff/tickets/map", query_string={"bbox": bbox})
        assert response.status_code == 200, response.get_json()
        return len(response.get_json()["features"])

    engine = create_engine(url)
    minx, miny, maxx, maxy = MAP_BBOX
    try:
        with engine.connect() as conn:

            def sql_list() -> int:
                return len(conn.execute(BASELINE_LIST_SQL, {"body_id": body_id}).all())

            def sql_map() -> int:
                params = {"body_id": body_id, "minx": minx, "miny": miny}
                params |= {"maxx": maxx, "maxy": maxy}
                return len(conn.execute(BASELINE_MAP_SQL, params).all())

            log("tickets: filtered list")
            results = {"list": (_measure(api_list), _measure(sql_list))}
            log("tickets: map")
            results["map"] = (_measure(api_map), _measure(sql_map))
    finally:
        engine.dispose()
    return results


def table(results: dict[str, tuple[Timing, Timing]]) -> str:
    labels = {
        "list": ("Filtered ticket list (50 rows)", 50),
        "map": ("Map, bbox, 1,000 features", 100),
    }
    lines = [
        f"| Staff tickets, {TICKETS_IN_COMMUNE:,} in the commune "
        f"(+{TICKETS_AROUND:,} around) | rows | p50 | **p95** | goal | plain SQL p50 / p95 |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, (api, sql) in results.items():
        label, goal = labels[key]
        verdict = "met" if api.p95_ms < goal else "missed"
        lines.append(
            f"| {label} | {api.rows:,} | {api.p50_ms:.1f} ms | **{api.p95_ms:.1f} ms** | "
            f"< {goal} ms ({verdict}) | {sql.p50_ms:.1f} / {sql.p95_ms:.1f} ms |"
        )
    return "\n".join(lines)


def run() -> str:
    """Build the database, measure, drop it; the Markdown table of the results."""
    url = create_database("tickets")
    try:
        return table(measure(url))
    finally:
        drop_database(url)


if __name__ == "__main__":
    print(run())
