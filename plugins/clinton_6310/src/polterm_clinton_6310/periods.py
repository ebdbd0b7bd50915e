"""Remote-learning periods and the conferences § B requires during them (pure date arithmetic)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlite_utils import Database


@dataclass(frozen=True)
class RemotePeriod:
    """A period of district-provided remote learning; `school_id` None is district-wide."""

    id: int
    school_id: str | None
    start: date
    end: date | None  # None: ongoing

    def covers_school(self, school_id: str) -> bool:
        return self.school_id is None or self.school_id == school_id

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Requirement:
    """Requirement k of a period: from `t` on, k remote-learning conferences held by `due`."""

    period: RemotePeriod
    k: int
    t: date
    due: date


def remote_periods(db: Database) -> list[RemotePeriod]:
    """Every recorded remote-learning period, its end as recorded (also a planned one)."""
    return [
        RemotePeriod(
            id,
            school_id,
            date.fromisoformat(start[:10]),
            date.fromisoformat(end[:10]) if end else None,
        )
        for id, school_id, start, end in db.execute(
            "SELECT id, school_id, start, end FROM remote_period ORDER BY start, id"
        )
    ]


def requirements(
    period: RemotePeriod, as_of: date, threshold_days: int = 21, cadence_months: int = 6
) -> list[Requirement]:
    """t1 = start + 21 days, t_k = t1 + 6(k-1) months; requirement k exists for every t_k on or
    before min(end, as_of) and is due min(end, t_k + 6 months) (ongoing: t_k + 6 months)."""
    first = period.start + timedelta(days=threshold_days)
    last = min(period.end, as_of) if period.end else as_of
    out: list[Requirement] = []
    k = 1
    while (t := first + relativedelta(months=cadence_months * (k - 1))) <= last:
        due = t + relativedelta(months=cadence_months)
        out.append(Requirement(period, k, t, min(period.end, due) if period.end else due))
        k += 1
    return out


def periods_of(day: date, school_id: str, periods: list[RemotePeriod]) -> list[RemotePeriod]:
    """The periods a record dated `day` belongs to: those covering its date, else the latest
    ones (by end) that ended before it; only periods covering the student's school."""
    mine = [p for p in periods if p.covers_school(school_id)]
    covering = [p for p in mine if p.covers(day)]
    if covering:
        return covering
    ended = [p for p in mine if p.end is not None and p.end < day]
    if not ended:
        return []
    latest = max(p.end for p in ended if p.end is not None)
    return [p for p in ended if p.end == latest]
