"""An event day as the terminal UI shows it: teachers × slots, a family's day, the waiting list,
and meetings booked, moved and cancelled by hand (`planned` 0, so no plan ever moves them).

Every read narrows to the students the actor may see: a meeting about anyone else shows as
busy, without a name. Every write goes through the conference service and its checks.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from typing import Any

from polterm.errors import PoltermError
from polterm.policy import Attendee, ConferenceDraft
from polterm.services import authz
from polterm.services.conferences import conference_draft, schedule_conference, update_conference
from polterm.services.event_requests import SLOT_BY_LEVEL, minutes, school_grid
from polterm.services.events import LOCATIONS, event_schools, interpreter_agenda, link_meetings
from polterm.services.families import HOUSEHOLD
from polterm.services.refs import require
from polterm.services.session import Session
from polterm.services.views import conflicts

FAMILY_PAGE = 20
WAITING_PAGE = 500  # the waiting list shown; more than that is said, not drawn


@dataclass(frozen=True)
class Cell:
    """One meeting in the timetable; `label` is empty for a student the actor may not see."""

    conference_id: int
    label: str
    household: str | None
    by_hand: bool


@dataclass
class Timetable:
    """One school's teachers × slots on one event day."""

    event_id: str
    school_id: str
    day: str
    slot_minutes: int
    slots: list[str]  # HH:MM starts, breaks left out
    teachers: list[tuple[str, str]]  # (staff id, name)
    meetings: dict[tuple[str, int], Cell] = field(default_factory=dict)
    away: set[tuple[str, int]] = field(default_factory=set)  # teacher unavailable then
    other: set[tuple[str, int]] = field(default_factory=set)  # in another conference then

    def at(self, slot: int) -> str:
        """The slot's start as `YYYY-MM-DDTHH:MM`."""
        return f"{self.day}T{self.slots[slot]}"


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def event_days(session: Session, event_id: str) -> list[str]:
    """The event's days in order."""
    session.authorize("conference.read")
    require(session, "event", event_id)
    return [
        d
        for (d,) in session.db.execute(
            "SELECT day FROM event_day WHERE event_id = ? ORDER BY day", [event_id]
        )
    ]


def visible_schools(session: Session, event_id: str) -> list[str]:
    """The event's schools whose students the actor may see."""
    scope = authz.visible_scope(session)
    schools = event_schools(session, event_id)
    if scope.school_ids is not None:
        schools = [s for s in schools if s in scope.school_ids]
    if scope.teacher_id is not None:
        schools = [s for s in schools if s == session.actor.school_id]
    return schools


