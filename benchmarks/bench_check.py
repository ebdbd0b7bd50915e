"""`polterm check --format json` with both policies vs the floor: one SQL COUNT over the year."""

from __future__ import annotations

import sys
from pathlib import Path

from benchmarks.harness import BIN, Figure, bench_env, best_of, run_child

AS_OF = "2026-11-23"
FLOOR_SQL = (
    "SELECT COUNT(*) FROM student s LEFT JOIN conference c ON c.student_id = s.id "
    "AND c.at >= (SELECT start FROM school_year WHERE start <= :d ORDER BY start DESC LIMIT 1)"
)
TARGET_RATIO = 3.0


def run(db: Path, size: int, repeat: int = 3) -> list[Figure]:
    env = bench_env()
    floor_code = (
        "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
        f"print(c.execute({FLOOR_SQL!r}, {{'d': {AS_OF!r}}}).fetchone()[0])"
    )
    floor = best_of(repeat, lambda: run_child([sys.executable, "-c", floor_code, str(db)], env=env))
    check = best_of(
        repeat,
        lambda: run_child(
            [str(BIN / "polterm"), "--db", str(db), "check", "--as-of", AS_OF, "--format", "json"],
            env=env,
        ),
    )
    ratio = check / floor
    return [
        Figure(
            "check --format json",
            size,
            check,
            "s",
            floor,
            "SQL COUNT floor",
            f"≤ {TARGET_RATIO:g}× floor",
            ratio <= TARGET_RATIO,
        )
    ]
