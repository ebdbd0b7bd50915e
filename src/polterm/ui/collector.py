"""Python's full garbage collections, moved to moments when nobody waits for the screen."""

from __future__ import annotations

import gc
from collections.abc import Callable
from time import monotonic

IDLE_S = 2.0  # no key or click for this long: somebody is reading, not waiting for the screen
LOOK_S = 0.5  # how often the app asks
BACKSTOP = 100  # middle passes since the last full one; past them a full one runs regardless
NEVER = 1 << 30  # as Python's threshold for the oldest generation: it never runs by itself


class IdleCollector:
    """A full collection walks every live object (20-80 ms of the UI's ~50,000 at 100,000
    students on a 2-core machine). Python runs one whenever enough objects have outlived the
    young passes, so in the middle of whatever screen was being painted, or in a worker holding
    the interpreter, and the event loop stood still for it as long as for the paint. The young
    and middle passes (a few ms) still run by themselves; the full one Python would have run
    waits until the app has been left idle, or for `BACKSTOP` middle passes when it never is.
    Idle is no key or click for `IDLE_S` and no work under way (`busy`): somebody who pressed a
    key and waits for what it reads is not idle, however long the reading takes.
    """

    def __init__(self, busy: Callable[[], bool]) -> None:
        self.busy = busy
        self.last_input = monotonic()
        self.thresholds: tuple[int, int, int] | None = None
        # the middle passes that make a full collection due: Python's own threshold for them
        self.due = gc.get_threshold()[2]

    def start(self) -> None:
        """Python stops running full collections by itself; `look` runs them."""
        self.thresholds = gc.get_threshold()
        young, middle, _ = self.thresholds
        gc.set_threshold(young, middle, NEVER)

    def stop(self) -> None:
        """Python's own schedule again (the app is leaving; a test's process goes on)."""
        if self.thresholds is not None:
            gc.set_threshold(*self.thresholds)
            self.thresholds = None

    def touched(self) -> None:
        """A key or a click: somebody waits for what it does."""
        self.last_input = monotonic()

    def look(self) -> bool:
        """A full collection if Python would have run one by now and the app is idle (or
        `BACKSTOP` has come). True if it ran."""
        passes = gc.get_count()[2]
        idle = monotonic() - self.last_input >= IDLE_S and not self.busy()
        if passes < self.due or not (idle or passes >= BACKSTOP):
            return False
        gc.collect()
        return True
