"""Fixtures of the mail tests: a certificate authority and a running SMTP server."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from tests.mail.smtp_server import PASSWORD, SmtpServer, free_port


@pytest.fixture(scope="session")
def certificate_authority(tmp_path_factory: pytest.TempPathFactory) -> tuple[trustme.CA, Path]:
    """A throwaway CA; clients trust it through SSL_CERT_FILE, as a district's own CA would be."""
    ca = trustme.CA()
    pem = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(pem))
    return ca, pem


@pytest.fixture
def smtp(
    certificate_authority: tuple[trustme.CA, Path], monkeypatch: pytest.MonkeyPatch
) -> Iterator[SmtpServer]:
    """A running server; the environment trusts its certificate and holds the password."""
    ca, pem = certificate_authority
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    monkeypatch.setenv("SSL_CERT_FILE", str(pem))
    monkeypatch.setenv("POLTERM_SMTP_PASSWORD", PASSWORD)
    server = SmtpServer(free_port(), context)
    server.start()
    yield server
    server.stop()
