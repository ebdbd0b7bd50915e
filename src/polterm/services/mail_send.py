"""`mail send`: hand the due messages of the outbox to the SMTP server, at most once each.

A run claims a batch of due rows in one write transaction (status 'claimed', its run id and
a lease), so two runs never hold the same row. For each row it speaks MAIL FROM and RCPT TO
first: a refusal there is certain (4xx: retried with backoff; 5xx at RCPT: bounced). Only
then does it mark the row 'sending' and commit, and only then send DATA. A run that dies
during DATA, or after the server's 250 but before marking the row 'sent', leaves it
'sending'; no run ever sends a 'sending' row again, and once its lease has run out it is
shown as 'unknown' for a person to check and resend (docs/mail.md).
"""

from __future__ import annotations

import contextlib
import json
import smtplib
import ssl
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default
from typing import Any

from polterm.display import one_line
from polterm.errors import PoltermError
from polterm.services import mail_queue, mail_settings
from polterm.services.localtime import district_timezone
from polterm.services.mail_settings import MailSettings
from polterm.services.session import Session, now_iso
from polterm.services.validate import parse_datetime
from polterm.storage import pragma_while

BATCH = 100  # rows a run claims at once: one claim transaction per hundred messages
LEASE_SECONDS = 600.0
MAX_ATTEMPTS = 8
FIRST_BACKOFF_MINUTES = 5
TIMEOUT_SECONDS = 30.0
SYNCHRONOUS_FULL = 2  # SQLite: fsync the write-ahead log at every commit


