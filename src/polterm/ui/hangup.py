"""Noticing that the terminal has gone (an SSH connection dropped without a hangup signal):
the UI then exits, rather than live on with nobody at it while Textual's input thread reads
an ended input in a loop."""

from __future__ import annotations

import select
import sys

LOOK_S = 2.0  # how often the UI looks


def hung_up(fd: int | None = None) -> bool:
    """Whether the terminal on `fd` (standard input by default) has been hung up or closed."""
    if fd is None:
        try:
            fd = sys.__stdin__.fileno() if sys.__stdin__ is not None else -1
        except (OSError, ValueError):
            return False
    if fd < 0:
        return False
    poller = select.poll()
    poller.register(fd, 0)  # hang-up and a closed descriptor are reported whatever is asked
    return any(mask & (select.POLLHUP | select.POLLNVAL) for _, mask in poller.poll(0))
