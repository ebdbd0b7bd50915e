"""ICS files read alike in icalendar, ics and vobject; local times the clocks skip or repeat."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import icalendar
import ics
import pytest
import vobject

from tests.conftest import Polterm

# (student, --at, minutes, staff) -> the UTC start and end every reader must agree on
CONFERENCES = [
    ("s1", "2026-03-08T01:30", 60, "t1", "2026-03-08T06:30", "2026-03-08T07:30"),  # spring
    ("s1", "2026-11-01T01:00-04:00", 90, "t1", "2026-11-01T05:00", "2026-11-01T06:30"),  # fall
    ("s2", "2026-11-01T01:40-05:00", 20, "", "2026-11-01T06:40", "2026-11-01T07:00"),  # 2nd 1:40
    ("s1", "2026-12-14T16:00", 30, "t1", "2026-12-14T21:00", "2026-12-14T21:30"),
    ("s1", "2040-07-10T15:00", 30, "t1", "2040-07-10T19:00", "2040-07-10T19:30"),
    ("s1", "2040-12-11T15:00", 30, "t1", "2040-12-11T20:00", "2040-12-11T20:30"),
]


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _read_icalendar(text: str) -> dict[str, tuple[datetime, datetime]]:
    events = icalendar.Calendar.from_ical(text).walk("VEVENT")
    return {
        str(e["uid"]): (e["dtstart"].dt.astimezone(UTC), e["dtend"].dt.astimezone(UTC))
        for e in events
    }


def _read_ics(text: str) -> dict[str, tuple[datetime, datetime]]:
    return {
        e.uid: (e.begin.to("utc").datetime, e.end.to("utc").datetime)
        for e in ics.Calendar(text).events
    }


def _read_vobject(text: str) -> dict[str, tuple[datetime, datetime]]:
    return {
        e.uid.value: (e.dtstart.value.astimezone(UTC), e.dtend.value.astimezone(UTC))
        for e in vobject.readOne(text).vevent_list
    }


@pytest.fixture
def booked(district: Polterm) -> dict[str, tuple[datetime, datetime]]:
    """The conferences above added through the CLI: their UIDs and expected UTC times."""
    expected = {}
    for student, at, minutes, staff, start, end in CONFERENCES:
        args = ["conference", "add", "--student", student, "--kind", "parent-teacher",
                "--at", at, "--duration", str(minutes), "--format", "json"]  # fmt: skip
        run = district(*args, *(["--staff", staff] if staff else []))
        assert run.code == 0, run.err
        expected[f"conference-{run.json()['id']}@testville.polterm"] = (_utc(start), _utc(end))
    return expected


@pytest.mark.parametrize("read", [_read_icalendar, _read_ics, _read_vobject])
def test_every_reader_sees_the_same_utc_times_across_dst_and_in_2040(
    district: Polterm, booked: dict, tmp_path: Path, read
) -> None:  # type: ignore[no-untyped-def]
    seen = {}
    for who in (["--staff", "t1"], ["--student", "s2"]):
        out = tmp_path / "c.ics"
        run = district("export", "ics", *who, "-o", str(out))
        assert run.code == 0, run.err
        seen |= read(out.read_text())
    assert {uid: seen[uid] for uid in booked} == booked


def test_the_time_zone_is_two_yearly_rules_without_rdates(
    district: Polterm, booked: dict, tmp_path: Path
) -> None:
    out = tmp_path / "t1.ics"
    assert district("export", "ics", "--staff", "t1", "-o", str(out)).code == 0
    (zone,) = icalendar.Calendar.from_ical(out.read_bytes()).walk("VTIMEZONE")
    rules = {block.name: block["rrule"].to_ical().decode() for block in zone.subcomponents}
    assert rules == {"DAYLIGHT": "FREQ=YEARLY;BYDAY=2SU;BYMONTH=3",
                     "STANDARD": "FREQ=YEARLY;BYDAY=1SU;BYMONTH=11"}  # fmt: skip
    assert "RDATE" not in out.read_text() and "19700" not in out.read_text()


def test_a_conference_across_the_end_of_dst_lasts_its_minutes(
    district: Polterm, booked: dict, tmp_path: Path
) -> None:
    out = tmp_path / "t1.ics"
    assert district("export", "ics", "--staff", "t1", "-o", str(out)).code == 0
    (event,) = [
        e for e in icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")
        if e["dtstart"].dt.date().isoformat() == "2026-11-01"
    ]  # fmt: skip
    assert (event["dtend"].dt - event["dtstart"].dt).total_seconds() == 90 * 60


def test_organizer_and_attendees_are_valid_uris(district: Polterm, tmp_path: Path) -> None:
    added = district("staff", "add", "--id", "t/2 é", "--name", "Bea Odd", "--role", "teacher",
                     "--school", "oak")  # fmt: skip
    assert added.code == 0, added.err
    run = district("conference", "add", "--student", "s1", "--kind", "parent-teacher",
                   "--at", "2026-01-12T15:00", "--staff", "t/2 é")  # fmt: skip
    assert run.code == 0, run.err
    out = tmp_path / "t2.ics"
    assert district("export", "ics", "--staff", "t/2 é", "-o", str(out)).code == 0
    (event,) = icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert str(event["organizer"]) == "urn:polterm:school:oak"
    assert event["organizer"].params["cn"] == "Oak Elementary"
    assert str(event["attendee"]) == "urn:polterm:staff:t%2F2%20%C3%A9"


def test_calendar_address_is_mailto_when_an_email_is_known() -> None:
    from polterm.exporters.ics import calendar_address

    assert str(calendar_address("school", "oak", "Oak", "office@oak.example")) == (
        "mailto:office@oak.example"
    )


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("2026-03-08T02:30", "--at '2026-03-08T02:30' does not exist in America/New_York"),
        ("2026-11-01T01:30", "give the offset: 2026-11-01T01:30-04:00 or 2026-11-01T01:30-05:00"),
        ("2026-07-01T10:00-05:00", "America/New_York is at -04:00 then, not -05:00"),
        ("0999-01-01T10:00", "--at '0999-01-01T10:00': the year must be 1900-2100"),
    ],
)
def test_a_skipped_or_repeated_local_time_is_refused_with_a_clear_message(
    district: Polterm, at: str, message: str
) -> None:
    before = district.dump()
    run = district("conference", "add", "--student", "s1", "--kind", "parent-teacher",
                   "--at", at)  # fmt: skip
    assert run.code == 2 and message in run.err and run.err.count("\n") == 1
    assert district.dump() == before


def test_the_offset_picks_the_reading_of_a_repeated_time(district: Polterm) -> None:
    for student, offset in (("s1", "-04:00"), ("s2", "-05:00")):
        run = district("conference", "add", "--student", student, "--kind", "parent-teacher",
                       "--at", f"2026-11-01T01:30{offset}")  # fmt: skip
        assert run.code == 0, run.err
    assert district.rows("SELECT student_id, at, fold FROM conference WHERE at > '2026'") == [
        ("s1", "2026-11-01T01:30", 0), ("s2", "2026-11-01T01:30", 1)
    ]  # fmt: skip
    moved = district("conference", "update", "2", "--at", "2026-11-01T01:10-05:00")
    assert moved.code == 0, moved.err
    assert district.rows("SELECT at, fold FROM conference WHERE id = 2") == [
        ("2026-11-01T01:10", 1)
    ]


def test_demo_calendars_read_alike_in_all_three_readers(installed_registry, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from polterm.demo.generate import generate
    from polterm.engine import policy_migrations
    from polterm.services.session import os_user
    from polterm.storage import open_database

    path = tmp_path / "demo.db"
    db = open_database(path, policy_migrations(installed_registry, installed_registry.policies))
    generate(db, 30, 1, os_user())
    db.conn.close()
    demo = Polterm(path)
    (staff,) = demo.rows(
        "SELECT staff_id FROM conference_staff GROUP BY staff_id ORDER BY count(*) DESC LIMIT 1"
    )
    out = tmp_path / "demo.ics"
    run = demo("export", "ics", "--staff", staff[0], "-o", str(out))
    assert run.code == 0, run.err
    text = out.read_text()
    seen = _read_icalendar(text)
    assert len(seen) > 5 and {d.month for d, _ in seen.values()} & {10, 11, 12, 1, 2, 3}
    assert _read_ics(text) == seen and _read_vobject(text) == seen


@pytest.mark.parametrize(
    "zone", ["America/New_York", "Europe/Dublin", "Australia/Sydney", "America/Santiago"]
)
def test_the_vtimezone_gives_the_zones_offset_through_2026_and_2040(
    zone: str,
) -> None:
    """Read back by dateutil (what ics and vobject build on), daily and every quarter hour of
    each day the offset changes: negative DST (Dublin), the southern hemisphere, and a rule no
    single RRULE holds (Santiago: the first Sunday from the 2nd)."""
    from datetime import timedelta
    from io import StringIO
    from itertools import pairwise
    from zoneinfo import ZoneInfo

    from dateutil.tz import tzical

    from polterm.exporters.vtimezone import vtimezone

    tz = ZoneInfo(zone)
    text = vtimezone(tz, 2026, 2040).to_ical().decode()
    read = tzical(StringIO(f"BEGIN:VCALENDAR\r\n{text}END:VCALENDAR\r\n")).get()
    days = [datetime(year, 1, 1, tzinfo=UTC) + timedelta(days=n)
            for year in (2026, 2040) for n in range(365)]  # fmt: skip
    changes = [d for d, e in pairwise(days)
               if d.astimezone(tz).utcoffset() != e.astimezone(tz).utcoffset()]  # fmt: skip
    moments = days + [d + timedelta(minutes=15 * n) for d in changes for n in range(96)]
    assert len(changes) >= (2 if zone != "America/Santiago" else 1) * 2
    wrong = [m for m in moments if m.astimezone(tz).utcoffset() != m.astimezone(read).utcoffset()]
    assert wrong == []