def timetable(session: Session, event_id: str, school_id: str, day: str) -> Timetable:
    """The school's teachers and their meetings and absences on one day of the event."""
    session.authorize("conference.read", school_id=school_id)
    db = session.db
    event = require(session, "event", event_id)
    row = db.execute(
        "SELECT d.start, d.end, s.level FROM event_day d JOIN event_school e "
        "ON e.event_id = d.event_id JOIN school s ON s.id = e.school_id "
        "WHERE d.event_id = ? AND d.day = ? AND e.school_id = ?",
        [event_id, day, school_id],
    ).fetchone()
    if row is None:
        raise PoltermError(f"event {event_id!r} has no day {day!r} at school {school_id!r}")
    start, end, level = row
    slot = event["slot_minutes"] or SLOT_BY_LEVEL[level]
    breaks = list(db.execute("SELECT start, end FROM event_break WHERE event_id = ?", [event_id]))
    breaks = [(minutes(a), minutes(b)) for a, b in breaks]
    starts = school_grid(school_id, slot, [(day, start, end)], breaks).starts
    table = Timetable(
        event_id,
        school_id,
        day,
        slot,
        [_hhmm(s) for s in starts],
        list(
            db.execute(
                "SELECT id, name FROM staff WHERE school_id = ? AND role = 'teacher' AND active "
                "ORDER BY name COLLATE NOCASE, id",
                [school_id],
            )
        ),
    )
    index = {s: i for i, s in enumerate(starts)}
    teachers = {t for t, _ in table.teachers}
    visible, params = authz.visible_scope(session).sql("t")
    # each teacher's conferences that day, by the staff and conference-staff indexes
    for cid, at, length, staff_id, ours, household, planned, name, shown in db.execute(
        "SELECT c.id, c.at, c.duration_minutes, cs.staff_id, m.conference_id IS NOT NULL, "
        f"m.household, m.planned, t.given || ' ' || t.family, {visible} FROM staff s "
        "JOIN conference_staff cs ON cs.staff_id = s.id JOIN conference c "
        "ON c.id = cs.conference_id JOIN student t ON t.id = c.student_id "
        "LEFT JOIN event_meeting m ON m.conference_id = c.id AND m.event_id = ? "
        "WHERE s.school_id = ? AND c.status != 'cancelled' AND c.at >= ? AND c.at < ?",
        [*params, event_id, school_id, day, day + "T99"],
    ):
        if staff_id not in teachers:
            continue
        first = minutes(at[11:16])
        for s, i in index.items():
            if s < first + length and first < s + slot:
                if not ours:
                    table.other.add((staff_id, i))
                elif first <= s:
                    table.meetings[(staff_id, i)] = Cell(
                        cid, name if shown else "", household if shown else None, not planned
                    )
    for staff_id, a, b in db.execute(
        "SELECT staff_id, start, end FROM event_unavailable WHERE event_id = ? AND day = ?",
        [event_id, day],
    ):
        for s, i in index.items():
            if staff_id in teachers and minutes(a) <= s < minutes(b):
                table.away.add((staff_id, i))
    return table


def find_families(session: Session, text: str, limit: int = FAMILY_PAGE) -> list[dict[str, Any]]:
    """Households whose guardian's or child's name starts with `text` (any word), in reach."""
    session.authorize("contact.read")
    text = " ".join(text.split())
    if not text:
        return []
    prefix = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    visible, params = authz.visible_scope(session).sql("t")
    rows = session.db.execute(
        f"SELECT {HOUSEHOLD}, group_concat(DISTINCT g.name), "
        "group_concat(DISTINCT t.given || ' ' || t.family) FROM guardian g "
        "JOIN guardianship s ON s.guardian_id = g.id JOIN student t ON t.id = s.student_id "
        f"WHERE {visible} AND t.active AND (g.name LIKE ? ESCAPE '\\' "
        "OR g.name LIKE ? ESCAPE '\\' OR t.family LIKE ? ESCAPE '\\') "
        "GROUP BY 1 ORDER BY min(g.name COLLATE NOCASE), 1 LIMIT ?",
        [*params, prefix, "% " + prefix, prefix, limit],
    )
    return [
        {"household": h, "guardians": g.replace(",", ", "), "students": s.replace(",", ", ")}
        for h, g, s in rows
    ]


def _household_guardians(session: Session, household: str) -> list[tuple[str, str, str]]:
    """(guardian id, name, student id) of a household, for the students the actor may see."""
    visible, params = authz.visible_scope(session).sql("t")
    return list(
        session.db.execute(
            "SELECT g.id, g.name, t.id FROM guardian g JOIN guardianship s "
            "ON s.guardian_id = g.id JOIN student t ON t.id = s.student_id "
            f"WHERE {HOUSEHOLD} = ? AND {visible} AND t.active ORDER BY t.id, g.id",
            [household, *params],
        )
    )


