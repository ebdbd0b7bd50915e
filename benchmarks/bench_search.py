"""Search as you type on the student list, and opening it, in the real app driven headless."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from benchmarks.harness import Figure, bench_env, run_json_child

KEYSTROKE_MS = 50.0
OPEN_MS = 100.0


def run(db: Path, size: int) -> list[Figure]:
    r = run_json_child(
        [sys.executable, "-m", "benchmarks.flows_child", "search", str(db)], env=bench_env()
    )
    keystroke = statistics.median(r["keystroke_ms"])
    p95 = statistics.quantiles(r["keystroke_ms"], n=20, method="inclusive")[18]
    print(
        f"    {len(r['keystroke_ms'])} keystrokes timed ({r['unchanged_pages']} left the page"
        f" as it was) typing {', '.join(r['names'])};"
        f" slowest {max(r['keystroke_ms']):.0f} ms",
        file=sys.stderr,
    )
    return [
        Figure(
            "search: keystroke to new first page (median)",
            size,
            keystroke,
            "ms",
            statistics.median(r["query_ms"]),
            "the page's query alone",
            f"≤ {KEYSTROKE_MS:g} ms",
            keystroke <= KEYSTROKE_MS,
        ),
        Figure(
            f"search: keystroke to new first page (p95 of {len(r['keystroke_ms'])})",
            size,
            p95,
            "ms",
            statistics.quantiles(r["query_ms"], n=20, method="inclusive")[18],
            "the page's query alone (p95)",
            f"≤ {KEYSTROKE_MS:g} ms",
            p95 <= KEYSTROKE_MS,
        ),
        Figure(
            "students: key to first page",
            size,
            r["open_ms"],
            "ms",
            r["open_query_ms"],
            "the page's query alone",
            f"≤ {OPEN_MS:g} ms",
            r["open_ms"] <= OPEN_MS,
        ),
    ]
