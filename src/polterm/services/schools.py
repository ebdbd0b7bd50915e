"""Schools and what is dated per school: grading periods, remote-learning periods, involvement."""

from __future__ import annotations

from datetime import date
from typing import Any

from polterm.errors import FieldError
from polterm.periods import PERIOD_KINDS
from polterm.services.refs import int_id, optional_text, require, require_free, require_text
from polterm.services.session import Session
from polterm.services.validate import bounded_int, choice, parse_date

LEVELS = ("elementary", "middle", "high")
MAX_ATTENDANCE = 1_000_000  # more people than any school event holds: a typing slip
INVOLVEMENT_KINDS = (
    "newsletter",
    "open-house",
    "home-visit",
    "drop-in",
    "volunteer",
    "training",
    "advisory",
    "other",
)


def add_school(session: Session, id: str, name: str, level: str) -> str:
    """Record a school of the district."""
    session.authorize("district.admin")
    row = {
        "id": id,
        "name": require_text(name, "--name"),
        "level": choice(level, LEVELS, "--level"),
    }
    with session.transaction():
        require_free(session, "school", id)
        return session.insert("school", row)


def list_schools(session: Session) -> list[dict[str, Any]]:
    """Every school with its number of active students."""
    return list(
        session.db.query(
            "SELECT s.id, s.name, s.level, "
            "(SELECT count(*) FROM student t WHERE t.school_id = s.id AND t.active) AS students "
            "FROM school s ORDER BY s.name, s.id"
        )
    )


def add_period(
    session: Session,
    id: str,
    school_id: str | None,
    start: str,
    end: str,
    kind: str = "grading",
    name: str | None = None,
) -> str:
    """Record a calendar period (grading, semester, ...) of one school (none: every school)."""
    session.authorize("district.admin", school_id=school_id)
    start_d, end_d = parse_date(start, "--start"), parse_date(end, "--end")
    _end_not_before_start(start, end, start_d, end_d)
    with session.transaction():
        require_free(session, "period", id)
        if school_id is not None:
            require(session, "school", school_id)
        return session.insert(
            "period",
            {
                "id": id,
                "school_id": school_id,
                "kind": choice(kind, PERIOD_KINDS, "--kind"),
                "name": optional_text(name),
                "start": start_d.isoformat(),
                "end": end_d.isoformat(),
            },
        )


def add_remote_period(
    session: Session, start: str, end: str | None = None, school_id: str | None = None
) -> int:
    """Record a remote-learning period, district-wide when no school is given; may be open."""
    session.authorize("district.admin", school_id=school_id)
    start_d = parse_date(start, "--start")
    end_d = parse_date(end, "--end") if end is not None else None
    if end is not None and end_d is not None:
        _end_not_before_start(start, end, start_d, end_d)
    with session.transaction():
        if school_id is not None:
            require(session, "school", school_id)
        return session.insert(
            "remote_period",
            {
                "school_id": school_id,
                "start": start_d.isoformat(),
                "end": end_d.isoformat() if end_d else None,
            },
        )


def _end_not_before_start(start: str, end: str, start_d: date, end_d: date) -> None:
    """A period's last day is not before its first."""
    if end_d < start_d:
        raise FieldError(
            "--end", f"--end {end} is before --start {start}", f"{end} is before the start {start}"
        )


def end_remote_period(session: Session, id: int | str, on: str) -> dict[str, Any]:
    """Record the day a remote-learning period ends (announced ends may lie ahead)."""
    end_d = parse_date(on, "--on")
    with session.transaction():
        period = require(session, "remote_period", int_id(id, "remote_period"))
        session.authorize("district.admin", school_id=period["school_id"])
        if end_d.isoformat() < period["start"]:
            raise FieldError(
                "--on",
                f"--on {on} is before the period's start {period['start']}",
                f"{on} is before the period's start {period['start']}",
            )
        return session.update("remote_period", period["id"], {"end": end_d.isoformat()})


def list_remote_periods(session: Session) -> list[dict[str, Any]]:
    """Every remote-learning period, latest first; `school_id` null means district-wide."""
    return list(
        session.db.query(
            "SELECT r.id, r.school_id, s.name AS school, r.start, r.end, "
            "CAST(julianday(coalesce(r.end, date('now'))) - julianday(r.start) AS INTEGER) + 1 "
            "AS days "
            "FROM remote_period r LEFT JOIN school s ON s.id = r.school_id "
            "ORDER BY r.start DESC, r.id DESC"
        )
    )


def add_involvement(
    session: Session,
    school_id: str,
    on: str,
    kind: str,
    attendance: int | None = None,
    note: str | None = None,
) -> int:
    """Record a parental-involvement activity the principal's yearly report lists."""
    session.authorize("report.write", school_id=school_id)
    held_on = parse_date(on, "--on").isoformat()
    kind = choice(kind, INVOLVEMENT_KINDS, "--kind")
    if attendance is not None:
        bounded_int(attendance, "--attendance", 0, MAX_ATTENDANCE)
    with session.transaction():
        require(session, "school", school_id)
        return session.insert(
            "involvement_activity",
            {
                "school_id": school_id,
                "held_on": held_on,
                "kind": kind,
                "attendance": attendance,
                "note": optional_text(note),
            },
        )