def family_needs(session: Session, event_id: str, household: str) -> list[dict[str, Any]]:
    """Whom the household should meet at the event, each with its booking if it has one:
    the teacher of record (elementary) or the section teachers, and any teacher requested."""
    session.authorize("conference.read")
    db = session.db
    schools = event_schools(session, event_id)
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for student_id in dict.fromkeys(s for _, _, s in _household_guardians(session, household)):
        student = require(session, "student", student_id)
        if student["school_id"] not in schools:
            continue
        level = db.execute(
            "SELECT level FROM school WHERE id = ?", [student["school_id"]]
        ).fetchone()[0]
        if level == "elementary":
            teachers = [student["teacher_id"]] if student["teacher_id"] else []
        else:
            teachers = [
                t
                for (t,) in db.execute(
                    "SELECT DISTINCT t.staff_id FROM enrollment e JOIN section c "
                    "ON c.id = e.section_id AND c.active JOIN section_teacher t "
                    "ON t.section_id = c.id WHERE e.student_id = ? ORDER BY t.staff_id",
                    [student_id],
                )
            ]
        teachers += [
            t
            for (t,) in db.execute(
                "SELECT staff_id FROM event_request WHERE event_id = ? AND student_id = ? "
                "AND staff_id IS NOT NULL ORDER BY id",
                [event_id, student_id],
            )
        ]
        for staff_id in dict.fromkeys(teachers):
            name = db.execute("SELECT name FROM staff WHERE id = ?", [staff_id]).fetchone()[0]
            double = db.execute(
                "SELECT 1 FROM event_request WHERE event_id = ? AND student_id = ? AND double "
                "AND (staff_id IS NULL OR staff_id = ?)",
                [event_id, student_id, staff_id],
            ).fetchone()
            prefer = db.execute(
                "SELECT prefer FROM event_request WHERE event_id = ? AND student_id = ? "
                "AND prefer IS NOT NULL AND (staff_id IS NULL OR staff_id = ?) "
                "ORDER BY staff_id IS NULL, id LIMIT 1",
                [event_id, student_id, staff_id],
            ).fetchone()
            booked = db.execute(
                "SELECT c.id, c.at FROM event_meeting m JOIN conference c "
                "ON c.id = m.conference_id WHERE m.event_id = ? AND m.household = ? "
                "AND m.staff_id = ? AND c.student_id = ? AND c.status = 'scheduled'",
                [event_id, household, staff_id, student_id],
            ).fetchone()
            out[(student_id, staff_id)] = {
                "student_id": student_id,
                "student": f"{student['given']} {student['family']}",
                "school_id": student["school_id"],
                "staff_id": staff_id,
                "teacher": name,
                "conference": booked[0] if booked else None,
                "at": booked[1] if booked else None,
                "double": double is not None,
                "prefer": prefer[0] if prefer else None,  # early, late or a day of the event
            }
    return sorted(out.values(), key=lambda n: (n["at"] or "", n["student"], n["teacher"]))


def waiting_list(session: Session, event_id: str) -> list[dict[str, Any]]:
    """Requests of the event not yet booked (for students the actor may see), oldest first."""
    session.authorize("conference.read")
    visible, params = authz.visible_scope(session).sql("t")
    return list(
        session.db.query(
            "SELECT r.id, r.student_id, t.given || ' ' || t.family AS student, t.school_id, "
            "r.staff_id, coalesce(s.name, 'every teacher') AS teacher, "
            "coalesce(r.priority, '') AS priority, coalesce(r.prefer, '') AS prefer "
            "FROM event_request r JOIN student t ON t.id = r.student_id "
            "LEFT JOIN staff s ON s.id = r.staff_id "
            f"WHERE r.event_id = ? AND {visible} AND NOT EXISTS (SELECT 1 FROM event_meeting m "
            "JOIN conference c ON c.id = m.conference_id WHERE m.event_id = r.event_id "
            "AND c.student_id = r.student_id AND c.status = 'scheduled' "
            "AND (r.staff_id IS NULL OR m.staff_id = r.staff_id)) ORDER BY r.id LIMIT ?",
            [event_id, *params, WAITING_PAGE],
        )
    )


def _draft(
    session: Session, event: dict[str, Any], household: str, student_id: str, staff_id: str, at: str
) -> ConferenceDraft:
    guardians = [
        Attendee(name, gid)
        for gid, name, sid in _household_guardians(session, household)
        if sid == student_id
    ]
    offered = event["modalities"].split(",")
    return ConferenceDraft(
        student_id=student_id,
        kind=event["kind"],
        at=at,
        modality="in-person" if "in-person" in offered else offered[0],
        remote_offered="phone" in offered or "video" in offered,
        staff_ids=(staff_id,),
        attendees=tuple(guardians),
    )


