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

from polterm.ui import FRAMES_PER_SECOND

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
    memory: list[PeakMemory] | None = None,
) -> float:
    """Wall time of a child process in seconds; fails loudly if it fails."""
    return run_measured(args, stdout=stdout, env=env, timeout=timeout, memory=memory)[0]


def run_measured(
    args: Sequence[str],
    *,
    stdout: int | None = subprocess.DEVNULL,
    env: dict[str, str] | None = None,
    timeout: float = 900,
    memory: list[PeakMemory] | None = None,
) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MB) of one child process, from its own rusage (wait4); its
    anonymous and file-backed peaks appended to `memory`, when given."""
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(args, stdout=stdout, stderr=stderr, env=env)
        peak = PeakMemory(proc.pid)
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
            peak.stop()
        elapsed = time.perf_counter() - start
        if memory is not None:
            memory.append(peak)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):  # check --fail-on style 1 is a result, not a failure
            stderr.seek(0)
            raise RuntimeError(
                f"{' '.join(map(str, args))} exited {proc.returncode}: "
                f"{stderr.read().decode(errors='replace')[-500:]}"
            )
    return elapsed, usage.ru_maxrss / 1024


class PeakMemory:
    """The highest anonymous and file-backed resident memory (MB) a child and the processes it
    started (`check`'s query processes) reached together, read from /proc every few ms: one
    process's peak RSS (VmHWM, ru_maxrss) is their sum, and the file-backed part is mostly the
    database file SQLite maps, which the kernel drops at will."""

    def __init__(self, pid: int, every: float = 0.005) -> None:
        self.anon = self.file = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, args=(pid, every), daemon=True)
        self._thread.start()

    def _watch(self, pid: int, every: float) -> None:
        while not self._stop.is_set():
            anon = file = 0.0
            for one in [pid, *_descendants(pid)]:
                fields = _status(one)
                if one == pid and "RssAnon" not in fields:  # the child has exited
                    return
                anon += int(fields.get("RssAnon", "0 kB").split()[0]) / 1024
                file += int(fields.get("RssFile", "0 kB").split()[0]) / 1024
            self.anon, self.file = max(self.anon, anon), max(self.file, file)
            time.sleep(every)

    def stop(self) -> PeakMemory:
        self._stop.set()
        self._thread.join()
        return self


def _status(pid: int) -> dict[str, str]:
    """A process's /proc status fields; none once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return dict(line.split(":", 1) for line in status)
    except (OSError, ValueError):
        return {}


def _descendants(pid: int) -> list[int]:
    """The processes a process started, and theirs, from any of its threads."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as children:
                kids = [int(k) for k in children.read().split()]
        except OSError:
            continue
        for kid in kids:
            found += [kid, *_descendants(kid)]
    return found


def memory_figures(
    name: str, size: int, memory: list[PeakMemory], limit_mb: float, per: str = "students"
) -> list[Figure]:
    """The highest anonymous peak of some runs against its limit, and the file-backed one."""
    anon = max(m.anon for m in memory)
    return [
        Figure(
            f"{name}: anonymous", size, anon, "MB", None, "", f"≤ {limit_mb:g} MB",
            anon <= limit_mb, per,
        ),
        Figure(
            f"{name}: file-backed (the mapped database)", size, max(m.file for m in memory), "MB",
            per=per,
        ),
    ]  # fmt: skip


def run_json_child(
    args: Sequence[str],
    env: dict[str, str] | None = None,
    timeout: float = 900,
    memory: list[PeakMemory] | None = None,
) -> dict:
    """Run a measuring script that prints one JSON object as its last stdout line (its peak
    memory appended to `memory`, when given)."""
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as child:
        peak = PeakMemory(child.pid)
        out, err = child.communicate(timeout=timeout)
        if memory is not None:
            memory.append(peak.stop())
    proc = subprocess.CompletedProcess(args, child.returncode, out, err)
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
    # the frame rate polterm's UI sets for itself, here for every child: the harnesses import
    # Textual before polterm, and the minimal app stays a like-for-like reference
    env["TEXTUAL_FPS"] = FRAMES_PER_SECOND
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
