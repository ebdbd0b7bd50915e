"""Conference events: their days, rules, unavailable teachers, interpreters and requests.

Planning an event lives in `services.event_plan`; this module records what the plan reads.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from polterm.errors import PoltermError
from polterm.services.conferences import conference_kinds
from polterm.services.refs import optional_text, require, require_free, require_text
from polterm.services.session import Session
from polterm.services.validate import choice, parse_date

MODALITIES = ("in-person", "phone", "video")
LOCATIONS = {"phone": "Phone call", "video": "Video meeting"}  # a remote meeting's location
PREFERENCES = ("early", "late")
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


@dataclass(frozen=True)
class Settings:
    """An event's booking rules; None means no limit."""

    slot_minutes: int | None = None
    teacher_cap: int | None = None
    max_consecutive: int | None = None
    family_gap_minutes: int = 0
    max_per_family: int | None = None
    max_per_child: int | None = None
    one_day: bool = True
    travel_minutes: int = 15
    asked_only: bool = False


def parse_time(value: str, what: str) -> str:
    """A time of day `HH:MM`."""
    if not _TIME.fullmatch(value.strip()):
        raise PoltermError(f"{what} {value!r} is not a time of day (HH:MM)")
    return value.strip()


def parse_span(value: str, what: str) -> tuple[str, str]:
    """`HH:MM-HH:MM`, the start before the end."""
    start, sep, end = value.partition("-")
    if not sep:
        raise PoltermError(f"{what} {value!r} is not HH:MM-HH:MM")
    start, end = parse_time(start, what), parse_time(end, what)
    if end <= start:
        raise PoltermError(f"{what} {value!r} ends before it starts")
    return start, end


def parse_day(value: str) -> tuple[str, str, str]:
    """`DATE:HH:MM-HH:MM`, as `--day` takes a conference day and its hours."""
    day, sep, hours = value.partition(":")
    if not sep:
        raise PoltermError(f"--day {value!r} is not DATE:HH:MM-HH:MM")
    start, end = parse_span(hours, f"--day {value!r}: the hours")
    return parse_date(day, "--day").isoformat(), start, end


def parse_modalities(value: str) -> str:
    """A comma list of in-person, phone, video (at least one)."""
    parts = [choice(p.strip(), MODALITIES, "--modality") for p in value.split(",") if p.strip()]
    if not parts:
        raise PoltermError("--modality must name at least one of: " + ", ".join(MODALITIES))
    return ",".join(m for m in MODALITIES if m in parts)


def _positive(value: int | None, what: str, *, zero: bool = False) -> int | None:
    if value is not None and (value < 0 or (value == 0 and not zero)):
        raise PoltermError(f"{what} {value} must be {'0 or more' if zero else 'at least 1'}")
    return value


def add_event(
    session: Session,
    id: str,
    name: str,
    kind: str,
    school_ids: Sequence[str],
    days: Sequence[str],
    breaks: Sequence[str] = (),
    modalities: str = ",".join(MODALITIES),
    settings: Settings = Settings(),
) -> str:
    """Record a conference event of one or more schools (none: every school)."""
    kinds = conference_kinds(session)
    if kind not in kinds:
        raise PoltermError(
            f"--kind {kind!r} is not a conference kind of the district's active policies "
            f"(kinds: {', '.join(sorted(kinds)) or 'none'})"
        )
    if not days:
        raise PoltermError("--day: give at least one conference day")
    parsed_days = [parse_day(d) for d in days]
    seen = [d for d, _, _ in parsed_days]
    if len(set(seen)) != len(seen):
        raise PoltermError(f"--day {max(seen, key=seen.count)!r} is given twice")
    parsed_breaks = [parse_span(b, "--break") for b in breaks]
    if settings.slot_minutes is not None and not 5 <= settings.slot_minutes <= 120:
        raise PoltermError(f"--slot {settings.slot_minutes} is not 5 to 120 minutes")
    for what, value in (
        ("--cap", settings.teacher_cap),
        ("--max-consecutive", settings.max_consecutive),
        ("--max-per-family", settings.max_per_family),
        ("--max-per-child", settings.max_per_child),
    ):
        _positive(value, what)
    _positive(settings.family_gap_minutes, "--family-gap", zero=True)
    _positive(settings.travel_minutes, "--travel", zero=True)
    row = {
        "id": id,
        "name": require_text(name, "--name"),
        "kind": kind,
        "modalities": parse_modalities(modalities),
        **{k: v for k, v in vars(settings).items()},
    }
    row["one_day"] = int(settings.one_day)
    row["asked_only"] = int(settings.asked_only)
    with session.transaction():
        schools = list(dict.fromkeys(school_ids)) or [
            s for (s,) in session.db.execute("SELECT id FROM school ORDER BY id")
        ]
        for school_id in schools:
            require(session, "school", school_id)
        if not school_ids:
            session.authorize("district.admin")
        for school_id in schools:
            session.authorize("event.write", school_id=school_id)
        require_free(session, "event", id)
        session.insert("event", row)
        for school_id in schools:
            session.insert("event_school", {"event_id": id, "school_id": school_id})
        for day, start, end in parsed_days:
            session.insert("event_day", {"event_id": id, "day": day, "start": start, "end": end})
        for start, end in parsed_breaks:
            session.insert("event_break", {"event_id": id, "start": start, "end": end})
    return id


