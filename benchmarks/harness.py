"""Timing, child processes and the results table shared by every benchmark."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
BIN = Path(sys.executable).parent


@dataclass
class Figure:
    """One measured figure, its same-run reference, and the target the ratio must meet."""

    name: str
    size: int
    value: float
    unit: str
    reference: float | None = None
    reference_name: str = ""
    target: str = ""
    met: bool | None = None
    per: str = "students"  # what `size` counts

    @property
    def ratio(self) -> float | None:
        if self.reference in (None, 0):
            return None
        return self.value / self.reference


def run_child(
    args: Sequence[str],
    *,
    stdout: int | None = subprocess.DEVNULL,
    env: dict[str, str] | None = None,
    timeout: float = 900,
) -> float:
    """Wall time of a child process in seconds; fails loudly if it fails."""
    return run_measured(args, stdout=stdout, env=env, timeout=timeout)[0]


def run_measured(
    args: Sequence[str],
    *,
    stdout: int | None = subprocess.DEVNULL,
    env: dict[str, str] | None = None,
    timeout: float = 900,
) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MB) of one child process, from its own rusage (wait4)."""
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(args, stdout=stdout, stderr=stderr, env=env)
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):  # check --fail-on style 1 is a result, not a failure
            stderr.seek(0)
            raise RuntimeError(
                f"{' '.join(map(str, args))} exited {proc.returncode}: "
                f"{stderr.read().decode(errors='replace')[-500:]}"
            )
    return elapsed, usage.ru_maxrss / 1024


def run_json_child(
    args: Sequence[str], env: dict[str, str] | None = None, timeout: float = 900
) -> dict:
    """Run a measuring script that prints one JSON object as its last stdout line."""
    proc = subprocess.run(args, capture_output=True, env=env, timeout=timeout, check=False)
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, args))} exited {proc.returncode}: "
            f"{proc.stderr.decode(errors='replace')[-800:]}"
        )
    return json.loads(proc.stdout.decode().strip().splitlines()[-1])


def best_of(repeat: int, measure) -> float:  # type: ignore[no-untyped-def]
    """The median of a few runs: steadier than one, cheaper than many."""
    return statistics.median(measure() for _ in range(repeat))


def bench_env() -> dict[str, str]:
    """A quiet environment: no colour, no plugin allowlist surprises."""
    env = dict(os.environ)
    env.pop("POLTERM_LOAD_PLUGINS", None)
    env["NO_COLOR"] = "1"
    return env


def demo_db(students: int, seed: int = 1) -> Path:
    """A generated demo district of N students, built once and kept in benchmarks/out/."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"demo-{students}.db"
    if not path.exists():
        tmp = path.with_suffix(".tmp.db")
        for leftover in OUT.glob(tmp.name + "*"):
            leftover.unlink()
        start = time.perf_counter()
        subprocess.run(
            [
                str(BIN / "polterm"),
                "--db",
                str(tmp),
                "demo",
                "--no-tui",
                "--students",
                str(students),
                "--seed",
                str(seed),
            ],
            check=True,
            env=bench_env(),
            stdout=subprocess.DEVNULL,
        )
        tmp.rename(path)
        print(f"  built {path.name} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return path


def render(figures: list[Figure]) -> str:
    """The one table `make bench` prints (Markdown, so the README can carry it)."""
    lines = [
        "| figure | size | value | reference | ratio | target | met |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for f in figures:
        ref = "" if f.reference is None else f"{_num(f.reference)} {f.unit} ({f.reference_name})"
        ratio = f"{f.ratio:.2f}" if f.ratio is not None else ""
        met = "" if f.met is None else ("yes" if f.met else "**no**")
        lines.append(
            f"| {f.name} | {f.size:,} {f.per} | {_num(f.value)} {f.unit} | {ref} | {ratio} "
            f"| {f.target} | {met} |"
        )
    return "\n".join(lines)


def _num(value: float) -> str:
    """Three significant digits, whole numbers from 100 up (rows/s, MB, ms read at a glance)."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
