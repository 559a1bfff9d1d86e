"""A real SMTP server (aiosmtpd) on a local port, keeping what it receives, for the tests."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default

from aiosmtpd.controller import Controller

from tests.helpers.servers import free_port


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts, and the envelope sender of
    each (`senders`, the Return-Path). It answers RCPT for an address of `refuse` with the
    answer given there ("550 5.1.1 ...", or a 4xx), as a mail server that knows no such
    mailbox does."""

    def __init__(self, refuse: dict[str, str] | None = None):
        self.messages = []
        self.senders = []
        self.refuse = refuse or {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=default))
        self.senders.append(envelope.mail_from)
        return "250 Message accepted for delivery"


class SmtpServer:
    """A real SMTP server on a fixed local port that a test can stop and start again."""

    def __init__(self, handler):
        self.handler = handler
        self.port = free_port()
        self.controller = None

    def start(self):
        # A stopped aiosmtpd Controller has closed its event loop: start a new one each time.
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return self.handler.messages
