"""The figures a plan is judged by: placed by priority, family waiting, visits, interpreters."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from polterm.planning.instance import DAY, PRIORITIES, Instance, Plan


@dataclass
class Quality:
    """One plan's figures."""

    requested: dict[int, int] = field(default_factory=dict)  # by priority
    placed: dict[int, int] = field(default_factory=dict)
    wait_mean: float = 0.0
    wait_p95: float = 0.0
    wait_max: float = 0.0
    visits_per_family: float = 0.0
    interpreters: dict[str, int] = field(default_factory=dict)  # id -> meetings
    unplaced: list[tuple[int, str]] = field(default_factory=list)  # (meeting index, reason)

    @property
    def total_placed(self) -> int:
        return sum(self.placed.values())

    def wait(self) -> dict[str, float]:
        """Family waiting minutes as CONTRACT.md spells them."""
        return {"mean": self.wait_mean, "p95": self.wait_p95, "max": self.wait_max}

    def summary(self) -> dict[str, Any]:
        return {
            "placed": self.total_placed,
            "family_wait_minutes": self.wait(),
            "visits_per_family": self.visits_per_family,
        }


def measure(instance: Instance, plan: Plan) -> Quality:
    """The figures of a plan. Waiting is the time between a family's consecutive meetings on
    one day beyond what the event requires between them (the family gap at one school, the
    travel time between two schools): the time the family sits idle."""
    quality = Quality(requested={p: 0 for p in PRIORITIES}, placed={p: 0 for p in PRIORITIES})
    days: dict[tuple[str, int], list[tuple[int, int, str]]] = defaultdict(list)
    visits: dict[str, set[tuple[str, int]]] = defaultdict(set)
    used: Counter[str] = Counter()
    for meeting in instance.meetings:
        quality.requested[meeting.priority] += 1
        placement = plan.placed.get(meeting.index)
        if placement is None:
            quality.unplaced.append((meeting.index, plan.reasons.get(meeting.index, "unplaced")))
            continue
        quality.placed[meeting.priority] += 1
        start = instance.grids[meeting.school_id].starts[placement.slot]
        end = start + instance.minutes(meeting)
        days[(meeting.household, start // DAY)].append((start, end, meeting.school_id))
        visits[meeting.household].add((meeting.school_id, start // DAY))
        if placement.interpreter is not None:
            used[placement.interpreter] += 1
    waits: dict[str, int] = defaultdict(int)
    for (household, _), spans in days.items():
        spans.sort()
        waits[household] += sum(
            max(0, b[0] - a[1] - (instance.family_gap if a[2] == b[2] else instance.travel))
            for a, b in pairwise(spans)
        )
    values = sorted(waits.values())
    if values:
        quality.wait_mean = round(sum(values) / len(values), 1)
        quality.wait_p95 = float(values[min(len(values) - 1, int(0.95 * len(values)))])
        quality.wait_max = float(values[-1])
        quality.visits_per_family = round(sum(len(v) for v in visits.values()) / len(visits), 2)
    quality.interpreters = dict(sorted(used.items()))
    return quality