def list_events(session: Session) -> list[dict[str, Any]]:
    """Every event with its days and schools, as `event list` prints them."""
    session.authorize("conference.read")
    out = []
    for row in session.db.query("SELECT id, name, kind FROM event ORDER BY id"):
        out.append(
            {
                **row,
                "days": [
                    f"{d}:{s}-{e}"
                    for d, s, e in session.db.execute(
                        "SELECT day, start, end FROM event_day WHERE event_id = ? ORDER BY day",
                        [row["id"]],
                    )
                ],
                "schools": event_schools(session, row["id"]),
            }
        )
    return out


def event_schools(session: Session, event_id: str) -> list[str]:
    """The schools an event covers."""
    return [
        s
        for (s,) in session.db.execute(
            "SELECT school_id FROM event_school WHERE event_id = ? ORDER BY school_id", [event_id]
        )
    ]


def authorize_event(session: Session, event_id: str) -> dict[str, Any]:
    """The event, once the actor may run it at every one of its schools."""
    event = require(session, "event", event_id)
    for school_id in event_schools(session, event_id):
        session.authorize("event.write", school_id=school_id)
    return event


def _event_day(session: Session, event_id: str, day: str) -> tuple[str, str, str]:
    """An event day (date, start, end) by its date; refused when the event has no such day."""
    iso = parse_date(day, "--day").isoformat()
    row = session.db.execute(
        "SELECT day, start, end FROM event_day WHERE event_id = ? AND day = ?", [event_id, iso]
    ).fetchone()
    if row is None:
        raise PoltermError(f"--day {day!r} is not a day of event {event_id!r}")
    return row


def _hours(day: tuple[str, str, str], start: str | None, end: str | None) -> tuple[str, str]:
    """`--from`/`--to` (default: the whole day), inside the day's hours."""
    start = parse_time(start, "--from") if start else day[1]
    end = parse_time(end, "--to") if end else day[2]
    if end <= start:
        raise PoltermError(f"--to {end} is not after --from {start}")
    return start, end


def add_unavailable(
    session: Session,
    event_id: str,
    staff_id: str,
    day: str,
    start: str | None = None,
    end: str | None = None,
) -> int:
    """Record that a teacher cannot meet families for part (or all) of an event day."""
    return _add_hours(session, "event_unavailable", "staff", staff_id, event_id, day, start, end)


def _add_hours(
    session: Session,
    table: str,
    whose: str,
    person_id: str,
    event_id: str,
    day: str,
    start: str | None,
    end: str | None,
) -> int:
    """Record a person's (staff or interpreter) hours on an event day, within the day."""
    with session.transaction():
        authorize_event(session, event_id)
        require(session, whose, person_id)
        when = _event_day(session, event_id, day)
        start, end = _hours(when, start, end)
        return int(
            session.insert(
                table,
                {
                    f"{whose}_id": person_id,
                    "event_id": event_id,
                    "day": when[0],
                    "start": start,
                    "end": end,
                },
            )
        )


def interpreter_agenda(session: Session, interpreter_id: str) -> str:
    """The agenda line a booked interpreter puts on a meeting's conference."""
    name, language = session.db.execute(
        "SELECT name, language FROM interpreter WHERE id = ?", [interpreter_id]
    ).fetchone()
    return f"Interpreter: {name} ({language})"


