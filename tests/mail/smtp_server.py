"""A real SMTP server for the mail tests: aiosmtpd on 127.0.0.1 with STARTTLS and AUTH."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from icalendar import Calendar

USER, PASSWORD = "polterm", "s3cret-for-tests"
FROM = "office@oak.example.org"


def free_port() -> int:
    """A port nobody listens on now (the controller cannot be started on port 0)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Mailbox:
    """What the server received, and the replies it is told to give next."""

    messages: list[EmailMessage] = field(default_factory=list)
    rcpt_replies: list[str] = field(default_factory=list)
    on_data: Callable[[EmailMessage], None] | None = None
    on_rcpt: Callable[[], None] | None = None
    delay: float = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.on_rcpt is not None:
            self.on_rcpt()
        if self.rcpt_replies:
            return self.rcpt_replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(msg)
        if self.on_data is not None:
            self.on_data(msg)
        return "250 Message accepted for delivery"

    def ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]

    def calendars(self) -> list[Calendar]:
        """Each message's text/calendar part, parsed with icalendar."""
        out = []
        for msg in self.messages:
            part = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
            out.append(Calendar.from_ical(part.get_content()))
        return out


def _authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok)


@dataclass
class SmtpServer:
    """A server that can be stopped (server down) and started again on the same port."""

    port: int
    tls: ssl.SSLContext
    mailbox: Mailbox = field(default_factory=Mailbox)
    controller: Controller | None = None
    implicit_tls: bool = False  # TLS from the first byte (port 465 style), not STARTTLS

    def start(self) -> None:
        tls = (
            {"ssl_context": self.tls, "auth_require_tls": False}  # aiosmtpd cannot tell it is TLS
            if self.implicit_tls
            else {"tls_context": self.tls, "require_starttls": True, "auth_require_tls": True}
        )
        self.controller = Controller(
            self.mailbox,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=_authenticate,
            auth_required=True,
            **tls,
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def configure(run, port: int, *extra: str) -> None:
    """`mail config` for the test server: STARTTLS, logged in."""
    result = run("mail", "config", "--host", "127.0.0.1", "--port", str(port),
                 "--security", "starttls", "--user", USER, "--from", FROM, *extra)  # fmt: skip
    assert result.code == 0, result.err