def why_not(
    session: Session,
    table: Timetable,
    staff_id: str,
    slot: int,
    household: str,
    student_id: str,
    moving: int | None = None,
    length: int = 1,
    interpreter: str | None = None,
) -> str | None:
    """Why this meeting (of `length` slots) cannot be at that slot (None when it can): no room
    for it in the day, teacher away or busy, the student or a guardian of the household busy,
    no interpreter (the one named, or any) free for the family's language."""
    first = minutes(table.slots[slot])
    for extra in range(length):
        here = slot + extra
        if here >= len(table.slots) or minutes(table.slots[here]) != first + extra * (
            table.slot_minutes
        ):
            return "no room in the day for a double meeting"
        if (staff_id, here) in table.away:
            return "the teacher is unavailable then"
        held = table.meetings.get((staff_id, here))
        if held is not None and held.conference_id != moving:
            return "the teacher has a meeting then"
    event = require(session, "event", table.event_id)
    draft = _draft(session, event, household, student_id, staff_id, table.at(slot))
    found = conflicts(session, _with_id(draft, moving), table.slot_minutes * length)
    if found:
        return found[0]
    return interpreter_for(
        session, table, slot, length, household, student_id, interpreter, moving
    )[1]


def interpreter_language(session: Session, household: str, student_id: str) -> str | None:
    """The language a guardian of the household needs an interpreter for (None: none needed)."""
    row = session.db.execute(
        "SELECT g.language FROM guardianship s JOIN guardian g ON g.id = s.guardian_id "
        f"WHERE s.student_id = ? AND {HOUSEHOLD} = ? AND g.interpreter "
        "AND g.language IS NOT NULL ORDER BY g.id LIMIT 1",
        [student_id, household],
    ).fetchone()
    return row[0] if row else None


def free_interpreters(
    session: Session,
    table: Timetable,
    slot: int,
    length: int,
    language: str,
    moving: int | None = None,
) -> list[str]:
    """Interpreters of the language available for the whole meeting and in no other then."""
    start = table.slots[slot]
    end = _hhmm(minutes(start) + length * table.slot_minutes)
    return [
        i
        for (i,) in session.db.execute(
            "SELECT DISTINCT i.id FROM interpreter i JOIN interpreter_available a "
            "ON a.interpreter_id = i.id WHERE i.language = ? AND a.event_id = ? AND a.day = ? "
            "AND a.start <= ? AND a.end >= ? AND NOT EXISTS (SELECT 1 FROM conference c "
            "JOIN event_meeting m ON m.conference_id = c.id WHERE m.interpreter_id = i.id "
            "AND c.status != 'cancelled' AND c.id IS NOT ? AND c.at >= ? AND c.at < ? "
            "AND strftime('%H:%M', c.at, '+' || c.duration_minutes || ' minutes') > ?) "
            "ORDER BY i.id",
            [language, table.event_id, table.day, start, end, moving, table.day,
             f"{table.day}T{end}", start],
        )
    ]  # fmt: skip


def interpreter_for(
    session: Session,
    table: Timetable,
    slot: int,
    length: int,
    household: str,
    student_id: str,
    wanted: str | None = None,
    moving: int | None = None,
) -> tuple[str | None, str | None]:
    """(the interpreter who will interpret, None) or (None, why not): the one `wanted`, else the
    first free one of the family's language; (None, None) when the family needs none."""
    language = interpreter_language(session, household, student_id)
    if language is None:
        return None, (f"household {household!r} needs no interpreter" if wanted else None)
    free = free_interpreters(session, table, slot, length, language, moving)
    if wanted is None:
        return (free[0], None) if free else (None, f"no interpreter of {language} free then")
    if wanted not in free:
        return None, f"interpreter {wanted!r} is not free for {language} then"
    return wanted, None


def _with_id(draft: ConferenceDraft, conference_id: int | None) -> ConferenceDraft:
    return draft if conference_id is None else replace(draft, id=conference_id)


