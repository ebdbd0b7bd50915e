"""The UI issue's walk on a copy of the district, then the event screen's flows: the longest
stall of the event loop over all of it, and over the event screen's steps alone."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from benchmarks.flows_child import EVENT_STEPS
from benchmarks.harness import OUT, Figure, bench_env, run_json_child

STALL_MS = 100.0


def copy_of(db: Path) -> Path:
    """A consistent copy to write on, read through a read-only connection to the original."""
    copy = OUT / f"walk-{db.name}"
    for old in OUT.glob(copy.name + "*"):
        old.unlink()
    source = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    target = sqlite3.connect(copy)
    with source, target:
        source.backup(target)
    source.close()
    target.close()
    return copy


def run(db: Path, size: int) -> list[Figure]:
    copy = copy_of(db)
    try:
        r = run_json_child(
            [sys.executable, "-m", "benchmarks.flows_child", "walk", str(copy)], env=bench_env()
        )
    finally:
        for made in OUT.glob(copy.name + "*"):
            made.unlink()
    steps = ", ".join(f"{name} {ms:.0f}" for name, ms in r["step_stall_ms"].items())
    print(
        f"    longest stall per step (ms): {steps};"
        f" finding cleared: {'yes' if r['finding_cleared'] else 'NO'}",
        file=sys.stderr,
    )
    events = [ms for name, ms in r["step_stall_ms"].items() if name in EVENT_STEPS]
    return [
        Figure(
            what,
            size,
            max(stalls),
            "ms",
            r["idle_stall_ms"],
            "the app idle",
            f"≤ {STALL_MS:g} ms",
            max(stalls) <= STALL_MS,
        )
        for what, stalls in (
            ("walk: longest event-loop stall", list(r["step_stall_ms"].values())),
            ("walk: event screen's longest stall", events),
        )
    ]
