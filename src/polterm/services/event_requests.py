"""From the database to a planning instance: whom each household meets, and when all are free.

A household is one invitation unit: guardians sharing `guardian.household` (a guardian
without one is a household alone). Each household of a student meets:
- at an elementary school, the student's teacher of record;
- at a middle or high school, the teachers of the student's active sections (with the event's
  `asked_only` setting, only the teachers a request names);
plus any teacher a request names. Priority: 1 for a student with an open P1471 request,
2 for one whose 6310 flexible conferences are not yet held twice this school year, else 3.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from polterm.config import active_policies
from polterm.errors import PoltermError
from polterm.planning.instance import DAY, Grid, Instance, Interpreter, Meeting
from polterm.planning.occupancy import Occupancy
from polterm.services.session import Session

SLOT_BY_LEVEL = {"elementary": 20, "middle": 10, "high": 10}


@dataclass
class Booked:
    """A conference the event already holds: where it is and whether a person booked it."""

    conference_id: int
    at: int  # minute on the event timeline
    interpreter: str | None
    by_hand: bool


@dataclass
class Loaded:
    """The instance, and what is needed to write its plan back."""

    event: dict[str, Any]
    instance: Instance
    limited: list[Meeting] = field(default_factory=list)  # over the family/child maximum
    booked: dict[int, Booked] = field(default_factory=dict)  # meeting index -> booking
    released: dict[int, Booked] = field(default_factory=dict)  # no longer fits: to move
    guardians: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=dict)
    open_requests: dict[str, str] = field(default_factory=dict)  # student -> request id


def minutes(hhmm: str) -> int:
    """`HH:MM` as minutes of the day."""
    return int(hhmm[:2]) * 60 + int(hhmm[3:5])


def load(session: Session, event_id: str, reshuffle: bool = False) -> Loaded:
    """The event's planning instance, with its kept and released bookings."""
    db = session.db
    event = dict(next(iter(db.query("SELECT * FROM event WHERE id = ?", [event_id]))))
    days = list(
        db.execute(
            "SELECT day, start, end FROM event_day WHERE event_id = ? ORDER BY day", [event_id]
        )
    )
    day_index = {d: i for i, (d, _, _) in enumerate(days)}
    breaks = [
        (minutes(a), minutes(b))
        for a, b in db.execute("SELECT start, end FROM event_break WHERE event_id = ?", [event_id])
    ]
    schools = dict(
        db.execute(
            "SELECT s.id, s.level FROM event_school e JOIN school s ON s.id = e.school_id "
            "WHERE e.event_id = ?",
            [event_id],
        ).fetchall()
    )
    grids = {
        school: school_grid(school, event["slot_minutes"] or SLOT_BY_LEVEL[level], days, breaks)
        for school, level in schools.items()
    }
    instance = Instance(
        grids,
        [],
        teacher_cap=event["teacher_cap"],
        family_gap=event["family_gap_minutes"],
        travel=event["travel_minutes"],
        one_day=bool(event["one_day"]),
        day_names=tuple(d for d, _, _ in days),
    )
    loaded = Loaded(event, instance)
    wanted = _requested_meetings(session, loaded, schools, day_index)
    _limit(loaded, wanted)
    _interpreters(session, loaded, day_index)
    _busy(session, loaded, day_index)
    _bookings(session, loaded, day_index, reshuffle)
    return loaded


def school_grid(school: str, slot: int, days: list[tuple[str, str, str]], breaks: list) -> Grid:
    """A school's slots over the event's days, leaving out any that meets a break."""
    starts = []
    for i, (_, start, end) in enumerate(days):
        t = minutes(start)
        while t + slot <= minutes(end):
            if not any(a < t + slot and t < b for a, b in breaks):
                starts.append(i * DAY + t)
            t += slot
    return Grid(school, slot, tuple(starts))