def first_free(
    session: Session,
    table: Timetable,
    staff_id: str,
    household: str,
    student_id: str,
    length: int = 1,
    latest: bool = False,
    offered: Collection[tuple[int, int]] = (),
) -> int | None:
    """The earliest slot of the day the meeting (of `length` slots) fits in (the latest, with
    `latest`), away from the minutes (start, end) already `offered` to the family, or None."""
    slots = range(len(table.slots))
    for slot in reversed(slots) if latest else slots:
        if any((staff_id, slot) in cells for cells in (table.away, table.other, table.meetings)):
            continue
        start = minutes(table.slots[slot])
        end = start + length * table.slot_minutes
        if any(start < b and a < end for a, b in offered):
            continue
        if why_not(session, table, staff_id, slot, household, student_id, None, length) is None:
            return slot
    return None


def _event_of(session: Session, event_id: str, student_id: str) -> dict[str, Any]:
    """The event, once the actor may schedule the student's conferences and the event covers
    the student's school (booking by hand is scheduling: office staff may, for their school)."""
    event = require(session, "event", event_id)
    student = require(session, "student", student_id)
    session.authorize("conference.write", student_id=student_id, school_id=student["school_id"])
    if student["school_id"] not in event_schools(session, event_id):
        raise PoltermError(f"event {event_id!r} does not cover school {student['school_id']!r}")
    return event


def book(
    session: Session,
    table: Timetable,
    staff_id: str,
    slot: int,
    household: str,
    student_id: str,
    length: int = 1,
    interpreter: str | None = None,
) -> int:
    """Book a meeting by hand at a slot: a scheduled conference linked to the event, `length`
    slots long, with the interpreter named (or the first free one) if the family needs one."""
    with session.transaction():
        event = _event_of(session, table.event_id, student_id)
        why = why_not(
            session, table, staff_id, slot, household, student_id, None, length, interpreter
        )
        if why is not None:
            raise PoltermError(f"cannot book {table.slots[slot]}: {why}")
        interpreter = interpreter_for(
            session, table, slot, length, household, student_id, interpreter
        )[0]
        draft = _draft(session, event, household, student_id, staff_id, table.at(slot))
        agenda = None if interpreter is None else interpreter_agenda(session, interpreter)
        conference_id = schedule_conference(
            session,
            draft,
            duration_minutes=table.slot_minutes * length,
            location=LOCATIONS.get(draft.modality or ""),
            agenda=agenda,
        )
        link = (conference_id, household, student_id, staff_id, interpreter)
        link_meetings(session, table.event_id, [link], planned=False)
    return conference_id


