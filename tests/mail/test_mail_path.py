"""The whole path on one student, through a real SMTP server: schedule, invitation, reminder
on the day before, change, cancellation, each reaching the server exactly once."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from tests.mail.smtp_server import FROM, configure


def _add(run, *args: str) -> None:
    result = run(*args)
    assert result.code == 0, (args, result.err)


def _send(run, now: str) -> dict:
    result = run("mail", "send", "--now", now, "--format", "json")
    assert result.code == 0, (result.out, result.err)
    return result.json()


def _export_uid(run, tmp_path) -> str:
    out = tmp_path / "s1.ics"
    _add(run, "export", "ics", "--student", "s1", "-o", str(out))
    events = [e for e in Calendar.from_ical(out.read_bytes()).walk("VEVENT")]
    return {str(e["uid"]) for e in events if str(e["dtstart"].dt).startswith("2030")}.pop()


def test_schedule_remind_change_cancel_reach_the_server_once_each(district, smtp, tmp_path):
    run = district
    configure(run, smtp.port)
    _add(run, "conference", "add", "--student", "s1", "--kind", "parent-teacher",
         "--at", "2030-09-10T15:00", "--staff", "t1", "--location", "Room 12")  # fmt: skip
    uid = _export_uid(run, tmp_path)

    assert _send(run, "2030-09-01T08:00")["sent"] == 1
    assert _send(run, "2030-09-01T09:00")["sent"] == 0  # nothing twice
    assert _send(run, "2030-09-09T14:00")["sent"] == 0  # 25 hours before: no reminder yet
    reminded = _send(run, "2030-09-09T16:00")  # the day before: the reminder
    assert (reminded["reminders"], reminded["sent"]) == (1, 1)
    assert _send(run, "2030-09-09T17:00")["sent"] == 0
    _add(run, "conference", "update", _last_conference(run), "--at",
         "2030-09-11T15:00")  # fmt: skip
    assert _send(run, "2030-09-09T18:00")["sent"] == 1  # the change
    assert _send(run, "2030-09-10T16:00")["sent"] == 1  # a reminder of the new time
    _add(run, "conference", "update", _last_conference(run), "--status", "cancelled")
    assert _send(run, "2030-09-10T17:00")["sent"] == 1

    box = smtp.mailbox
    assert len(box.messages) == 5 and len(set(box.ids())) == 5
    methods = [str(c["method"]) for c in box.calendars()]
    assert methods == ["REQUEST", "REQUEST", "REQUEST", "REQUEST", "CANCEL"]
    events = [next(iter(c.walk("VEVENT"))) for c in box.calendars()]
    assert {str(e["uid"]) for e in events} == {uid}
    sequences = [int(e["sequence"]) for e in events]
    assert sequences[0] < sequences[2] < sequences[4]  # raised by the change and the cancel
    assert [e["dtstart"].dt.strftime("%Y-%m-%dT%H:%M") for e in events] == [
        "2030-09-10T15:00", "2030-09-10T15:00", "2030-09-11T15:00", "2030-09-11T15:00",
        "2030-09-11T15:00",
    ]  # fmt: skip
    assert str(events[-1]["status"]) == "CANCELLED"
    for event in events:
        assert str(event["organizer"]) == f"mailto:{FROM}"
        assert str(event["attendee"]) == "mailto:max@example.org"
    assert all(m["To"].addresses[0].addr_spec == "max@example.org" for m in box.messages)


def _last_conference(run) -> str:
    rows = run("conference", "list", "--student", "s1", "--format", "json").json()
    return str(max(r["id"] for r in rows))


def test_a_guardian_added_after_the_reminder_gets_one_too_and_nobody_twice(district, smtp):
    run = district
    configure(run, smtp.port)
    _add(run, "conference", "add", "--student", "s1", "--kind", "parent-teacher",
         "--at", "2030-09-10T15:00", "--staff", "t1")  # fmt: skip
    assert _send(run, "2030-09-09T16:00")["reminders"] == 1
    _add(run, "guardian", "add", "--id", "g2", "--student", "s1", "--name", "Lou Rivera",
         "--email", "lou@example.org")  # fmt: skip
    assert _send(run, "2030-09-09T17:00")["reminders"] == 1  # Lou's; Max has had his
    reminded = run.rows("SELECT guardian_id FROM mail_outbox WHERE kind = 'reminder'")
    assert sorted(reminded) == [("g1",), ("g2",)]


def test_a_conference_in_the_hour_the_clocks_repeat_is_the_same_moment_as_export_ics(
    district, smtp, tmp_path
):
    run = district
    configure(run, smtp.port)
    _add(
        run,
        "conference",
        "add",
        "--student",
        "s1",
        "--kind",
        "parent-teacher",
        "--at",
        "2030-11-03T01:30-05:00",
        "--staff",
        "t1",
    )  # the second 01:30 that night
    _send(run, "2030-11-01T08:00")
    (calendar,) = smtp.mailbox.calendars()
    mailed = next(iter(calendar.walk("VEVENT")))
    out = tmp_path / "s1.ics"
    _add(run, "export", "ics", "--student", "s1", "-o", str(out))
    exported = next(e for e in Calendar.from_ical(out.read_bytes()).walk("VEVENT")
                    if str(e["uid"]) == str(mailed["uid"]))  # fmt: skip
    assert mailed["dtstart"].dt == exported["dtstart"].dt
    assert mailed["dtstart"].dt.utcoffset().total_seconds() in (0, -5 * 3600)
    assert mailed["dtend"].dt - mailed["dtstart"].dt == timedelta(minutes=30)
