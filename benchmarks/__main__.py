"""`make bench`: build the demo districts once, measure every figure, print one table.

python -m benchmarks [--sizes 10000,100000,1000000] [--only check,ui,search,import,walk,plan]
"""

from __future__ import annotations

import argparse
import sys
import time

from benchmarks import (
    bench_check,
    bench_import,
    bench_mail,
    bench_plan,
    bench_search,
    bench_ui,
    bench_walk,
)
from benchmarks.harness import OUT, Figure, demo_db, render

# Which benchmark runs at which sizes (the targets name the size that matters).
# The import brings its own OneRoster set of 500,000 users: it runs once, beside the largest.
PLAN = {
    "check": (bench_check.run, (10_000, 100_000, 1_000_000)),
    "ui": (bench_ui.run, (10_000, 100_000, 1_000_000)),
    "search": (bench_search.run, (100_000, 1_000_000)),
    "import": (bench_import.run, (1_000_000,)),
    "walk": (bench_walk.run, (100_000,)),
    "mail": (bench_mail.run, (100_000,)),  # its own district: 100,000 invitations
    "plan": (bench_plan.run, (100_000,)),
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__)
    parser.add_argument(
        "--sizes", default="10000,100000,1000000", help="student counts of the generated districts"
    )
    parser.add_argument("--only", default=",".join(PLAN), help="benchmarks to run")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    only = args.only.split(",")
    started = time.perf_counter()
    figures: list[Figure] = []
    for size in sizes:
        print(f"district of {size:,} students", file=sys.stderr)
        db = demo_db(size)
        for name, (run, plan_sizes) in PLAN.items():
            if name in only and size in plan_sizes:
                print(f"  {name} …", file=sys.stderr)
                begun = time.perf_counter()
                figures.extend(run(db, size))
                print(f"  {name}: {time.perf_counter() - begun:.0f} s", file=sys.stderr)
    table = render(figures)
    print(table)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.md").write_text(table + "\n")
    print(f"\n{time.perf_counter() - started:.0f} s in all", file=sys.stderr)


if __name__ == "__main__":
    main()