def move(session: Session, table: Timetable, conference_id: int, slot: int) -> None:
    """Move a meeting of the day to another slot of the same teacher, now a booking by hand."""
    with session.transaction():
        link = session.db.execute(
            "SELECT m.household, m.staff_id, m.interpreter_id, c.duration_minutes "
            "FROM event_meeting m JOIN conference c ON c.id = m.conference_id "
            "WHERE m.conference_id = ? AND m.event_id = ?",
            [conference_id, table.event_id],
        ).fetchone()
        if link is None:
            raise PoltermError(f"conference {conference_id} is not a meeting of this event")
        household, staff_id, interpreter, length = link
        student_id = conference_draft(session, conference_id).student_id
        _event_of(session, table.event_id, student_id)
        slots = max(1, -(-length // table.slot_minutes))  # a double moves as a double
        why = why_not(
            session, table, staff_id, slot, household, student_id, conference_id, slots, interpreter
        )
        if why is not None:
            raise PoltermError(f"cannot move to {table.slots[slot]}: {why}")
        update_conference(session, conference_id, {"at": table.at(slot)})
        session.update("event_meeting", conference_id, {"planned": 0}, student_id=student_id)


def cancel(session: Session, event_id: str, conference_id: int) -> None:
    """Cancel a meeting of the event; its slot is free again."""
    with session.transaction():
        if not session.db.execute(
            "SELECT 1 FROM event_meeting WHERE conference_id = ? AND event_id = ?",
            [conference_id, event_id],
        ).fetchone():
            raise PoltermError(f"conference {conference_id} is not a meeting of event {event_id!r}")
        update_conference(session, conference_id, {"status": "cancelled"})


def family_day(session: Session, event_id: str, household: str, day: str) -> list[dict[str, Any]]:
    """The household's meetings on one day of the event, by time."""
    return [n for n in family_needs(session, event_id, household) if (n["at"] or "")[:10] == day]


def household_of(session: Session, student_id: str) -> str | None:
    """The first household (by guardian id) of a student the actor may see."""
    session.authorize("contact.read", student_id=student_id)
    row = session.db.execute(
        f"SELECT {HOUSEHOLD} FROM guardian g JOIN guardianship s ON s.guardian_id = g.id "
        "WHERE s.student_id = ? ORDER BY g.id LIMIT 1",
        [student_id],
    ).fetchone()
    return row[0] if row else None


def meeting_party(session: Session, conference_id: int) -> tuple[str, str, str]:
    """(household, student id, a label) of an event meeting, for checking a move."""
    row = session.db.execute(
        "SELECT m.household, c.student_id, t.school_id, t.given || ' ' || t.family "
        "FROM event_meeting m JOIN conference c ON c.id = m.conference_id "
        "JOIN student t ON t.id = c.student_id WHERE m.conference_id = ?",
        [conference_id],
    ).fetchone()
    if row is None:
        raise PoltermError(f"conference {conference_id} is not a meeting of an event")
    session.authorize("conference.read", student_id=row[1], school_id=row[2])
    return row[0], row[1], row[3]


@dataclass(frozen=True)
class Booking:
    """A meeting proposed (conference None) or booked for a family on the phone."""

    household: str
    student_id: str
    staff_id: str
    school_id: str
    at: str
    label: str
    conference_id: int | None = None
    length: int = 1  # slots: 2 for a double-length meeting


def proposals(session: Session, event_id: str, household: str) -> list[Booking]:
    """Each meeting the household still needs, at its first free slot over the event's days:
    a day it already comes to that school first, then the day it prefers, then the others
    (the person on the phone agrees to a second trip), the latest free slot of the day for a
    family that prefers late; a meeting with no free slot left is not offered."""
    days = event_days(session, event_id)
    needs = family_needs(session, event_id, household)
    tables: dict[tuple[str, str], Timetable] = {}
    offered: dict[str, list[tuple[int, int]]] = {}  # by day: the minutes offered so far
    out = []
    for need in needs:
        if need["at"]:
            continue
        # the days the family already comes to this school first: one trip, if it fits
        kept = [
            d
            for d in days
            if any(
                n["at"] and n["at"][:10] == d and n["school_id"] == need["school_id"] for n in needs
            )
        ]
        preferred = [need["prefer"]] if need["prefer"] in days else []
        for day in dict.fromkeys(kept + preferred + days):
            key = (need["school_id"], day)
            if key not in tables:
                tables[key] = timetable(session, event_id, need["school_id"], day)
            table = tables[key]
            length = 2 if need["double"] else 1
            taken = offered.setdefault(day, [])
            slot = first_free(
                session, table, need["staff_id"], household, need["student_id"], length,
                latest=need["prefer"] == "late", offered=taken,
            )  # fmt: skip
            if slot is not None:
                start = minutes(table.slots[slot])
                taken.append((start, start + length * table.slot_minutes))
                label = f"{need['student']} with {need['teacher']}" + (
                    " (double)" if length == 2 else ""
                )
                at = table.at(slot)
                out.append(
                    Booking(
                        household,
                        need["student_id"],
                        need["staff_id"],
                        key[0],
                        at,
                        label,
                        length=length,
                    )
                )
                break
    return out


def book_proposal(session: Session, event_id: str, proposal: Booking) -> Booking:
    """Book a proposed meeting at its slot (checked again: someone may have taken it)."""
    day, hhmm = proposal.at.split("T")
    table = timetable(session, event_id, proposal.school_id, day)
    slot = table.slots.index(hhmm)
    conference_id = book(
        session,
        table,
        proposal.staff_id,
        slot,
        proposal.household,
        proposal.student_id,
        proposal.length,
    )
    return replace(proposal, conference_id=conference_id)