def _requested_meetings(
    session: Session, loaded: Loaded, schools: dict[str, str], day_index: dict[str, int]
) -> list[Meeting]:
    """Every meeting the event's requests and rosters call for, by household."""
    db = session.db
    event = loaded.event
    marks = ",".join("?" * len(schools))
    students = {
        row[0]: row
        for row in db.execute(
            "SELECT id, school_id, teacher_id FROM student "
            f"WHERE active AND school_id IN ({marks})",
            list(schools),
        )
    }
    sections: dict[str, list[str]] = defaultdict(list)
    homeroom: dict[str, str] = {}
    for student_id, staff_id, is_home in db.execute(
        "SELECT e.student_id, t.staff_id, c.homeroom AND t.is_primary FROM enrollment e "
        "JOIN section c ON c.id = e.section_id AND c.active "
        "JOIN section_teacher t ON t.section_id = c.id "
        f"WHERE c.school_id IN ({marks}) ORDER BY e.student_id, t.is_primary DESC, t.staff_id",
        list(schools),
    ):
        if staff_id not in sections[student_id]:
            sections[student_id].append(staff_id)
        if is_home:
            homeroom.setdefault(student_id, staff_id)
    requests: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in db.query(
        "SELECT * FROM event_request WHERE event_id = ? ORDER BY id", [event["id"]]
    ):
        requests[row["student_id"]].append(row)
    households = _households(session, loaded, marks, list(schools))
    priority = _priorities(session, loaded, marks, list(schools))
    out: list[Meeting] = []
    for student_id, (_, school_id, teacher_id) in students.items():
        asked = [r["staff_id"] for r in requests[student_id] if r["staff_id"]]
        if schools[school_id] == "elementary":
            derived = [t for t in (teacher_id or homeroom.get(student_id),) if t]
        else:
            derived = [] if event["asked_only"] else sections[student_id]
        teachers = list(dict.fromkeys([*derived, *asked]))
        for household, language in households.get(student_id, []):
            for staff_id in teachers:
                general = [r for r in requests[student_id] if r["staff_id"] in (None, staff_id)]
                prefer = next((r["prefer"] for r in general if r["prefer"]), None)
                if prefer in day_index:
                    prefer = str(day_index[prefer])
                out.append(
                    Meeting(
                        len(out),
                        household,
                        student_id,
                        staff_id,
                        school_id,
                        priority=min(
                            [r["priority"] for r in general if r["priority"]]
                            or [priority.get(student_id, 3)]
                        ),
                        length=2 if any(r["double"] for r in general) else 1,
                        language=language,
                        prefer=prefer,
                        modality=_modality(event, [r["modality"] for r in general]),
                    )
                )
    return out


def _modality(event: dict[str, Any], wanted: list[str | None]) -> str:
    """The family's wish if the event offers it, else in person if offered, else the first."""
    offered = event["modalities"].split(",")
    for choice in [*wanted, "in-person"]:
        if choice in offered:
            return choice
    return offered[0]


def _households(
    session: Session, loaded: Loaded, marks: str, schools: list[str]
) -> dict[str, list[tuple[str, str | None]]]:
    """Each student's households with the language an interpreter is needed for (or None)."""
    out: dict[str, dict[str, str | None]] = defaultdict(dict)
    for student_id, guardian_id, name, household, language, interpreter in session.db.execute(
        "SELECT g2.student_id, g.id, g.name, coalesce(g.household, 'guardian:' || g.id), "
        "g.language, g.interpreter FROM guardianship g2 JOIN guardian g ON g.id = g2.guardian_id "
        f"JOIN student t ON t.id = g2.student_id WHERE t.active AND t.school_id IN ({marks}) "
        "ORDER BY g2.student_id, g.id",
        schools,
    ):
        need = language if interpreter else None
        out[student_id][household] = out[student_id].get(household) or need
        loaded.guardians.setdefault((household, student_id), []).append((guardian_id, name))
    return {s: sorted(h.items()) for s, h in out.items()}


def _priorities(session: Session, loaded: Loaded, marks: str, schools: list[str]) -> dict[str, int]:
    """1: an open P1471 parent request; 2: fewer than two 6310 flexible conferences held."""
    db = session.db
    policies = active_policies(db)
    out: dict[str, int] = {}
    if "clinton_6310" in policies:
        first = (
            loaded.instance.day_names[0] if loaded.instance.day_names else date.today().isoformat()
        )
        year = db.execute(
            "SELECT start, end FROM school_year WHERE start <= ? ORDER BY start DESC LIMIT 1",
            [first],
        ).fetchone()
        start, end = year if year else ("0000-00-00", "9999-12-31")
        for (student_id,) in db.execute(
            "SELECT t.id FROM student t WHERE t.active AND t.school_id IN "
            f"({marks}) AND (SELECT count(*) FROM conference c WHERE c.student_id = t.id "
            "AND c.kind = 'flexible' AND c.status = 'held' "
            "AND substr(c.at, 1, 10) BETWEEN ? AND ?) < 2",
            [*schools, start, end],
        ):
            out[student_id] = 2
    if "p1471" in policies:
        for request_id, student_id in db.execute(
            "SELECT r.id, r.student_id FROM parent_request r JOIN student t ON t.id = r.student_id "
            f"WHERE t.school_id IN ({marks}) AND NOT EXISTS "
            "(SELECT 1 FROM conference c WHERE c.request_id = r.id) ORDER BY r.requested_on",
            schools,
        ):
            out[student_id] = 1
            loaded.open_requests.setdefault(student_id, request_id)
    return out


