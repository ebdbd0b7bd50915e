"""Small read helpers that several policies share: school years as of a date, named scope SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from polterm.policy import Scope


@dataclass(frozen=True)
class SchoolYear:
    """A school year of the district, both ends included."""

    name: str
    start: date
    end: date

    def running(self, as_of: date) -> bool:
        return self.start <= as_of <= self.end


def school_years(db: Database) -> list[SchoolYear]:
    """Every school year of the district, oldest first."""
    return [
        SchoolYear(name, date.fromisoformat(start[:10]), date.fromisoformat(end[:10]))
        for name, start, end in db.execute(
            "SELECT name, start, end FROM school_year ORDER BY start, name"
        )
    ]


def school_year_as_of(db: Database, as_of: date) -> SchoolYear | None:
    """The year a rule evaluates: the one containing as-of, else the last one that ended."""
    years = school_years(db)
    running = [y for y in years if y.running(as_of)]
    if running:
        return running[-1]
    ended = [y for y in years if y.end < as_of]
    return max(ended, key=lambda y: (y.end, y.start)) if ended else None


def day_after(as_of: date) -> str:
    """`col < day_after(as_of)` keeps a date or date-time whose date part is on or before as-of."""
    return (as_of + timedelta(days=1)).isoformat()


def named_scope(sql: tuple[str, list[Any]], prefix: str = "scope") -> tuple[str, dict[str, Any]]:
    """A `Scope` fragment (`sql` or `sql_school`) with its `?` marks named, to mix with `:names`."""
    where, values = sql
    parts = where.split("?")
    named = parts[0] + "".join(f":{prefix}{i}{part}" for i, part in enumerate(parts[1:]))
    return named, {f"{prefix}{i}": value for i, value in enumerate(values)}


def student_scope(scope: Scope, alias: str = "s") -> tuple[str, dict[str, Any]]:
    """The scope's WHERE fragment over a student alias, with named parameters."""
    return named_scope(scope.sql(alias))
