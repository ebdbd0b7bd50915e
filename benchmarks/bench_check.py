"""`polterm check --format json` with both policies vs the floor (one SQL COUNT over the year):
from a current finding store, and evaluated (`--fresh`); the peak memory of each, anonymous
and file-backed apart."""

from __future__ import annotations

import sys
from pathlib import Path

from benchmarks.harness import (
    BIN,
    Figure,
    PeakMemory,
    bench_env,
    best_of,
    memory_figures,
    run_child,
)

AS_OF = "2026-11-23"
FLOOR_SQL = (
    "SELECT COUNT(*) FROM student s LEFT JOIN conference c ON c.student_id = s.id "
    "AND c.at >= (SELECT start FROM school_year WHERE start <= :d ORDER BY start DESC LIMIT 1)"
)
STORED_RATIO = 2.0  # check reading a current store
FRESH_RATIO = 5.0  # check --fresh: what is acceptable now
GOAL_RATIO = 3.0  # check --fresh: the goal, kept in the table
MEMORY_MB = 200.0


def run(db: Path, size: int, repeat: int = 3) -> list[Figure]:
    env = bench_env()
    floor_code = (
        "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
        f"print(c.execute({FLOOR_SQL!r}, {{'d': {AS_OF!r}}}).fetchone()[0])"
    )
    floor = best_of(repeat, lambda: run_child([sys.executable, "-c", floor_code, str(db)], env=env))
    polterm = [str(BIN / "polterm"), "--db", str(db)]
    # as of today, the day `refresh` (and demo, import) fill the store for
    run_child([*polterm, "refresh"], env=env)
    figures: list[Figure] = []
    for label, extra, ratio_target, goal in (
        ("check --format json (store current)", [], STORED_RATIO, None),
        ("check --fresh --format json", ["--fresh"], FRESH_RATIO, GOAL_RATIO),
    ):
        memory: list[PeakMemory] = []
        seconds = best_of(
            repeat,
            lambda extra=extra, memory=memory: run_child(
                [*polterm, "check", "--format", "json", *extra], env=env, memory=memory
            ),
        )
        target = f"≤ {ratio_target:g}× floor" + (f" (goal {goal:g}×)" if goal else "")
        figures.append(
            Figure(
                label,
                size,
                seconds,
                "s",
                floor,
                "SQL COUNT floor",
                target,
                seconds / floor <= ratio_target,
            )
        )
        figures.extend(memory_figures(f"{label}: peak memory", size, memory, MEMORY_MB))
    return figures
