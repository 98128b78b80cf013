"""A real SMTP server for the tests (aiosmtpd on a free local port) that keeps what it receives.

>>> # used as: with smtp_server() as box: settings = box.settings(url); ...; box.messages
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import re
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


class _Handler:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.box.refuse:
            return "451 try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.box.messages.append(message)
        return "250 OK"


@dataclass
class Mailbox:
    """What the test server received; ``refuse`` makes it answer 451 to every message."""

    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    refuse: bool = False

    def to(self, address: str) -> list[EmailMessage]:
        """The messages sent to ``address``."""
        return [m for m in self.messages if m["To"] == address]

    @staticmethod
    def body(message: EmailMessage) -> str:
        part = message.get_body(("plain",))
        assert part is not None
        return str(part.get_content())

    def link(self, address: str, path: str) -> str:
        """The path of the last link to ``/<path>/...`` mailed to ``address``."""
        bodies = [self.body(m) for m in self.to(address)]
        for text in reversed(bodies):
            found = re.findall(rf"https?://[^\s/]+(/{path}/[A-Za-z0-9_\-]+)", text)
            if found:
                return str(found[-1])
        raise AssertionError(f"no /{path}/ link mailed to {address}: {bodies}")

    def wait(self, count: int, timeout: float = 10.0) -> None:
        """Wait until ``count`` messages arrived."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.messages)} of {count} e-mails arrived")
            time.sleep(0.05)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def smtp_server() -> Iterator[Mailbox]:
    """An SMTP server on 127.0.0.1 (plain: a local relay) for the block."""
    box = Mailbox("127.0.0.1", _free_port())
    controller = Controller(_Handler(box), hostname=box.host, port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


def mail_settings(box: Mailbox) -> dict[str, object]:
    """Settings overrides that send through ``box``."""
    return {
        "smtp_host": box.host,
        "smtp_port": box.port,
        "smtp_security": "none",
        "mail_from": "gobetween <noreply@test.example>",
        "public_url": "https://talks.example.org",
    }
