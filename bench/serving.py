"""A server the benchmarks start: on a free loopback port, waited for, always stopped."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(
    command: list[str],
    port: int,
    env: dict[str, str],
    *,
    probe: str = "/",
    wait: float = 30,
    cwd: Path | None = None,
) -> Iterator[str]:
    """Run `command`, serving on `port`, until `probe` answers (at most `wait` seconds);
    yields its base URL and stops it at the end (terminated, killed after 15 s)."""
    proc = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                httpx.get(base + probe, timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"did not start: {' '.join(command)}") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