@dataclass
class SendReport:
    """What one run did, and what it left behind."""

    now: str
    reminders: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    bounced: int = 0
    unknown: int = 0
    calls: int = 0
    left_unsent: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when nothing due is left unsent, 1 when something stays queued, failed or unknown."""
        return 1 if self.left_unsent else 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Retry(Exception):
    """A temporary failure: the row goes back to the queue with backoff."""


def connect(settings: MailSettings, timeout: float = TIMEOUT_SECONDS) -> smtplib.SMTP:
    """An SMTP connection as the settings say: plain, STARTTLS or TLS, logged in if a user."""
    context = ssl.create_default_context()
    if settings.security == "ssl":
        conn: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=timeout, context=context
        )
    else:
        conn = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
    try:
        conn.ehlo()
        if settings.security == "starttls":
            conn.starttls(context=context)
            conn.ehlo()
        if settings.username is not None:
            conn.login(settings.username, settings.password() or "")
    except BaseException:
        conn.close()
        raise
    return conn


def send_test(session: Session, address: str) -> None:
    """One test message to an address, straight to the server (IT only)."""
    from polterm.mail.render import plain_message

    session.authorize("district.admin")
    to = mail_settings.require_address(address, "ADDRESS")
    settings = mail_settings.require_settings(session)
    msg = plain_message(
        "polterm test message",
        "This test message from polterm shows that e-mail to families can be sent.\n",
        sender=settings.from_address,
        recipient=to,
    )
    try:
        conn = connect(settings)
        try:
            conn.send_message(msg)
        finally:
            conn.quit()
    except (OSError, smtplib.SMTPException) as error:
        raise PoltermError(f"the test message was not sent: {_reason(error)}") from None


def send_due(
    session: Session,
    now: str | None = None,
    *,
    lease_seconds: float = LEASE_SECONDS,
    connector: Callable[[MailSettings], smtplib.SMTP] = connect,
) -> SendReport:
    """Queue the reminders now due, then send every due message once; IT only."""
    session.authorize("district.admin")
    settings = mail_settings.require_settings(session)
    settings.password()  # a missing password is a set-up error, before anything is claimed
    now = parse_datetime(now, "--now") if now is not None else mail_queue.local_now()
    report = SendReport(now)
    run = _Run(session, settings, now, report, lease_seconds, connector)
    with session.transaction():
        report.reminders = mail_queue.queue_reminders(session, now, settings.reminder_hours)
        run.expire_leases()
    try:
        while ids := run.claim():
            run.send_batch(ids)
    finally:
        run.close()
    report.left_unsent = _left_unsent(session, now)
    return report


class _Run:
    """One `mail send` run: its id, its claims and its connection."""

    def __init__(
        self,
        session: Session,
        settings: MailSettings,
        now: str,
        report: SendReport,
        lease_seconds: float,
        connector: Callable[[MailSettings], smtplib.SMTP],
    ) -> None:
        self.session = session
        self.settings = settings
        self.now = now
        self.report = report
        self.lease_seconds = lease_seconds
        self.connector = connector
        self.id = uuid.uuid4().hex
        self.conn: smtplib.SMTP | None = None
        self.down: str | None = None  # the server could not be reached this run

    def expire_leases(self) -> None:
        """Rows claimed by a run that is gone go back to the queue; rows it was sending are in
        doubt (the server may have them) and become 'unknown', never sent again by themselves."""
        db = self.session.db
        expired = time.time()
        db.execute(
            "UPDATE mail_outbox SET status = 'queued', claimed_by = NULL, lease_until = NULL"
            " WHERE status = 'claimed' AND lease_until < ?",
            [expired],
        )
        for row in list(
            db.query("SELECT * FROM mail_outbox WHERE status = 'sending' AND lease_until < ?",
                     [expired])
        ):  # fmt: skip
            self._set(row, status="unknown", last_error="a run stopped while sending")
            self.report.unknown += 1

    def claim(self) -> list[int]:
        """The next batch of due rows, taken for this run in one write transaction.

        The claim and its expiry are a lease, not a change to the message, so they are not
        audited; every change of status after it is."""
        if self.down is not None:
            return []
        with self.session.transaction() as db:
            ids = [
                oid
                for (oid,) in db.execute(
                    "SELECT id FROM mail_outbox WHERE status = 'queued' AND next_attempt_at <= ?"
                    " ORDER BY next_attempt_at, id LIMIT ?",
                    [self.now, BATCH],
                )
            ]
            if ids:
                db.execute(
                    "UPDATE mail_outbox SET status = 'claimed', claimed_by = ?, lease_until = ?"
                    f" WHERE id IN ({','.join('?' * len(ids))})",
                    [self.id, time.time() + self.lease_seconds, *ids],
                )
        return ids

    def send_batch(self, ids: list[int]) -> None:
        rows = self.session.db.query(
            f"SELECT * FROM mail_outbox WHERE id IN ({','.join('?' * len(ids))})"
            " ORDER BY next_attempt_at, id",
            ids,
        )
        for row in list(rows):
            if self.down is not None:
                self._retry(row, self.down)
                continue
            try:
                self._send_one(row)
            except _Retry as error:
                self._retry(row, str(error))

    def _send_one(self, row: dict[str, Any]) -> None:
        guardian = self.session.db.execute(
            "SELECT name, email, do_not_email FROM guardian WHERE id = ?", [row["guardian_id"]]
        ).fetchone()
        name, address, do_not_email = guardian
        if do_not_email or not address:
            self._set(row, status="call")
            self.report.calls += 1
            return
        if not mail_settings.plausible_address(address):
            self._bounce(row, "the guardian's e-mail address is not valid")
            return
        message = build_message(self.settings, sent_facts(self.session, row), name, address)
        conn = self._connection()
        try:
            code, reply = conn.mail(self.settings.from_address)
            if code != 250:
                self._refused(conn, row, code, reply, address, at_recipient=False)
                return
            code, reply = conn.rcpt(address)
            if code not in (250, 251):
                self._refused(conn, row, code, reply, address, at_recipient=True)
                return
        except (OSError, smtplib.SMTPServerDisconnected) as error:  # before DATA: nothing sent
            self._drop_connection()
            raise _Retry(_reason(error)) from None
        if not self._mark_sending(row):
            conn.rset()
            return
        try:
            code, reply = conn.data(message)
        except smtplib.SMTPDataError as error:  # DATA itself refused: nothing was sent
            self._drop_connection()
            self._refused_after_claim(row, error.smtp_code, error.smtp_error, address)
            return
        except (OSError, smtplib.SMTPException) as error:
            self._drop_connection()
            self._set(row, status="unknown", last_error=_reason(error))
            self.report.unknown += 1
            return
        if code == 250:
            self._set(row, status="sent", sent_at=now_iso(),
                      attempts=row["attempts"] + 1, last_error=None)  # fmt: skip
            self.report.sent += 1
        else:
            self._refused_after_claim(row, code, reply, address)

    def _connection(self) -> smtplib.SMTP:
        if self.conn is None:
            try:
                self.conn = self.connector(self.settings)
            except (OSError, smtplib.SMTPException) as error:
                self.down = f"cannot reach the SMTP server: {_reason(error)}"
                if self.down not in self.report.errors:
                    self.report.errors.append(self.down)
                raise _Retry(self.down) from None
        return self.conn

    def _drop_connection(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            finally:
                self.conn = None

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.conn.quit()
            self._drop_connection()

    def _refused(
        self,
        conn: smtplib.SMTP,
        row: dict[str, Any],
        code: int,
        reply: bytes,
        address: str,
        *,
        at_recipient: bool,
    ) -> None:
        """MAIL FROM or RCPT TO refused: nothing was sent, so the outcome is certain."""
        try:
            conn.rset()
        except (OSError, smtplib.SMTPException):
            self._drop_connection()
        text = _redacted(code, reply, address)
        if 500 <= code < 600 and at_recipient:
            self._bounce(row, text)
        elif 500 <= code < 600:
            self._set(row, status="failed", last_error=text,
                      attempts=row["attempts"] + 1)  # fmt: skip
            self.report.failed += 1
        else:
            raise _Retry(text)

    def _refused_after_claim(
        self, row: dict[str, Any], code: int, reply: bytes, address: str
    ) -> None:
        """The server answered DATA with a refusal: not accepted, so certain too."""
        text = _redacted(code, reply, address)
        if 500 <= code < 600:
            self._bounce(row, text)
        else:
            self._retry(row, text)

    def _mark_sending(self, row: dict[str, Any]) -> bool:
        """Commit 'sending' before DATA, durably (the connection's synchronous=NORMAL keeps a
        commit across a crash of the process but not of the machine); False when this run's
        claim was taken over."""
        with pragma_while(self.session.db, "synchronous", SYNCHRONOUS_FULL), \
                self.session.transaction() as db:  # fmt: skip
            still_ours = db.execute(
                "SELECT 1 FROM mail_outbox WHERE id = ? AND status = 'claimed' AND claimed_by = ?",
                [row["id"], self.id],
            ).fetchone()
            if still_ours:
                self._set(row, status="sending",
                          lease_until=time.time() + self.lease_seconds)  # fmt: skip
        return bool(still_ours)

    def _retry(self, row: dict[str, Any], reason: str) -> None:
        """Back to the queue with doubling backoff; failed for good after MAX_ATTEMPTS."""
        attempts = row["attempts"] + 1
        if attempts >= MAX_ATTEMPTS:
            self._set(row, status="failed", attempts=attempts,
                      last_error=reason, claimed_by=None, lease_until=None)  # fmt: skip
            self.report.failed += 1
            return
        delay = timedelta(minutes=FIRST_BACKOFF_MINUTES * 2 ** (attempts - 1))
        later = (datetime.strptime(self.now, "%Y-%m-%dT%H:%M") + delay).strftime("%Y-%m-%dT%H:%M")
        self._set(row, status="queued", attempts=attempts,
                  next_attempt_at=later, last_error=reason, claimed_by=None,
                  lease_until=None)  # fmt: skip
        self.report.retrying += 1

    def _bounce(self, row: dict[str, Any], reason: str) -> None:
        """Permanent failure: bounced, and a contact attempt the policies count."""
        with self.session.transaction():
            self._set(row, status="bounced", last_error=reason,
                      attempts=row["attempts"] + 1)  # fmt: skip
            mail_queue.record_attempt(self.session, row, self.now[:10], "email", "bounced")
        self.report.bounced += 1

    def _set(self, row: dict[str, Any], **values: Any) -> None:
        self.session.update_held("mail_outbox", row, values, student_id=row["student_id"])


def sent_facts(session: Session, row: dict[str, Any]) -> dict[str, Any]:
    """What the row's message says: the facts it was queued with, and the interpreter note as
    the meeting's booking now says (an event plan books its interpreter after the conference
    is written, so the booking is read when the message goes out)."""
    facts = json.loads(row["facts"])
    booked = mail_queue.interpreter_booked(session, row["conference_id"])
    if booked is not None:
        facts["interpreter"] = booked
    return {**row, "facts": facts}


def build_message(
    settings: MailSettings, row: dict[str, Any], name: str, address: str | None
) -> bytes:
    """An outbox row (its facts as sent_facts gives them) as the e-mail it is (or was) sent
    as, dated now, in wire form (CRLF line ends: smtplib sends bytes as they are)."""
    from polterm.mail.render import render, wire_message

    facts = row["facts"]
    now = datetime.now(UTC)
    rendered = render(
        row["kind"],
        row["language"],
        facts,
        organizer=settings.from_address,
        attendee=address,
        tz=district_timezone(),
        stamp=now,
    )
    return wire_message(
        rendered,
        message_id=row["message_id"],
        sender=settings.from_address,
        sender_name=facts["school"],
        recipient=address or "guardian@invalid",
        recipient_name=name,
        sent=now,
    )


def preview(session: Session, outbox_id: int | str) -> dict[str, Any]:
    """A queued or sent message's subject, text and calendar method, as the guardian gets it
    (without their address, which a preview does not need)."""
    row = mail_queue.outbox_message(session, outbox_id)
    if row["status"] in ("call", "called"):
        raise PoltermError(f"outbox message {row['id']} is a phone call, not an e-mail")
    from polterm.mail.render import ical_method

    settings = mail_settings.require_settings(session)
    raw = sent_facts(session, {**row, "facts": json.dumps(row["facts"])})
    msg = message_from_bytes(
        build_message(settings, raw, row["facts"]["guardian"], None), policy=default
    )
    text = msg.get_body(("plain",))
    return {
        "id": row["id"],
        "status": row["status"],
        "kind": row["kind"],
        "language": row["language"],
        "language_missing": row["language_missing"],
        "message_id": row["message_id"],
        "subject": msg["Subject"],
        "method": ical_method(row["kind"]),
        "uid": row["ical_uid"],
        "sequence": row["ical_sequence"],
        "text": text.get_content() if text is not None else "",
    }


def _left_unsent(session: Session, now: str) -> int:
    """Messages due by now that are not sent: queued (retrying too), failed or in doubt; not
    those another run is sending right now."""
    return int(
        session.db.execute(
            "SELECT count(*) FROM mail_outbox WHERE (status = 'queued' AND send_after <= ?)"
            " OR status IN ('failed', 'unknown')",
            [now],
        ).fetchone()[0]
    )


def _redacted(code: int, reply: bytes | str, address: str) -> str:
    """The server's reply for the outbox, with the guardian's address and any control
    characters (it is shown on terminals) taken out."""
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    if address:
        text = text.replace(address, "<guardian>")
    text = one_line(text)
    return f"{code} {text}"[:300]


def _reason(error: BaseException) -> str:
    """A one-line reason for a connection failure."""
    if isinstance(error, smtplib.SMTPResponseException):
        return _redacted(error.smtp_code, error.smtp_error, "")
    return " ".join(str(error).split()) or type(error).__name__
