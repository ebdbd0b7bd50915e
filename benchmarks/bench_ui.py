"""Start-up to the first screen painted with its data vs a minimal Textual app; the UI's peak
memory, anonymous and file-backed apart, on a first open with the finding store empty (cold:
the UI evaluates the district) and on later opens (warm: it reads the store)."""

from __future__ import annotations

import os
import sqlite3
import statistics
import sys
import time
from pathlib import Path

from benchmarks.harness import Figure, PeakMemory, bench_env, memory_figures, run_json_child

STARTUP_RATIO = 1.5
MEMORY_MB = 200.0


def _timed(args: list[str], memory: list[PeakMemory] | None = None) -> tuple[float, dict]:
    start = time.perf_counter()
    result = run_json_child(args, env=bench_env(), memory=memory)
    return time.perf_counter() - start, result


def run(db: Path, size: int, repeat: int = 9) -> list[Figure]:
    app = [sys.executable, "-m", "benchmarks.ui_child", "polterm", str(db)]
    with sqlite3.connect(db) as conn:  # the store as nothing has filled it yet
        conn.execute("DELETE FROM finding_store_state")
    conn.close()
    cold: list[PeakMemory] = []
    _timed(app, cold)  # it evaluates the district and fills the store
    os.sync()  # whose writes are on disk before the timing starts, not written back beneath it
    # one run of each in turn, so both see the same load on a machine shared with other work
    minimal_runs, runs, warm = [], [], []  # type: ignore[var-annotated]
    for _ in range(repeat):
        minimal_runs.append(_timed([sys.executable, "-m", "benchmarks.ui_child", "minimal"])[0])
        runs.append(_timed(app, warm)[0])
    minimal = statistics.median(minimal_runs)
    startup = statistics.median(runs)
    return [
        Figure(
            "start-up to painted dashboard",
            size,
            startup,
            "s",
            minimal,
            "minimal Textual app",
            f"≤ {STARTUP_RATIO:g}×",
            startup / minimal <= STARTUP_RATIO,
        ),
        *memory_figures("UI peak memory, store filled", size, warm, MEMORY_MB),
        *memory_figures("UI peak memory, first open with the store empty", size, cold, MEMORY_MB),
    ]
