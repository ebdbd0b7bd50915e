"""Start-up to the first screen painted with its data vs a minimal Textual app; the UI's peak
memory."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from benchmarks.harness import Figure, bench_env, run_json_child

STARTUP_RATIO = 1.5
MEMORY_MB = 200.0


def _timed(args: list[str]) -> tuple[float, dict]:
    start = time.perf_counter()
    result = run_json_child(args, env=bench_env())
    return time.perf_counter() - start, result


def run(db: Path, size: int, repeat: int = 5) -> list[Figure]:
    # one run of each in turn, so both see the same load on a machine shared with other work
    minimal_runs, runs = [], []
    for _ in range(repeat):
        minimal_runs.append(_timed([sys.executable, "-m", "benchmarks.ui_child", "minimal"])[0])
        runs.append(_timed([sys.executable, "-m", "benchmarks.ui_child", "polterm", str(db)]))
    minimal = statistics.median(minimal_runs)
    startup = statistics.median(seconds for seconds, _ in runs)
    peak = max(result["peak_rss_mb"] for _, result in runs)
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
        Figure("UI peak RSS", size, peak, "MB", None, "", f"≤ {MEMORY_MB:g} MB", peak <= MEMORY_MB),
    ]
