"""`polterm check --format json` with both policies vs the floor (one SQL COUNT over the year):
from a current finding store, and evaluated (`--fresh`); the peak memory of each, anonymous
and file-backed apart, with the query processes `--fresh` starts counted in."""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

from benchmarks.harness import BIN, Figure, PeakMemory, bench_env, memory_figures, run_child

AS_OF = "2026-11-23"
FLOOR_SQL = (
    "SELECT COUNT(*) FROM student s LEFT JOIN conference c ON c.student_id = s.id "
    "AND c.at >= (SELECT start FROM school_year WHERE start <= :d ORDER BY start DESC LIMIT 1)"
)
STORED_RATIO = 2.0  # check reading a current store
FRESH_RATIO = 5.0  # check --fresh: what is acceptable now
GOAL_RATIO = 3.0  # check --fresh: the goal, kept in the table
MEMORY_MB = 200.0


def run(db: Path, size: int, repeat: int = 5) -> list[Figure]:
    """Rounds of floor, check from the store and check --fresh, one after the other, so the
    machine's slow and quick spells (a shared host's) fall on all three alike; medians."""
    env = bench_env()
    floor_code = (
        "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
        f"print(c.execute({FLOOR_SQL!r}, {{'d': {AS_OF!r}}}).fetchone()[0])"
    )
    polterm = [str(BIN / "polterm"), "--db", str(db)]
    # as of today, the day `refresh` (and demo, import) fill the store; its writes are on disk
    # before the timing starts, not written back beneath it
    run_child([*polterm, "refresh"], env=env)
    os.sync()
    runs = (
        ("check --format json (store current)", [], STORED_RATIO, None),
        ("check --fresh --format json", ["--fresh"], FRESH_RATIO, GOAL_RATIO),
    )
    floors: list[float] = []
    seconds: dict[str, list[float]] = {label: [] for label, *_ in runs}
    memory: dict[str, list[PeakMemory]] = {label: [] for label, *_ in runs}
    for _ in range(repeat):
        floors.append(run_child([sys.executable, "-c", floor_code, str(db)], env=env))
        for label, extra, *_ in runs:
            seconds[label].append(
                run_child([*polterm, "check", "--format", "json", *extra], env=env)
            )
    # memory in runs of its own: the sampler's reads of /proc take a share of the two cores
    for label, extra, *_ in runs:
        run_child([*polterm, "check", "--format", "json", *extra], env=env, memory=memory[label])
    floor = statistics.median(floors)
    figures: list[Figure] = []
    for label, _, ratio_target, goal in runs:
        value = statistics.median(seconds[label])
        target = f"≤ {ratio_target:g}× floor" + (f" (goal {goal:g}×)" if goal else "")
        figures.append(
            Figure(
                label,
                size,
                value,
                "s",
                floor,
                "SQL COUNT floor",
                target,
                value / floor <= ratio_target,
            )
        )
        figures.extend(memory_figures(f"{label}: peak memory", size, memory[label], MEMORY_MB))
    return figures
