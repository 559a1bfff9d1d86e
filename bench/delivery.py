"""Delivery benchmark (issue 16): Pavé A sends to Pavé B's Open311 server, through a proxy.

`python -m bench.delivery` prints a Markdown table. Two whole instances (tests/helpers/
instances.py: each its own throwaway database, B's server in a process of its own), A's
Bruxelles connected to B's through the fault proxy of the tests (tests/helpers/faulty_proxy.py).

- **End-to-end time**: `--reports` reports filed on A through its API, one after another at
  random moments, while A's worker runs as deployed (`flask --app app worker`, its default
  poll interval unless `--interval`); each is timed from A's 201 to its ticket's row on B.
- **Throughput**: `--queued` reports queued on A at once (made in-process), then one
  worker's drain, timed: deliveries per second.
- **Faults**: `--fault-reports` reports sent while the proxy loses one answer in four and B
  is stopped for a while; drained (backoff skipped) until nothing is due; then one send
  whose worker is killed (-9) with B's answer held, and a new worker. Lost = deliveries on A
  without a remote id; duplicated = B's tickets beyond one per report, counted with SQL.
"""

from __future__ import annotations

import argparse
import random
import signal
import statistics
import time
import uuid

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.reports.intake import IntakeSettings, submit_report
from app.reports.services import NewReport
from tests.factories import GRAND_PLACE
from tests.helpers.delivery import (
    connect_body,
    file_report,
    send_due,
    worker_process,
)
from tests.helpers.faulty_proxy import FaultyProxy
from tests.helpers.instances import pave_instance

BODY = "commune-21004"
# `flask worker`'s default --interval.
DEFAULT_INTERVAL_S = 5.0
COUNT_SQL = text("SELECT count(*) FROM reports WHERE description LIKE :prefix")
PENDING_SQL = text("SELECT count(*) FROM report_deliveries WHERE sent_at IS NULL")
DUE_NOW_SQL = text("UPDATE report_deliveries SET next_attempt_at = now() WHERE sent_at IS NULL")


def _count(instance, prefix: str) -> int:
    with instance.engine.connect() as db:
        return db.execute(COUNT_SQL, {"prefix": f"{prefix}%"}).scalar_one()


def _wait_for(instance, description: str, timeout: float = 60.0) -> float:
    deadline = time.monotonic() + timeout
    while _count(instance, description) == 0:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{description!r} never reached B")
        time.sleep(0.02)
    return time.monotonic()


def end_to_end(a, b, reports: int, interval: float | None) -> list[float]:
    worker = worker_process(a, interval=interval)
    times = []
    try:
        for n in range(reports):
            # At a random moment of the worker's poll, not just after its last turn.
            time.sleep(random.uniform(0, interval or DEFAULT_INTERVAL_S))
            description = f"bench-e2e-{n}-{uuid.uuid4().hex[:6]}"
            start = time.monotonic()
            file_report(a, description, photo=False)
            times.append(_wait_for(b, description) - start)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    return times


def throughput(a, b, queued: int) -> tuple[float, int]:
    settings = IntakeSettings.from_config(a.app.config)
    with Session(a.engine) as session:
        for n in range(queued):
            new = NewReport("pothole", GRAND_PLACE[0], GRAND_PLACE[1], description=f"bench-q-{n}")
            submit_report(session, new, None, settings, reporter_language="fr")
    start = time.monotonic()
    result = send_due(a)
    elapsed = time.monotonic() - start
    return result.sent / elapsed, _count(b, "bench-q-")


def faults(a, b, proxy, reports: int) -> tuple[int, int, int]:
    ids = []
    for n in range(reports):
        ids.append(file_report(a, f"bench-fault-{n}-", photo=False))
        if n % 4 == 0:
            proxy.drop_answers(1)
        if n == reports // 2:
            b.server.stop()
        send_due(a)
        if n == reports // 2 + 3:
            b.server.start()
    if b.server.process is None:
        b.server.start()
    proxy.forward()
    for _ in range(20):
        with a.engine.begin() as db:
            if db.execute(PENDING_SQL).scalar_one() == 0:
                break
            db.execute(DUE_NOW_SQL)
        send_due(a)
    killed = _killed_worker(a, b, proxy)
    with a.engine.connect() as db:
        lost = db.execute(
            text("SELECT count(*) FROM report_deliveries WHERE remote_id IS NULL")
        ).scalar_one()
    duplicated = _count(b, "bench-fault-") - reports + _count(b, "bench-kill-") - killed
    return reports + killed, lost, duplicated


def _killed_worker(a, b, proxy) -> int:
    file_report(a, "bench-kill-0", photo=False)
    proxy.hold_answers()
    first = worker_process(a)
    try:
        _wait_for(b, "bench-kill-0")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        proxy.forward()
    second = worker_process(a)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with a.engine.connect() as db:
                if db.execute(PENDING_SQL).scalar_one() == 0:
                    break
            time.sleep(0.2)
    finally:
        second.terminate()
        second.wait(timeout=30)
    return 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=20)
    parser.add_argument("--interval", type=float, default=None, help="the worker's default")
    parser.add_argument("--queued", type=int, default=1000)
    parser.add_argument("--fault-reports", type=int, default=40)
    args = parser.parse_args()
    settings = {"DELIVERY_TIMEOUT_S": 3.0, "DELIVERY_LEASE_S": 4.0}
    with pave_instance("bench_b") as b, pave_instance("bench_a", **settings) as a:
        proxy = FaultyProxy(b.server.port)
        proxy.forward()
        codes = {"pothole": "pothole"}
        connect_body(a, BODY, f"{proxy.url}/open311/v2/", b.open311_key(BODY), codes)
        times = end_to_end(a, b, args.reports, args.interval)
        rate, arrived = throughput(a, b, args.queued)
        sent, lost, duplicated = faults(a, b, proxy, args.fault_reports)
        proxy.stop()
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
    print("| Delivery A → B (Open311, through the proxy) | |")
    print("| --- | ---: |")
    print(f"| end to end, p50 ({len(times)} reports) | {statistics.median(times):.2f} s |")
    print(f"| end to end, p95 | {p95:.2f} s |")
    print(f"| throughput, {args.queued} queued, one worker | {rate:.1f} /s ({arrived} on B) |")
    print(f"| fault runs: sent / lost / duplicated | {sent} / {lost} / {duplicated} |")


if __name__ == "__main__":
    main()
