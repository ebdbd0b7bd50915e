"""The one commit the at-most-once guarantee rests on, 'sending' before DATA, waits for the
disk (synchronous=FULL), so a power cut cannot undo it after the server has the message."""

from __future__ import annotations

from polterm.services.mail_send import send_due
from polterm.services.session import SYSTEM, Session
from polterm.storage import open_database
from tests.mail.smtp_server import configure


def test_the_sending_mark_is_committed_with_the_log_flushed_to_disk(district, smtp):
    configure(district, smtp.port)
    result = district("conference", "add", "--student", "s1", "--kind", "parent-teacher",
                      "--at", "2030-09-10T15:00", "--staff", "t1")  # fmt: skip
    assert result.code == 0, result.err
    db = open_database(district.path)
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        assert send_due(Session(db, SYSTEM), "2030-09-01T08:00").sent == 1
    finally:
        db.conn.close()
    sending = next(i for i, s in enumerate(statements) if "UPDATE [mail_outbox]" in s
                   and "'sending'" in s)  # fmt: skip
    before = [s for s in statements[:sending] if s.startswith("PRAGMA synchronous")]
    assert before[-1] == "PRAGMA synchronous = 2"
    commit = next(s for s in statements[sending:] if s in ("COMMIT", "PRAGMA synchronous = 1"))
    assert commit == "COMMIT"  # committed while still FULL, then put back
    assert "PRAGMA synchronous = 1" in statements[sending:]
