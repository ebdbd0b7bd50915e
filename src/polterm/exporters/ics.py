"""RFC 5545 calendars of conferences, one VEVENT per conference with a stable UID.

Privacy: a teacher's calendar is often shared, so the SUMMARY names the student by given
name and family initial only, notes never leave polterm, and guardians' names and email
addresses are not written (they are contact data, `contact.read`); staff attend as
`urn:polterm:staff:ID` with their name, since polterm keeps no staff email addresses.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event, vCalAddress

from polterm.errors import PoltermError
from polterm.services import authz
from polterm.services.refs import reached
from polterm.services.session import Session

DEFAULT_TZ = "America/New_York"
STATUS = {"scheduled": "CONFIRMED", "held": "CONFIRMED", "cancelled": "CANCELLED"}


def district_timezone() -> ZoneInfo:
    """The district's time zone: `$POLTERM_TZ`, else America/New_York."""
    name = os.environ.get("POLTERM_TZ") or DEFAULT_TZ
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise PoltermError(f"time zone {name!r} is not known (POLTERM_TZ)") from None


def district_slug(session: Session) -> str:
    row = session.db.execute("SELECT name FROM district").fetchone()
    return re.sub(r"[^a-z0-9]+", "-", (row[0] if row else "district").lower()).strip("-")


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
        "SELECT c.id, c.kind, c.status, c.at, c.duration_minutes, c.modality,"
        " c.location, c.version, s.given, s.family FROM conference c"
        f" JOIN student s ON s.id = c.student_id WHERE {where} AND c.status != 'no-show'"
        " ORDER BY c.at, c.id",
        params,
    ).fetchall()
    for cid, kind, status, at, minutes, modality, location, version, given, family in rows:
        start = datetime.strptime(at, "%Y-%m-%dT%H:%M").replace(tzinfo=tz)
        event = Event()
        event.add("uid", f"conference-{cid}@{slug}.polterm")
        event.add("summary", f"Conference: {kind} — {given} {family[:1]}.")
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=minutes))
        event.add("dtstamp", datetime.now(tz=ZoneInfo("UTC")).replace(microsecond=0))
        event.add("sequence", version)
        event.add("status", STATUS.get(status, "CONFIRMED"))
        place = location or ""
        if modality != "in-person":
            place = f"{modality}: {place}" if place else modality
        if place:
            event.add("location", place)
        for staff, name in session.db.execute(
            "SELECT st.id, st.name FROM conference_staff cs JOIN staff st ON st.id = cs.staff_id"
            " WHERE cs.conference_id = ? ORDER BY st.id",
            [cid],
        ):
            attendee = vCalAddress(f"urn:polterm:staff:{staff}")
            attendee.params["cn"] = name
            attendee.params["role"] = "REQ-PARTICIPANT"
            event.add("attendee", attendee, encode=0)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal
