"""RFC 5545 calendars of conferences, one VEVENT per conference with a stable UID.

Privacy: a teacher's calendar is often shared, so the SUMMARY names the student by given
name and family initial only, notes never leave polterm, and guardians' names and email
addresses are not written (they are contact data, `contact.read`). The school organizes
each conference (ORGANIZER, which RFC 5545 requires beside an ATTENDEE); staff attend under
their name. Each is addressed by mailto where an e-mail is known, else by a URN whose id is
percent-encoded, since polterm keeps no staff or school addresses.

Times: DTSTART and DTEND are local times with a TZID, DTEND computed in absolute time (a
conference across the end of daylight saving lasts its minutes); a time the clocks repeat
and that means its second reading is written in UTC, which no reader can take for the first.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress

from polterm.errors import PoltermError
from polterm.exporters.files import atomic_output
from polterm.exporters.vtimezone import vtimezone
from polterm.services import authz
from polterm.services.localtime import district_timezone, instant
from polterm.services.refs import reached
from polterm.services.session import Session

STATUS = {"scheduled": "CONFIRMED", "held": "CONFIRMED", "cancelled": "CANCELLED"}


def calendar_address(kind: str, id: str, name: str, email: str | None = None) -> vCalAddress:
    """A calendar user as a valid URI: mailto when an e-mail is known, else a polterm URN."""
    uri = f"mailto:{email}" if email else f"urn:polterm:{kind}:{quote(id, safe='')}"
    address = vCalAddress(uri)
    address.params["cn"] = name
    return address


def local_time(moment: datetime, tz: ZoneInfo) -> datetime:
    """A UTC moment as local time, or as UTC when local time would name the earlier reading."""
    local = moment.astimezone(tz)
    return (
        moment if local.fold and local.replace(fold=0).utcoffset() != local.utcoffset() else local
    )


def district_slug(session: Session) -> str:
    row = session.db.execute("SELECT name FROM district").fetchone()
    return re.sub(r"[^a-z0-9]+", "-", (row[0] if row else "district").lower()).strip("-")


def conference_uid(conference_id: int, slug: str) -> str:
    """A conference's iCalendar UID: the same in `export ics` and in mail to families."""
    return f"conference-{conference_id}@{slug}.polterm"


def conference_calendar(
    session: Session, *, staff_id: str | None = None, student_id: str | None = None
) -> Calendar:
    """The conferences of one staff member or one student (not no-shows) as a calendar.

    Staff members' own calendars hold every conference they attend, also those about other
    teachers' students; another's calendar is for principals (their school's staff) and IT,
    and holds only the conferences of students the reader may see.
    """
    if (staff_id is None) == (student_id is None):
        raise PoltermError("give exactly one of --staff or --student")
    if staff_id is not None:
        row = session.db.execute("SELECT school_id FROM staff WHERE id = ?", [staff_id]).fetchone()
        if row is None:
            raise PoltermError(f"no staff member with id {staff_id!r}")
        where = "c.id IN (SELECT conference_id FROM conference_staff WHERE staff_id = ?)"
        params: list[str] = [staff_id]
        if staff_id != session.actor.staff_id:
            session.authorize("staff.read", school_id=row[0])
            visible, scope_params = authz.visible_scope(session).sql("s")
            where = f"{where} AND {visible}"
            params += scope_params
    else:
        reached(session, "student", student_id, "conference.read")
        where, params = "c.student_id = ?", [str(student_id)]
    tz = district_timezone()
    slug = district_slug(session)
    cal = Calendar()
    cal.add("prodid", "-//polterm//conferences//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-timezone", tz.key)
    rows = session.db.execute(
        "SELECT c.id, c.kind, c.status, c.at, c.fold, c.duration_minutes,"
        " c.modality, c.location, c.version, s.given, s.family, sc.id, sc.name FROM conference c"
        " JOIN student s ON s.id = c.student_id JOIN school sc ON sc.id = s.school_id"
        f" WHERE {where} AND c.status != 'no-show' ORDER BY c.at, c.fold, c.id",
        params,
    ).fetchall()
    stamp = datetime.now(tz=UTC).replace(microsecond=0)
    years: list[int] = []
    for (cid, kind, status, at, fold, minutes, modality, location, version, given, family,
         school_id, school) in rows:  # fmt: skip
        start = instant(at, fold, tz)
        end = start + timedelta(minutes=minutes)
        years += [start.astimezone(tz).year, end.astimezone(tz).year]
        event = Event()
        event.add("uid", conference_uid(cid, slug))
        event.add("summary", f"Conference: {kind} — {given} {family[:1]}.")
        event.add("dtstart", local_time(start, tz))
        event.add("dtend", local_time(end, tz))
        event.add("dtstamp", stamp)
        event.add("sequence", version)
        event.add("status", STATUS.get(status, "CONFIRMED"))
        place = location or ""
        if modality != "in-person":
            place = f"{modality}: {place}" if place else modality
        if place:
            event.add("location", place)
        event.add("organizer", calendar_address("school", school_id, school), encode=0)
        for staff, name in session.db.execute(
            "SELECT st.id, st.name FROM conference_staff cs JOIN staff st ON st.id = cs.staff_id"
            " WHERE cs.conference_id = ? ORDER BY st.id",
            [cid],
        ):
            attendee = calendar_address("staff", staff, name)
            attendee.params["role"] = "REQ-PARTICIPANT"
            event.add("attendee", attendee, encode=0)
        cal.add_component(event)
    if years:
        cal.add_component(vtimezone(tz, min(years), max(years)))
        cal.subcomponents.insert(0, cal.subcomponents.pop())  # before the events that use it
    return cal


def write_calendar(
    session: Session, path: Path, *, staff_id: str | None = None, student_id: str | None = None
) -> None:
    """One staff member's or student's calendar written to `path`, whole or not at all."""
    cal = conference_calendar(session, staff_id=staff_id, student_id=student_id)
    with atomic_output(path, binary=True) as f:
        f.write(cal.to_ical())  # type: ignore[attr-defined]
