"""One planning run: first come first served and the block construction, then CP-SAT."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from polterm.planning import construct, solve
from polterm.planning.instance import Instance, Plan
from polterm.planning.quality import Quality, measure

BLOCKS_SHARE = 0.6  # of the time limit, counted from the start, for the constructions


@dataclass
class Outcome:
    """The plan, its figures, the baseline's, and what the solver proved."""

    plan: Plan
    quality: Quality
    baseline: Quality
    schools: list[solve.SchoolResult]
    seconds: float

    @property
    def status(self) -> str:
        """OPTIMAL when every school was proved optimal, else the weakest school's status."""
        statuses = {r.status for r in self.schools} or {"OPTIMAL"}
        for status in ("UNKNOWN", "MODEL_INVALID", "INFEASIBLE", "FEASIBLE"):
            if status in statuses:
                return status
        return "OPTIMAL"

    @property
    def objective(self) -> float | None:
        """The schools' objectives summed (a school without a solution in time counts its start
        plan's); None when one of those is not known."""
        values = [r.objective for r in self.schools]
        return None if None in values else sum(v for v in values if v is not None)

    @property
    def bound(self) -> float | None:
        values = [r.bound for r in self.schools]
        return None if None in values else sum(v for v in values if v is not None)

    @property
    def gap(self) -> float | None:
        """(bound - objective) / bound, 0 when proved optimal, None when not known."""
        if self.status == "OPTIMAL":
            return 0.0
        if self.objective is None or self.bound is None or self.bound <= 0:
            return None
        return round(max(0.0, (self.bound - self.objective) / self.bound), 4)


def _rank(quality: Quality) -> tuple:
    """Placed meetings by priority (most urgent first), then less waiting."""
    return (*(quality.placed[p] for p in sorted(quality.placed)), -quality.wait_mean)


def plan(
    instance: Instance,
    time_limit: float,
    seed: int,
    progress: Callable[[str], None] | None = None,
) -> Outcome:
    """Plan within `time_limit` seconds of wall-clock time, the constructions included: the
    block construction may use the time until BLOCKS_SHARE of it has passed, and CP-SAT the
    rest, each school its share of what is left."""
    started = time.monotonic()
    baseline = construct.first_come(instance, seed)
    blocks = construct.blocks(instance, deadline=started + BLOCKS_SHARE * time_limit)
    baseline_quality = measure(instance, baseline)
    # the solver starts from the better construction: solving school by school can keep a
    # block plan's loss against FCFS on a family whose schools must be coordinated
    hint = max(
        (blocks, baseline),
        key=lambda p: _rank(baseline_quality if p is baseline else measure(instance, p)),
    )
    left = time_limit - (time.monotonic() - started)
    # what follows the solve (reasons, figures) takes a few seconds at 100,000 students
    best, schools, final = solve.improve(instance, hint, max(0.1, left * 0.97), seed, progress)
    for meeting in instance.meetings:
        if meeting.index not in best.placed:
            best.reasons[meeting.index] = construct.reason(final, meeting)
    best.hurried = hint.hurried
    return Outcome(
        best,
        measure(instance, best),
        baseline_quality,
        schools,
        round(time.monotonic() - started, 2),
    )
