"""Parsing of user input into values, each failure a one-line message naming the bad value."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from polterm.errors import FieldError

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(value: str, what: str = "date") -> date:
    """An ISO date `YYYY-MM-DD`."""
    try:
        if _ISO_DATE.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    problem = "is not a date (YYYY-MM-DD)"
    raise FieldError(what, f"{what} {value!r} {problem}", f"{value} {problem}")


def parse_datetime(value: str, what: str = "date-time") -> str:
    """An ISO date-time `YYYY-MM-DDTHH:MM`, returned normalised to that form."""
    try:
        parsed = datetime.strptime(value, "%Y-%m-%dT%H:%M")
    except (ValueError, TypeError):
        problem = "is not a date-time (YYYY-MM-DDTHH:MM)"
        raise FieldError(what, f"{what} {value!r} {problem}", f"{value} {problem}") from None
    return parsed.strftime("%Y-%m-%dT%H:%M")


def choice(value: str, allowed: Iterable[str], what: str) -> str:
    """A value from a fixed list; the message lists what would be accepted."""
    allowed = list(allowed)
    if value not in allowed:
        problem = f"is not one of: {', '.join(allowed)}"
        raise FieldError(what, f"{what} {value!r} {problem}", f"{value} {problem}")
    return value
