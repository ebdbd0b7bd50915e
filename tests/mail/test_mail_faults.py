"""`mail send` against a real server that is down, refuses for now, refuses for good, is
raced by a second run, or sees its client killed after it accepted a message."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.mail.smtp_server import configure

SCHEDULE = ("conference", "add", "--student", "s1", "--kind", "parent-teacher",
            "--at", "2030-09-10T15:00", "--staff", "t1")  # fmt: skip


def _ok(run, *args: str):
    result = run(*args)
    assert result.code == 0, (args, result.err)
    return result


def _send(run, now: str):
    return run("mail", "send", "--now", now, "--format", "json")


def _statuses(run) -> list[tuple]:
    return run.rows("SELECT status, attempts FROM mail_outbox ORDER BY id")


def _process(path: Path, *args: str) -> subprocess.Popen:
    """`polterm --db PATH ARGS` as its own process, as cron would start it."""
    code = "from polterm.cli import main; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, "--db", str(path), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_server_down_keeps_the_message_queued_and_sends_it_once_when_back(district, smtp):
    configure(district, smtp.port)
    smtp.stop()
    _ok(district, *SCHEDULE)
    down = _send(district, "2030-09-01T08:00")
    assert down.code == 1
    assert down.json()["retrying"] == 1 and "cannot reach" in down.json()["errors"][0]
    assert _send(district, "2030-09-01T08:02").json()["sent"] == 0  # backing off
    smtp.start()
    assert _send(district, "2030-09-01T08:02").code == 1  # still backing off: 5 minutes
    back = _send(district, "2030-09-01T08:06")
    assert back.code == 0 and back.json()["sent"] == 1
    assert _send(district, "2030-09-01T09:00").json()["sent"] == 0
    assert len(smtp.mailbox.messages) == 1
    assert _statuses(district) == [("sent", 2)]


def test_a_temporary_refusal_is_retried_with_backoff(district, smtp):
    configure(district, smtp.port)
    smtp.mailbox.rcpt_replies = ["451 4.3.0 Mailbox busy, try again later"]
    _ok(district, *SCHEDULE)
    first = _send(district, "2030-09-01T08:00")
    assert first.code == 1 and first.json()["retrying"] == 1
    row = district.rows("SELECT status, attempts, next_attempt_at, last_error FROM mail_outbox")
    assert row == [("queued", 1, "2030-09-01T08:05", "451 4.3.0 Mailbox busy, try again later")]
    assert _send(district, "2030-09-01T08:10").code == 0
    assert len(smtp.mailbox.messages) == 1
    assert _statuses(district) == [("sent", 2)]


def test_a_permanent_refusal_bounces_and_counts_as_a_failed_contact_attempt(district, smtp):
    configure(district, smtp.port)
    smtp.mailbox.rcpt_replies = ["550 5.1.1 <max@example.org>: no such user \x1b[2J"] * 3
    _ok(district, "conference", "add", "--student", "s1", "--kind", "remote-learning",
        "--at", "2030-09-10T15:00", "--staff", "t1")  # fmt: skip
    result = _send(district, "2030-09-01T08:00")
    assert result.code == 0 and result.json()["bounced"] == 1  # nothing left to send
    assert smtp.mailbox.messages == []
    (error,) = district.rows("SELECT last_error FROM mail_outbox WHERE status = 'bounced'")[0]
    assert error == "550 5.1.1 <<guardian>>: no such user [2J"  # no address, no ESC
    attempts = district.rows(
        "SELECT student_id, made_on, method, outcome, purpose FROM contact_attempt"
    )
    assert attempts == [("s1", "2030-09-01", "email", "bounced", "remote-learning-conference")]
    assert _send(district, "2030-09-02T08:00").json()["bounced"] == 0  # bounced once only


def test_an_address_that_cannot_be_sent_to_bounces_without_stopping_the_run(district, smtp):
    configure(district, smtp.port)
    _ok(district, "guardian", "add", "--id", "g2", "--student", "s1", "--name", "Lou Rivera",
        "--email", "lou@example.org")  # fmt: skip
    _set_email(district.path, "g1", "máx@ejemplo.org")
    _ok(district, *SCHEDULE)
    result = _send(district, "2030-09-01T08:00").json()
    assert (result["bounced"], result["sent"]) == (1, 1)
    assert district.rows("SELECT outcome FROM contact_attempt") == [("bounced",)]


def test_two_runs_at_once_never_send_a_message_twice(district, smtp):
    configure(district, smtp.port)
    for i in range(2, 12):
        _ok(district, "guardian", "add", "--id", f"g{i}", "--student", "s1",
            "--name", f"Guardian {i}", "--email", f"g{i}@example.org")  # fmt: skip
    for day in range(10, 14):
        _ok(district, *SCHEDULE[:-3], f"2030-09-{day}T15:00", "--staff", "t1")
    queued = district.rows("SELECT count(*) FROM mail_outbox WHERE status = 'queued'")[0][0]
    assert queued == 44
    smtp.mailbox.delay = 0.01
    runs = [_process(district.path, "mail", "send", "--now", "2030-09-01T08:00") for _ in "ab"]
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, (out, err)
    ids = smtp.mailbox.ids()
    assert len(ids) == 44 and len(set(ids)) == 44
    assert district.rows("SELECT DISTINCT status FROM mail_outbox") == [("sent",)]


def test_a_run_killed_after_the_server_accepted_never_sends_the_message_again(district, smtp):
    configure(district, smtp.port)
    _ok(district, *SCHEDULE)
    killed: list[subprocess.Popen] = []
    smtp.mailbox.on_data = lambda _msg: os.kill(killed[0].pid, signal.SIGKILL)
    killed.append(_process(district.path, "mail", "send", "--now", "2030-09-01T08:00"))
    killed[0].communicate(timeout=60)
    assert killed[0].returncode == -signal.SIGKILL
    assert len(smtp.mailbox.messages) == 1  # the server has it; the database does not know
    smtp.mailbox.on_data = None

    again = _send(district, "2030-09-01T08:10")
    assert again.json()["sent"] == 0
    assert district.rows("SELECT status FROM mail_outbox") == [("sending",)]
    _expire_leases(district.path)  # the killed run's lease runs out
    later = _send(district, "2030-09-01T09:00")
    assert later.code == 1 and later.json()["unknown"] == 1  # in doubt: a person decides
    assert _send(district, "2030-09-01T10:00").json()["sent"] == 0
    assert len(smtp.mailbox.messages) == 1
    assert district.rows("SELECT status FROM mail_outbox") == [("unknown",)]
    _ok(district, "mail", "resend", "1")
    assert _send(district, "2030-09-01T11:00").json()["sent"] == 1
    assert smtp.mailbox.ids()[0] == smtp.mailbox.ids()[1]  # the same Message-ID again


def test_a_run_killed_before_the_message_was_handed_over_is_sent_by_a_later_run(district, smtp):
    configure(district, smtp.port)
    _ok(district, *SCHEDULE)
    killed: list[subprocess.Popen] = []
    smtp.mailbox.on_rcpt = lambda: os.kill(killed[0].pid, signal.SIGKILL)
    killed.append(_process(district.path, "mail", "send", "--now", "2030-09-01T08:00"))
    killed[0].communicate(timeout=60)
    assert killed[0].returncode == -signal.SIGKILL
    smtp.mailbox.on_rcpt = None
    assert district.rows("SELECT status FROM mail_outbox") == [("claimed",)]
    assert _send(district, "2030-09-01T08:10").json()["sent"] == 0  # its lease still holds
    _expire_leases(district.path)
    assert _send(district, "2030-09-01T09:00").code == 0
    assert len(smtp.mailbox.messages) == 1
    assert district.rows("SELECT status FROM mail_outbox") == [("sent",)]


def _set_email(path: Path, guardian_id: str, email: str) -> None:
    """An address as an import might bring it (guardian add checks what it is given)."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE guardian SET email = ? WHERE id = ?", [email, guardian_id])
    conn.close()


def _expire_leases(path: Path) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE mail_outbox SET lease_until = 0")
    conn.close()


def test_three_bounced_invitations_escalate_under_policy_6310(district, smtp):
    configure(district, smtp.port)
    smtp.mailbox.rcpt_replies = ["550 5.1.1 no such user"] * 3
    for day in (10, 11, 12):
        _ok(district, "conference", "add", "--student", "s1", "--kind", "remote-learning",
            "--at", f"2030-09-{day}T15:00", "--staff", "t1")  # fmt: skip
    assert _send(district, "2030-09-01T08:00").json()["bounced"] == 3
    check = district("check", "--as-of", "2030-09-02", "--student", "s1", "--format", "json")
    escalations = [
        f for f in check.json()["findings"] if f["rule"] == "unreachable-parent-escalation"
    ]
    assert [(f["status"], f["message"][:10]) for f in escalations] == [("action", "3 attempts")]