def link_meetings(
    session: Session,
    event_id: str,
    meetings: Sequence[tuple[int, str, str, str, str | None]],
    *,
    planned: bool,
) -> None:
    """Make scheduled conferences the event's meetings: (conference, household, student, staff,
    interpreter) each; a meeting booked by hand (`planned` false) is one no plan moves."""
    session.insert_many(
        "event_meeting",
        [
            {
                "conference_id": conference_id,
                "event_id": event_id,
                "household": household,
                "staff_id": staff_id,
                "interpreter_id": interpreter,
                "planned": int(planned),
            }
            for conference_id, household, _, staff_id, interpreter in meetings
        ],
        student_ids=[student_id for _, _, student_id, _, _ in meetings],
    )


def add_request(
    session: Session,
    event_id: str,
    student_id: str,
    staff_ids: Sequence[str] = (),
    priority: int | None = None,
    prefer: str | None = None,
    modality: str | None = None,
    double: bool = False,
) -> list[int]:
    """A family's (or teacher's) request to meet about a student; one row per teacher asked."""
    if priority is not None and not 1 <= priority <= 3:
        raise PoltermError(f"--priority {priority} is not 1, 2 or 3")
    prefer = optional_text(prefer)
    if prefer is not None and prefer not in PREFERENCES:
        prefer = parse_date(prefer, "--prefer").isoformat()
    if modality is not None:
        modality = choice(modality, MODALITIES, "--modality")
    with session.transaction():
        require(session, "event", event_id)
        student = require(session, "student", student_id)
        session.authorize("request.write", student_id=student_id)
        if student["school_id"] not in event_schools(session, event_id):
            raise PoltermError(
                f"--student {student_id!r} is at school {student['school_id']!r}, "
                f"which event {event_id!r} does not cover"
            )
        if prefer not in (None, *PREFERENCES):
            _event_day(session, event_id, prefer)
        ids = []
        for staff_id in dict.fromkeys(staff_ids) or [None]:
            if staff_id is not None:
                require(session, "staff", staff_id)
            ids.append(
                int(
                    session.insert(
                        "event_request",
                        {
                            "event_id": event_id,
                            "student_id": student_id,
                            "staff_id": staff_id,
                            "priority": priority,
                            "prefer": prefer,
                            "modality": modality,
                            "double": int(double),
                        },
                        student_id=student_id,
                    )
                )
            )
    return ids


def add_interpreter(
    session: Session, id: str, name: str, language: str, staff_id: str | None = None
) -> str:
    """Record an interpreter (a staff member or someone from outside) and their language."""
    session.authorize("district.admin")
    language = language.strip()
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", language):
        raise PoltermError(f"--language {language!r} is not a language code such as es or zh")
    with session.transaction():
        require_free(session, "interpreter", id)
        if staff_id is not None:
            require(session, "staff", staff_id)
        return session.insert(
            "interpreter",
            {
                "id": id,
                "name": require_text(name, "--name"),
                "language": language,
                "staff_id": staff_id,
            },
        )


def interpreter_available(
    session: Session, interpreter_id: str, event_id: str, day: str, start: str, end: str
) -> int:
    """Record when an interpreter can interpret on an event day."""
    return _add_hours(
        session, "interpreter_available", "interpreter", interpreter_id, event_id, day, start, end
    )


def show_event(
    session: Session, event_id: str, staff_id: str | None = None, student_id: str | None = None
) -> list[dict[str, Any]]:
    """The event's meetings (not cancelled) by time, for one teacher or student if given."""
    require(session, "event", event_id)
    session.authorize("conference.read")
    clauses, params = ["m.event_id = ?", "c.status != 'cancelled'"], [event_id]
    if staff_id is not None:
        require(session, "staff", staff_id)
        clauses.append("m.staff_id = ?")
        params.append(staff_id)
    if student_id is not None:
        require(session, "student", student_id)
        session.authorize("conference.read", student_id=student_id)
        clauses.append("c.student_id = ?")
        params.append(student_id)
    from polterm.services import authz

    visible, visible_params = authz.visible_scope(session).sql("t")
    clauses.append(visible)
    return list(
        session.db.query(
            "SELECT c.id, c.at, c.duration_minutes AS minutes, m.staff_id, s.name AS teacher, "
            "c.student_id, t.given || ' ' || t.family AS student, m.household, c.modality, "
            "m.interpreter_id AS interpreter, CASE m.planned WHEN 1 THEN 'plan' ELSE 'hand' END "
            "AS booked FROM event_meeting m JOIN conference c ON c.id = m.conference_id "
            "JOIN student t ON t.id = c.student_id JOIN staff s ON s.id = m.staff_id "
            f"WHERE {' AND '.join(clauses)} ORDER BY c.at, s.name, c.id",
            [*params, *visible_params],
        )
    )
