"""Parsing of user input into values, each failure a one-line message naming the bad value."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from polterm.display import CONTROL, LINE_CONTROL, visible
from polterm.errors import FieldError, PoltermError

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
FIRST_YEAR, LAST_YEAR = 1900, 2100  # the schema's date checks hold the same range


def parse_date(value: str, what: str = "date") -> date:
    """An ISO date `YYYY-MM-DD`."""
    try:
        if _ISO_DATE.fullmatch(value):
            return within_years(date.fromisoformat(value), value, what)
    except ValueError:
        pass
    problem = "is not a date (YYYY-MM-DD)"
    raise FieldError(what, f"{what} {visible(value)!r} {problem}", f"{visible(value)} {problem}")


def parse_datetime(value: str, what: str = "date-time") -> str:
    """An ISO date-time `YYYY-MM-DDTHH:MM`, returned normalised to that form."""
    try:
        if not _ISO_DATETIME.fullmatch(value):
            raise ValueError(value)
        parsed = datetime.strptime(value, "%Y-%m-%dT%H:%M")
    except (ValueError, TypeError):
        problem = "is not a date-time (YYYY-MM-DDTHH:MM)"
        shown = visible(str(value))
        raise FieldError(what, f"{what} {shown!r} {problem}", f"{shown} {problem}") from None
    within_years(parsed.date(), value, what)
    return parsed.strftime("%Y-%m-%dT%H:%M")


def within_years(day: date, value: str, what: str) -> date:
    """Dates polterm keeps are within 1900-2100: a year beyond is a typing slip."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        problem = f"the year must be {FIRST_YEAR}-{LAST_YEAR}"
        raise FieldError(what, f"{what} {value!r}: {problem}", f"{value}: {problem}")
    return day


def choice(value: str, allowed: Iterable[str], what: str) -> str:
    """A value from a fixed list; the message lists what would be accepted."""
    allowed = list(allowed)
    if value not in allowed:
        problem = f"is not one of: {', '.join(allowed)}"
        raise FieldError(what, f"{what} {value!r} {problem}", f"{value} {problem}")
    return value


# what a database integer holds; ids and counts beyond it name nothing
MAX_INT = 2**63 - 1
# columns of free text written over several lines: tab and newline allowed there
MULTILINE = frozenset(
    {"problem", "solutions", "plan", "notes", "note", "agenda", "information_prepared", "outcome"}
)


# columns whose value an error never repeats: guardians' contact details
PRIVATE = frozenset({"phone", "email", "sms"})
SHOWN_UP_TO = 80  # characters of a bad value an error repeats (a 10,000-character name is not)


def printable(value: str, what: str, *, lines: bool = False, private: bool = False) -> str:
    """Text with no terminal control characters (with `lines`, tab and newline are allowed);
    the error repeats a short value with its controls escaped, never a `private` one."""
    pattern = LINE_CONTROL if lines else CONTROL
    found = pattern.search(value)
    if found is not None:
        shown = "" if private or len(value) > SHOWN_UP_TO else f" {value!r}"
        raise PoltermError(
            f"{what}{shown} holds the control character U+{ord(found.group()):04X} at position "
            f"{found.start() + 1}; only printable text is allowed"
            + (" (tab and newline too)" if lines else "")
        )
    return value


def printable_row(values: Sequence[str], names: Iterable[str], where: str) -> None:
    """Refuse a row of imported text holding a control character: `file:line: column ...`
    (one search over the whole row first: nearly every row has none)."""
    if not CONTROL.search(" ".join(values)):
        return
    for value, name in zip(values, names, strict=True):
        if CONTROL.search(value):
            printable(value, f"{where}: {name}", private=name in PRIVATE)


def printable_record(table: str, row: Mapping[str, Any]) -> None:
    """Every text value of a row about to be written: a multi-line note may hold tab/newline."""
    for column, value in row.items():
        if isinstance(value, str):
            printable(
                value,
                f"{table.replace('_', ' ')} {column}",
                lines=column in MULTILINE,
                private=column in PRIVATE,
            )


def bounded_int(value: int, what: str, low: int = 0, high: int = MAX_INT) -> int:
    """A whole number within what the question and the database can hold."""
    if not low <= value <= high:
        problem = f"is not between {low:,} and {high:,}"
        raise FieldError(what, f"{what} {value} {problem}", f"{value} {problem}")
    return value
