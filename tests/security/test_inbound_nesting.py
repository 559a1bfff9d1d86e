"""`flask notify inbound` and a stranger's deeply nested message (found by the attack pass of
issue 16): a 140 kB message of 2,000 nested multiparts made the email parser raise
RecursionError (a traceback and exit status 1, which no MTA reads as sysexits.h). It is
refused with EX_DATAERR (65), as every other message we do not take, before it is parsed.
"""

from __future__ import annotations

from app.delivery.body_email import InboundAddresses
from app.delivery.inbound import EX_DATAERR, EX_NOPERM, receive


def nested(depth: int) -> bytes:
    head = "From: someone@elsewhere.example\r\nTo: nobody@elsewhere.example\r\n"
    head += "Subject: hi\r\nMIME-Version: 1.0\r\n"
    opening = "".join(
        f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(depth)
    )
    closing = "".join(f"--b{i}--\r\n" for i in reversed(range(depth)))
    return (head + opening + "Content-Type: text/plain\r\n\r\nhello\r\n" + closing).encode()


def test_a_deeply_nested_message_from_a_stranger_is_refused_not_a_crash():
    inbound = InboundAddresses.from_settings("replies.pave.example.be", "secret")
    assert inbound is not None
    data = nested(2000)
    assert len(data) < 1_000_000  # under INBOUND_EMAIL_MAX_BYTES' default
    outcome = receive(None, data, inbound, max_bytes=1_000_000)  # type: ignore[arg-type]
    assert outcome.status == EX_DATAERR
    assert "multipart" in outcome.said


def test_a_few_nested_multiparts_are_still_read():
    inbound = InboundAddresses.from_settings("replies.pave.example.be", "secret")
    assert inbound is not None
    outcome = receive(None, nested(5), inbound, max_bytes=1_000_000)  # type: ignore[arg-type]
    assert outcome.status == EX_NOPERM  # Parsed, and refused for its address only.
