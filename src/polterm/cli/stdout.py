"""Standard output held until the command succeeds: a failed command prints nothing there,
and a reader that stops early (`polterm check | head`) ends nothing but the printing."""

from __future__ import annotations

import io
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

# output up to this size stays in memory; more goes to a private temporary file
IN_MEMORY = 16 * 1024 * 1024


class HeldStdout(io.TextIOWrapper):
    """What a command prints, kept aside; `isatty` answers for the real stdout, so commands
    still write for a terminal when a person is reading."""

    def __init__(self, real: TextIO) -> None:
        super().__init__(
            tempfile.SpooledTemporaryFile(max_size=IN_MEMORY),  # noqa: SIM115 (kept until sent)
            encoding=real.encoding or "utf-8",
            errors=real.errors or "strict",
            newline="\n",
            write_through=True,
        )
        self.real = real

    def isatty(self) -> bool:
        return self.real.isatty()

    def send(self) -> None:
        """Copy what was printed to the real stdout; a closed pipe ends the copy quietly."""
        self.flush()
        held = self.buffer
        held.seek(0)
        try:
            self.real.flush()
            shutil.copyfileobj(held, self.real.buffer)
            self.real.flush()
        except BrokenPipeError:
            stop_writing(self.real)


def stop_writing(stream: TextIO) -> None:
    """Point a closed pipe at /dev/null, so the interpreter's last flush does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # not a real file (a test's capture)
        pass


@contextmanager
def held_until_success() -> Iterator[None]:
    """Hold sys.stdout for the command; send it only when the command returns normally."""
    real = sys.stdout
    held = HeldStdout(real)
    sys.stdout = held
    try:
        yield
    except BaseException:
        release(send=False)
        raise
    release()


def release(*, send: bool = True) -> None:
    """Give the real stdout back (what was held is printed first): the UI draws on it."""
    held = sys.stdout
    if not isinstance(held, HeldStdout):
        return
    sys.stdout = held.real
    if send:
        held.send()
    held.close()
