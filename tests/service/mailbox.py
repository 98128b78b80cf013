"""A real SMTP server for the tests (aiosmtpd on a free local port) that keeps what it receives:
``with smtp_server() as box:`` then settings from :func:`mail_settings` and ``box.messages``."""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import ipaddress
import re
import socket
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


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
    ca_file: str = ""

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


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, written to ``folder`` (PEM)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@contextlib.contextmanager
def smtp_server(tls_folder: Path | None = None) -> Iterator[Mailbox]:
    """An SMTP server on 127.0.0.1 for the block: plain (a local relay), or, given a folder
    for its certificate, one that requires STARTTLS (``box.ca_file`` is the certificate)."""
    box = Mailbox("127.0.0.1", _free_port())
    extra: dict[str, Any] = {}
    if tls_folder is not None:
        cert, key = self_signed(tls_folder)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        extra = {"tls_context": context, "require_starttls": True}
        box.ca_file = str(cert)
    controller = Controller(_Handler(box), hostname=box.host, port=box.port, **extra)
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
