"""Wall-clock times in the district's zone: a time the clocks skip is refused, a repeated one
needs its offset, and the two readings of a repeated time are kept apart by `fold`."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from polterm.errors import FieldError, PoltermError
from polterm.services.validate import within_years

DEFAULT_TZ = "America/New_York"
_LOCAL = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?:([+-])(\d{2}):?(\d{2}))?")


def district_timezone() -> ZoneInfo:
    """The district's time zone: `$POLTERM_TZ`, else America/New_York."""
    name = os.environ.get("POLTERM_TZ") or DEFAULT_TZ
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise PoltermError(f"time zone {name!r} is not known (POLTERM_TZ)") from None


def _offset_text(offset: timedelta | None) -> str:
    minutes = int((offset or timedelta()).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02}:{abs(minutes) % 60:02}"


def parse_local(value: str, what: str, tz: ZoneInfo | None = None) -> tuple[str, int]:
    """`YYYY-MM-DDTHH:MM[±HH:MM]` as (wall time, fold); the offset only settles a repeated time."""
    tz = tz or district_timezone()
    match = _LOCAL.fullmatch(value.strip()) if isinstance(value, str) else None
    try:
        wall = datetime.strptime(match[1], "%Y-%m-%dT%H:%M") if match else None
    except ValueError:
        wall = None
    if wall is None:
        problem = "is not a date-time (YYYY-MM-DDTHH:MM)"
        raise FieldError(what, f"{what} {value!r} {problem}", f"{value} {problem}")
    within_years(wall.date(), value, what)
    text = wall.strftime("%Y-%m-%dT%H:%M")
    first, second = wall.replace(tzinfo=tz, fold=0), wall.replace(tzinfo=tz, fold=1)
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != wall:
        problem = f"does not exist in {tz.key}: the clocks go forward at that time"
        raise FieldError(what, f"{what} {value!r} {problem}", f"{value} {problem}")
    offsets = [first.utcoffset(), second.utcoffset()]
    if match[2] is None:
        if offsets[0] != offsets[1]:
            choices = " or ".join(f"{text}{_offset_text(o)}" for o in offsets)
            problem = f"happens twice in {tz.key} (the clocks go back); give the offset: {choices}"
            raise FieldError(what, f"{what} {value!r} {problem}", f"{value} {problem}")
        return text, 0
    sign = -1 if match[2] == "-" else 1
    given = sign * timedelta(hours=int(match[3]), minutes=int(match[4]))
    if given not in offsets:
        problem = f"{tz.key} is at {_offset_text(offsets[0])} then, not {_offset_text(given)}"
        raise FieldError(what, f"{what} {value!r}: {problem}", f"{value}: {problem}")
    return text, offsets.index(given)


def instant(at: str, fold: int, tz: ZoneInfo) -> datetime:
    """A stored wall time (and its fold) as a moment in UTC."""
    wall = datetime.strptime(at, "%Y-%m-%dT%H:%M").replace(tzinfo=tz, fold=fold)
    return wall.astimezone(UTC)
