"""What a message follows after it was queued: a cancelled conference's waiting reminder is
withdrawn, and the interpreter note follows the interpreter booked for an event's meeting."""

from __future__ import annotations

import sqlite3

from tests.mail.smtp_server import configure


def _ok(run, *args: str):
    result = run(*args)
    assert result.code == 0, (args, result.err)
    return result


def _send(run, now: str) -> dict:
    return run("mail", "send", "--now", now, "--format", "json").json()


def _schedule(run) -> str:
    _ok(run, "conference", "add", "--student", "s1", "--kind", "parent-teacher",
        "--at", "2030-09-10T15:00", "--staff", "t1")  # fmt: skip
    rows = _ok(run, "conference", "list", "--student", "s1", "--format", "json").json()
    return str(max(r["id"] for r in rows))


def _reminder_waiting(run, smtp) -> str:
    """A conference whose invitation went out and whose reminder waits: the server is down."""
    configure(run, smtp.port)
    conference = _schedule(run)
    assert _send(run, "2030-09-01T08:00")["sent"] == 1  # the invitation
    smtp.stop()
    assert _send(run, "2030-09-09T16:00")["retrying"] == 1  # the reminder waits
    return conference


def test_a_reminder_still_queued_when_its_conference_is_cancelled_is_not_sent(district, smtp):
    conference = _reminder_waiting(district, smtp)
    _ok(district, "conference", "update", conference, "--status", "cancelled")
    smtp.start()
    assert _send(district, "2030-09-09T18:00")["sent"] == 1
    assert [str(c["method"]) for c in smtp.mailbox.calendars()] == ["REQUEST", "CANCEL"]
    kinds = district.rows("SELECT kind, status FROM mail_outbox ORDER BY id")
    assert kinds == [("invitation", "sent"), ("cancellation", "sent")]
    withdrawn = district.rows(
        "SELECT count(*) FROM audit_log WHERE table_name = 'mail_outbox' AND action = 'delete'"
    )
    assert withdrawn == [(1,)]


def test_a_reminder_still_queued_when_its_conference_moves_is_sent_for_the_new_time(
    district, smtp
):
    conference = _reminder_waiting(district, smtp)
    _ok(district, "conference", "update", conference, "--at", "2030-09-20T15:00")
    smtp.start()
    assert _send(district, "2030-09-09T18:00")["sent"] == 1  # the change, not the old reminder
    assert _send(district, "2030-09-19T16:00")["sent"] == 1  # the reminder of the new time
    rows = district.rows("SELECT kind, conference_at, status FROM mail_outbox ORDER BY id")
    assert rows == [
        ("invitation", "2030-09-10T15:00", "sent"),
        ("change", "2030-09-20T15:00", "sent"),
        ("reminder", "2030-09-20T15:00", "sent"),
    ]


def _book(run, conference: str, interpreter: str | None) -> None:
    """The conference as an event's meeting, with or without an interpreter booked."""
    conn = sqlite3.connect(run.path)
    with conn:
        conn.execute(
            "INSERT OR REPLACE INTO event_meeting (conference_id, event_id, household, staff_id,"
            " interpreter_id, planned) VALUES (?, 'fall', 'h1', 't1', ?, 0)",
            [int(conference), interpreter],
        )
    conn.close()


def _texts(smtp) -> dict[str, str]:
    """The plain text of each received message, by its recipient."""
    out = {}
    for msg in smtp.mailbox.messages:
        part = next(p for p in msg.walk() if p.get_content_type() == "text/plain")
        out[msg["To"].addresses[0].addr_spec] = part.get_content()
    return out


def test_the_interpreter_note_follows_the_interpreter_booked_for_the_meeting(district, smtp):
    configure(district, smtp.port)
    _ok(district, "guardian", "add", "--id", "g2", "--student", "s1", "--name", "Lou Rivera",
        "--email", "lou@example.org")  # fmt: skip
    _ok(district, "event", "add", "--id", "fall", "--name", "Fall", "--kind", "parent-teacher",
        "--school", "oak", "--day", "2030-09-10:14:00-18:00")  # fmt: skip
    _ok(district, "interpreter", "add", "--id", "i1", "--name", "Ida Int", "--language", "es")
    conference = _schedule(district)
    _book(district, conference, None)  # Max needs one, but none was booked: no promise
    _send(district, "2030-09-01T08:00")
    texts = _texts(smtp)
    assert "intérprete" not in texts["max@example.org"]
    assert "interpreter" not in texts["lou@example.org"]

    smtp.mailbox.messages.clear()
    _book(district, conference, "i1")
    _ok(district, "conference", "update", conference, "--location", "Room 12")
    _send(district, "2030-09-02T08:00")  # the change, with the interpreter now booked
    texts = _texts(smtp)
    assert "Un intérprete participará en la conferencia." in texts["max@example.org"]
    assert "An interpreter will take part in the conference." in texts["lou@example.org"]
