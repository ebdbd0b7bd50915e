"""The school calendar as rules ask about it: which semester contains a day, the first or the
last quarter of the school year. Plain reads of `period` and `school_year`, no I/O else.

A period has a kind (`PERIOD_KINDS`: grading, semester, quarter, trimester, term) and belongs
to one school or, with no school, to every school; a school's own periods of a kind replace
the district's of that kind for that school.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

PERIOD_KINDS = ("grading", "semester", "quarter", "trimester", "term")


@dataclass(frozen=True)
class Period:
    """One dated period of the calendar."""

    id: str
    kind: str
    school_id: str | None
    name: str | None
    start: date
    end: date

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class SchoolYear:
    name: str
    start: date
    end: date


def school_year(db: Database, day: date) -> SchoolYear | None:
    """The school year a day falls in, if any."""
    row = db.execute(
        "SELECT name, start, end FROM school_year WHERE start <= ? AND ? <= end ORDER BY start",
        [day.isoformat(), day.isoformat()],
    ).fetchone()
    return (
        SchoolYear(row[0], date.fromisoformat(row[1]), date.fromisoformat(row[2])) if row else None
    )


def periods(db: Database, kind: str, school_id: str | None = None) -> list[Period]:
    """A school's periods of a kind in date order (its own, else the district's)."""
    if kind not in PERIOD_KINDS:
        raise ValueError(f"period kind {kind!r} is not one of {', '.join(PERIOD_KINDS)}")
    rows = db.execute(
        "SELECT id, kind, school_id, name, start, end FROM period"
        " WHERE kind = ? AND (school_id IS ? OR school_id IS NULL) ORDER BY start, id",
        [kind, school_id],
    ).fetchall()
    found = [
        Period(i, k, s, n, date.fromisoformat(start), date.fromisoformat(end))
        for i, k, s, n, start, end in rows
    ]
    own = [p for p in found if p.school_id is not None]
    return own if own else found


def containing(db: Database, kind: str, day: date, school_id: str | None = None) -> Period | None:
    """The period of a kind that contains a day: "which semester is 2026-03-02 in"."""
    return next((p for p in periods(db, kind, school_id) if day in p), None)


def of_year(db: Database, kind: str, day: date, school_id: str | None = None) -> list[Period]:
    """The periods of a kind that start in the school year containing a day, in order."""
    year = school_year(db, day)
    if year is None:
        return []
    return [p for p in periods(db, kind, school_id) if year.start <= p.start <= year.end]


def nth_of_year(
    db: Database, kind: str, n: int, day: date, school_id: str | None = None
) -> Period | None:
    """The n-th period of a kind in the school year of a day: 1 the first, -1 the last
    ("the end of the first quarter", "the last quarter of the year")."""
    found = of_year(db, kind, day, school_id)
    index = n - 1 if n > 0 else n
    return found[index] if n != 0 and -len(found) <= index < len(found) else None
