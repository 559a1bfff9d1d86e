"""The reply parser's cost (found by an outside test of the running app): "Op .+ schreef .+:",
the Dutch mail programs' "Op … schreef …:" line, was tried every way two .+ can share a line,
so a line of " schreef" repeated took time in its square: 3 s for 128 kB, minutes of CPU for
a message of INBOUND_EMAIL_MAX_BYTES (1 MB). Every line is now matched in time linear in its
length; the guard below is a generous alarm (about ten times what a slow machine needs), not
a measure of speed.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from app.delivery.inbound import reply_text

MB = 1_000_000
GUARD_S = 10


@contextmanager
def alarm(seconds: int) -> Iterator[None]:
    """TimeoutError if the block runs longer than `seconds` (the regex engine checks signals)."""

    def ring(signum, frame):
        raise TimeoutError(f"over {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def repeated(head: str, unit: str, tail: str = "") -> str:
    """A line of about 1 MB: `head`, then `unit` as often as it fits, then `tail`."""
    return head + unit * (MB // len(unit)) + tail


ADVERSARIAL = {
    "Op … schreef": repeated("Op ", " schreef"),
    "Am … schrieb": repeated("Am ", " schrieb"),
    "On … wrote": repeated("On ", " wrote"),
    "Le … a écrit": repeated("Le ", " a écrit"),
    "schreef, then no colon": repeated("Op x schreef", " schreef x"),
    "wrapped on two lines": repeated("Op ", " schreef", "\n") + repeated("", " schreef"),
    "dashes": repeated("", "-"),
    "dashes and spaces": repeated("--", " ", "x"),
    "From": repeated("From", " "),
    "many short lines": repeated("", "Op a schreef b\n"),
}


@pytest.mark.parametrize("body", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_a_megabyte_built_to_make_the_parser_backtrack_is_read_in_linear_time(body):
    with alarm(GUARD_S):
        note = reply_text(body)
    assert len(note) <= 4000


@pytest.mark.parametrize(
    "line",
    [
        "Op ma 7 dec. 2026 om 10:00 schreef Pavé <p@x.be>:",
        "Op ma 7 dec. 2026 schreef de dienst schreef Pavé <p@x.be>:",
        "op ma 7 dec. 2026 om 10:00 SCHREEF Pavé <p@x.be>:",
        "Am Mo., 7. Dez. 2026 um 10:00 schrieb Pavé <p@x.be>:",
    ],
)
def test_the_dutch_and_german_lines_still_start_the_quote(line):
    assert reply_text(f"Komt in orde.\n{line}\n> x") == "Komt in orde."


@pytest.mark.parametrize(
    "line",
    [
        "Op ma schreef:",  # nothing after "schreef"
        "Op schreef x:",  # nothing before it
        "Op ma schreef Pavé",  # no colon at the end
        "Am Montag schreibt er:",
    ],
)
def test_lines_that_are_not_the_quotes_start_are_kept(line):
    assert reply_text(f"Komt in orde.\n{line}") == f"Komt in orde.\n{line}"