def _limit(loaded: Loaded, wanted: list[Meeting]) -> None:
    """Keep at most the event's meetings per family and per child, the most urgent first."""
    event = loaded.event
    per_family: dict[str, int] = defaultdict(int)
    per_child: dict[tuple[str, str], int] = defaultdict(int)
    for meeting in sorted(wanted, key=lambda m: (m.priority, m.index)):
        child = (meeting.household, meeting.student_id)
        if (
            event["max_per_family"] and per_family[meeting.household] >= event["max_per_family"]
        ) or (event["max_per_child"] and per_child[child] >= event["max_per_child"]):
            loaded.limited.append(meeting)
            continue
        per_family[meeting.household] += 1
        per_child[child] += 1
    cut = {m.index for m in loaded.limited}
    kept = [m for m in wanted if m.index not in cut]
    loaded.instance.meetings = [Meeting(i, *_fields(m)[1:]) for i, m in enumerate(kept)]


def _fields(meeting: Meeting) -> tuple:
    from dataclasses import astuple

    return astuple(meeting)


def _interpreters(session: Session, loaded: Loaded, day_index: dict[str, int]) -> None:
    """Interpreters with their availability on the event's days."""
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    language: dict[str, str] = {}
    for interpreter_id, lang, day, start, end in session.db.execute(
        "SELECT i.id, i.language, a.day, a.start, a.end FROM interpreter_available a "
        "JOIN interpreter i ON i.id = a.interpreter_id WHERE a.event_id = ?",
        [loaded.event["id"]],
    ):
        if day in day_index:
            offset = day_index[day] * DAY
            spans[interpreter_id].append((offset + minutes(start), offset + minutes(end)))
            language[interpreter_id] = lang
    loaded.instance.interpreters = {
        i: Interpreter(i, language[i], tuple(sorted(s))) for i, s in sorted(spans.items())
    }


def _at(day_index: dict[str, int], at: str) -> int | None:
    """A conference's `YYYY-MM-DDTHH:MM` on the event timeline (None: not an event day)."""
    day = day_index.get(at[:10])
    return None if day is None else day * DAY + minutes(at[11:16])


def _busy(session: Session, loaded: Loaded, day_index: dict[str, int]) -> None:
    """Unavailable teachers, forced breaks, and everyone's other conferences on event days."""
    inst, event = loaded.instance, loaded.event
    staff: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for staff_id, day, start, end in session.db.execute(
        "SELECT staff_id, day, start, end FROM event_unavailable WHERE event_id = ?", [event["id"]]
    ):
        offset = day_index[day] * DAY
        staff[staff_id].append((offset + minutes(start), offset + minutes(end)))
    if event["max_consecutive"]:
        _forced_breaks(inst, event["max_consecutive"], staff)
    families: dict[str, list[tuple[int, int]]] = defaultdict(list)
    students: dict[str, list[tuple[int, int]]] = defaultdict(list)
    household_of: dict[str, set[str]] = defaultdict(set)
    for (household, _), guardians in loaded.guardians.items():
        for guardian_id, _name in guardians:
            household_of[guardian_id].add(household)
    days = list(day_index)
    marks = ",".join("?" * len(days))
    for conference_id, student_id, at, length in session.db.execute(
        "SELECT c.id, c.student_id, c.at, c.duration_minutes FROM conference c "
        f"WHERE c.status != 'cancelled' AND substr(c.at, 1, 10) IN ({marks}) AND c.id NOT IN "
        "(SELECT conference_id FROM event_meeting WHERE event_id = ?)",
        [*days, event["id"]],
    ):
        start = _at(day_index, at)
        span = (start, start + length)
        students[student_id].append(span)
        for (staff_id,) in session.db.execute(
            "SELECT staff_id FROM conference_staff WHERE conference_id = ?", [conference_id]
        ):
            staff[staff_id].append(span)
        for (guardian_id,) in session.db.execute(
            "SELECT guardian_id FROM conference_attendee WHERE conference_id = ? "
            "AND guardian_id IS NOT NULL",
            [conference_id],
        ):
            for household in household_of.get(guardian_id, ()):
                families[household].append(span)
    inst.staff_busy = {k: _merged(v) for k, v in staff.items()}
    inst.household_busy = dict(families)
    inst.student_busy = {k: _merged(v) for k, v in students.items()}


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping busy spans as one (a timeline holds disjoint intervals)."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _forced_breaks(inst: Instance, most: int, staff: dict[str, list[tuple[int, int]]]) -> None:
    """After `most` consecutive slots a teacher's next slot is a break (at every school)."""
    teachers: dict[str, set[str]] = defaultdict(set)
    for meeting in inst.meetings:
        teachers[meeting.school_id].add(meeting.staff_id)
    for school_id, grid in inst.grids.items():
        run = 0
        for i, start in enumerate(grid.starts):
            run = run + 1 if i and start - grid.starts[i - 1] == grid.slot_minutes else 1
            if run % (most + 1) == 0:
                for staff_id in teachers[school_id]:
                    staff[staff_id].append((start, start + grid.slot_minutes))


