"""Start-up to a settled first screen vs a minimal Textual app; the UI's peak memory."""

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


def run(db: Path, size: int, repeat: int = 3) -> list[Figure]:
    minimal = statistics.median(
        _timed([sys.executable, "-m", "benchmarks.ui_child", "minimal"])[0] for _ in range(repeat)
    )
    runs = [
        _timed([sys.executable, "-m", "benchmarks.ui_child", "polterm", str(db)])
        for _ in range(repeat)
    ]
    startup = statistics.median(seconds for seconds, _ in runs)
    peak = max(result["peak_rss_mb"] for _, result in runs)
    return [
        Figure(
            "start-up to settled dashboard",
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
