"""The district's SMTP settings; the password comes from the environment or an IT-only file."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from polterm.errors import PoltermError
from polterm.services.refs import optional_text
from polterm.services.session import Session
from polterm.services.validate import choice

SECURITY = ("none", "starttls", "ssl")
PASSWORD_ENV = "POLTERM_SMTP_PASSWORD"
DEFAULT_REMINDER_HOURS = 24


@dataclass(frozen=True)
class MailSettings:
    """Where and how `mail send` reaches the district's SMTP server."""

    host: str
    port: int
    security: str
    username: str | None
    password_file: str | None
    from_address: str
    reminder_hours: int

    def password(self) -> str | None:
        """`$POLTERM_SMTP_PASSWORD`, else the password file's first line; None without a user."""
        if self.username is None:
            return None
        env = os.environ.get(PASSWORD_ENV)
        if env:
            return env
        if self.password_file is None:
            raise PoltermError(
                f"SMTP user {self.username!r} needs a password: set ${PASSWORD_ENV} "
                "or `mail config --password-file`"
            )
        path = Path(self.password_file)
        _require_private(path)
        try:
            return path.read_text(encoding="utf-8").splitlines()[0]
        except (OSError, IndexError, UnicodeDecodeError):
            raise PoltermError(f"--password-file {path}: cannot read a password from it") from None


def configure(
    session: Session,
    *,
    host: str,
    port: int,
    security: str,
    from_address: str,
    username: str | None = None,
    password_file: str | None = None,
    reminder_hours: int | None = None,
) -> dict[str, Any]:
    """Set the SMTP server (IT only); a password file must be readable by its owner only."""
    session.authorize("district.admin")
    host = (host or "").strip()
    if not host or any(c.isspace() or ord(c) < 32 for c in host):
        raise PoltermError(f"--host {host!r} is not a host name")
    if not 1 <= port <= 65535:
        raise PoltermError(f"--port {port} is not a port (1-65535)")
    if reminder_hours is not None and not 0 <= reminder_hours <= 720:
        raise PoltermError(f"--reminder-hours {reminder_hours} is not 0-720")
    if password_file is not None:
        password_file = str(Path(password_file).resolve())
        _require_private(Path(password_file))
    row = {
        "id": 1,
        "host": host,
        "port": port,
        "security": choice(security, SECURITY, "--security"),
        "username": optional_text(username),
        "password_file": password_file,
        "from_address": require_address(from_address, "--from"),
    }
    with session.transaction():
        current = session.db.execute("SELECT reminder_hours FROM mail_setting").fetchone()
        hours = reminder_hours if reminder_hours is not None else (current or [None])[0]
        row["reminder_hours"] = DEFAULT_REMINDER_HOURS if hours is None else hours
        if current is None:
            session.insert("mail_setting", row)
        else:
            session.update("mail_setting", 1, row)
    return {k: v for k, v in row.items() if k != "id"}


def load(session: Session) -> MailSettings | None:
    """The settings, or None while the district has not set up e-mail."""
    rows = list(session.db.query("SELECT * FROM mail_setting WHERE id = 1"))
    if not rows:
        return None
    return MailSettings(**{k: v for k, v in rows[0].items() if k != "id"})


def require_settings(session: Session) -> MailSettings:
    """The settings, or a one-line error saying how to set them."""
    settings = load(session)
    if settings is None:
        raise PoltermError("e-mail is not set up: run `polterm mail config` first")
    return settings


def require_address(value: str | None, what: str) -> str:
    """An e-mail address of the form local@domain, with nothing else around it."""
    text = (value or "").strip()
    if not plausible_address(text):
        raise PoltermError(f"{what} {text!r} is not an e-mail address")
    return text


def plausible_address(text: str | None) -> bool:
    """ASCII local@domain with no spaces, control characters or display name (what we can
    check; polterm does not speak SMTPUTF8)."""
    if (
        not text
        or not text.isascii()
        or any(c.isspace() or ord(c) < 32 or c in "<>\"'," for c in text)
    ):
        return False
    local, _, domain = text.rpartition("@")
    return bool(local) and "." in domain and parseaddr(text)[1] == text


def _require_private(path: Path) -> None:
    """Refuse a password file others could read."""
    try:
        mode = path.stat().st_mode
    except OSError:
        raise PoltermError(f"--password-file {path}: no such file") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise PoltermError(
            f"--password-file {path}: readable by others (mode {stat.S_IMODE(mode):o}); "
            "chmod 600 it"
        )