def _bookings(session: Session, loaded: Loaded, day_index: dict[str, int], reshuffle: bool) -> None:
    """Match the event's conferences to the requested meetings; keep, or let them move."""
    inst = loaded.instance
    by_key = {(m.household, m.student_id, m.staff_id): m for m in inst.meetings}
    for (
        conference_id,
        household,
        staff_id,
        interpreter,
        planned,
        student_id,
        at,
        minutes_long,
    ) in session.db.execute(
        "SELECT m.conference_id, m.household, m.staff_id, m.interpreter_id, m.planned, "
        "c.student_id, c.at, c.duration_minutes FROM event_meeting m "
        "JOIN conference c ON c.id = m.conference_id "
        "WHERE m.event_id = ? AND c.status = 'scheduled' ORDER BY c.at",
        [loaded.event["id"]],
    ):
        meeting = by_key.get((household, student_id, staff_id))
        start = _at(day_index, at)
        if start is None:
            continue
        if meeting is None:  # no longer requested: it stays, and its people are busy then
            span = (start, start + minutes_long)
            for busy, key in (
                (inst.staff_busy, staff_id),
                (inst.student_busy, student_id),
                (inst.household_busy, household),
            ):
                busy[key] = _merged([*busy.get(key, []), span])
            continue
        booked = Booked(conference_id, start, interpreter, not planned)
        loaded.booked[meeting.index] = booked
        if not planned or not reshuffle:  # kept as booked, double or single
            slots = max(1, -(-minutes_long // inst.grids[meeting.school_id].slot_minutes))
            inst.meetings[meeting.index] = replace(
                meeting, fixed=start, fixed_interpreter=interpreter, length=slots
            )


def check_fixed(loaded: Loaded) -> None:
    """Let planned bookings that no longer fit move; refuse when a hand booking does not fit.

    A hand booking is never moved silently: the plan is infeasible, naming why and whom.
    """
    inst = loaded.instance
    occupancy = Occupancy(inst)
    for meeting in sorted(
        (m for m in inst.meetings if m.fixed is not None),
        key=lambda m: (not loaded.booked[m.index].by_hand, m.fixed),
    ):
        grid = inst.grids[meeting.school_id]
        slot = grid.starts.index(meeting.fixed) if meeting.fixed in grid.starts else None
        why = "outside the event's slots" if slot is None else occupancy.fits(meeting, slot)
        if why is None:
            occupancy.book(meeting, slot, meeting.fixed_interpreter)
            continue
        booked = loaded.booked[meeting.index]
        if booked.by_hand:
            raise PoltermError(
                f"event {loaded.event['id']!r} cannot be planned: the booking made by hand "
                f"(conference {booked.conference_id}) of household {meeting.household!r} "
                f"breaks a hard constraint ({why}); move or cancel it first"
            )
        loaded.released[meeting.index] = booked
        inst.meetings[meeting.index] = replace(meeting, fixed=None, fixed_interpreter=None)
