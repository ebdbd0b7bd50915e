"""Run in a child process: open an app headless, exit once its first screen has painted its data.

Prints one JSON line: peak RSS and the longest event-loop stall; the parent times the process.
`python -m benchmarks.ui_child minimal` is the reference (benchmarks/ui_minimal.py).
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # each mode imports what it runs, when it runs it, as `polterm` itself does
    from textual.app import App
    from textual.pilot import Pilot


class StallMonitor:
    """The longest time the event loop went without running a 5 ms timer."""

    def __init__(self) -> None:
        self.longest = 0.0
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Watch until the app exits (asyncio.run then cancels the task)."""
        self.task = asyncio.get_running_loop().create_task(self.watch())

    async def watch(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            self.longest = max(self.longest, time.perf_counter() - before - 0.005)


def polterm_app(db: Path) -> App:
    """polterm as `polterm --db DB` opens it (`start_ui`), ended where start-up ends: its
    dashboard painted with its data (what it prepares afterwards, for the next screen, is not
    start-up)."""
    from polterm.cli.state import State
    from polterm.ui import start_ui

    app = start_ui(State(db_path=db))
    app.dashboard_painted = app.exit  # type: ignore[method-assign]
    return app


def minimal_app() -> App:
    """The reference, imported (with Textual) only when it is the app measured."""
    from benchmarks.ui_minimal import Minimal

    return Minimal()


def main() -> None:
    mode = sys.argv[1]
    monitor = StallMonitor()
    app = minimal_app() if mode == "minimal" else polterm_app(Path(sys.argv[2]))

    async def auto_pilot(pilot: Pilot) -> None:
        monitor.start()

    app.run(headless=True, size=(120, 40), auto_pilot=auto_pilot)
    print(
        json.dumps(
            {
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "longest_stall_ms": monitor.longest * 1000,
            }
        )
    )


if __name__ == "__main__":
    main()
