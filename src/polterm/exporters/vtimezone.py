"""A conventional VTIMEZONE: one STANDARD and one DAYLIGHT block per rule, each a yearly RRULE.

icalendar's `add_missing_timezones()` writes every transition as an RDATE after a 1970
block and stops in 2038; vobject then reads daylight-saving times an hour off. The rules
here are read from the zone's own transitions (zoneinfo follows the rule past 2037), so
the same text reads alike in icalendar, ics and vobject.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

_HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Onset:
    """A transition as a yearly rule: the nth weekday of a month at a local (before) time."""

    month: int
    weeks: frozenset[int]  # the week numbers that describe the day: 2, or 5 and -1 for the last
    weekday: int
    time: tuple[int, int]
    offset_from: timedelta
    offset_to: timedelta
    name: str
    dst: bool


def _transitions(tz: ZoneInfo, year: int) -> list[tuple[datetime, Onset]]:
    """Each change of offset within a year, found hour by hour and then to the minute."""
    found = []
    at = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    before = at.astimezone(tz).utcoffset()
    while at < end:
        after_at = at + _HOUR
        after = after_at.astimezone(tz).utcoffset()
        if after != before:
            low, high = at, after_at  # the offset is `before` at low and `after` at high
            while high - low > timedelta(minutes=1):
                mid = low + (high - low) / 2
                low, high = (mid, high) if mid.astimezone(tz).utcoffset() == before else (low, mid)
            moment = high.replace(second=0, microsecond=0)
            local = (moment + before).replace(tzinfo=None)  # on the clock before the change
            last = calendar.monthrange(local.year, local.month)[1]
            weeks = {(local.day - 1) // 7 + 1} | ({-1} if local.day + 7 > last else set())
            shown = moment.astimezone(tz)
            found.append(
                (
                    moment,
                    Onset(
                        local.month,
                        frozenset(weeks),
                        local.weekday(),
                        (local.hour, local.minute),
                        before,
                        after,
                        shown.tzname() or "",
                        after > before,  # clocks forward: DAYLIGHT, as readers expect
                    ),
                )
            )
            before = after
        at = after_at
    return found


def _same_rule(a: Onset, b: Onset) -> Onset | None:
    """The rule both onsets follow (their shared week numbers), or None."""
    weeks = a.weeks & b.weeks
    if not weeks or (a.month, a.weekday, a.time, a.offset_from, a.offset_to, a.name, a.dst) != (
        b.month, b.weekday, b.time, b.offset_from, b.offset_to, b.name, b.dst
    ):  # fmt: skip
        return None
    return Onset(a.month, weeks, a.weekday, a.time, a.offset_from, a.offset_to, a.name, a.dst)


def vtimezone(tz: ZoneInfo, first_year: int, last_year: int) -> Timezone:
    """The zone's rules in force from `first_year` (from the year before) to `last_year`."""
    component = Timezone()
    component.add("tzid", tz.key)
    # runs: [first moment, its rule, the last moment it held], per kind (standard/daylight)
    runs: list[list] = []  # type: ignore[type-arg]
    open_run: dict[bool, list] = {}  # type: ignore[type-arg]
    for year in range(first_year - 1, last_year + 2):
        for moment, onset in _transitions(tz, year):
            run = open_run.get(onset.dst)
            rule = run and _same_rule(run[1], onset)
            if run and rule:
                run[1], run[2] = rule, moment
            else:
                open_run[onset.dst] = [moment, onset, moment]
                runs.append(open_run[onset.dst])
    if not runs:  # no change of offset in these years: one standard time
        moment = datetime(first_year - 1, 1, 1, tzinfo=UTC)
        offset = moment.astimezone(tz).utcoffset() or timedelta()
        name = moment.astimezone(tz).tzname() or tz.key
        runs.append([moment, Onset(1, frozenset(), 0, (0, 0), offset, offset, name, False), None])
    for first, onset, last in runs:
        block = TimezoneDaylight() if onset.dst else TimezoneStandard()
        block.add("dtstart", (first + onset.offset_from).replace(tzinfo=None))
        block.add("tzoffsetfrom", onset.offset_from)
        block.add("tzoffsetto", onset.offset_to)
        block.add("tzname", onset.name)
        if last is not None and last != first:  # a rule, not a single change
            nth = [week for week in onset.weeks if 0 < week < 5]  # else the last such day
            day = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[onset.weekday]
            recur = {
                "freq": "yearly",
                "bymonth": onset.month,
                "byday": f"{nth[0] if nth else -1}{day}",
            }
            if last.year <= last_year:  # the rule changed before the last year asked for
                recur["until"] = last
            block.add("rrule", vRecur(recur))
        component.add_component(block)
    return component
