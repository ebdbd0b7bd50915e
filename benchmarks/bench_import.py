"""`polterm import oneroster` rows per second vs a plain executemany floor (the import
includes filling the finding store, as the command does); its peak memory, anonymous and
file-backed apart as for the other commands."""

from __future__ import annotations

import shutil
import statistics
import sys
from pathlib import Path

from benchmarks.harness import (
    BIN,
    OUT,
    Figure,
    PeakMemory,
    bench_env,
    memory_figures,
    run_child,
    run_measured,
)
from tests.io.roster import write_set

USERS = 500_000
SCHOOLS = 20  # a teacher each; every student has two guardians
RATE_RATIO = 0.5
MEMORY_MB = 200.0


def roster(users: int = USERS) -> Path:
    """The generated OneRoster set, written once and kept in benchmarks/out/."""
    path = OUT / f"oneroster-{users}"
    if not path.exists():
        tmp = path.with_name(path.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        write_set(tmp, students=(users - SCHOOLS) // 3, schools=SCHOOLS)
        tmp.rename(path)
    return path


def run(db: Path, size: int, repeat: int = 3) -> list[Figure]:
    """The district size does not matter: the import brings its own, into a new database
    (medians of `repeat` runs of each, the largest peak)."""
    env = bench_env()
    source = roster()
    work = OUT / "import"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    empty = work / "empty.db"
    run_child(
        [str(BIN / "polterm"), "--db", str(empty), "init", "--district", "Generated",
         "--policy", "clinton_6310", "--policy", "p1471"],
        env=env,
    )  # fmt: skip
    floors, imports = [], []
    memory: list[PeakMemory] = []
    for _ in range(repeat):  # interleaved, so a busy spell of the machine weighs on both
        target, floor_db = work / "import.db", work / "floor.db"
        shutil.copy(empty, target)
        shutil.copy(empty, floor_db)
        floors.append(
            run_measured(
                [sys.executable, "-m", "benchmarks.import_floor", str(floor_db), str(source)],
                env=env,
            )[0]
        )
        seconds, _ = run_measured(
            [str(BIN / "polterm"), "--db", str(target), "import", "oneroster", str(source),
             "--format", "json"],
            env=env,
            memory=memory,
        )  # fmt: skip
        imports.append(seconds)
        target.unlink()
        floor_db.unlink()
    shutil.rmtree(work)
    floor, seconds = statistics.median(floors), statistics.median(imports)
    rate, floor_rate = USERS / seconds, USERS / floor
    print(f"    import {seconds:.1f} s, floor {floor:.1f} s (medians of {repeat})", file=sys.stderr)
    return [
        Figure(
            "import oneroster",
            USERS,
            rate,
            "rows/s",
            floor_rate,
            "executemany floor",
            f"≥ {RATE_RATIO:g}× floor",
            rate / floor_rate >= RATE_RATIO,
            per="users",
        ),
        *memory_figures("import peak memory", USERS, memory, MEMORY_MB, per="users"),
    ]
