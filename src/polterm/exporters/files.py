"""Writing an export to its file whole or not at all, for the CLI and the UI alike."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from polterm.errors import PoltermError
from polterm.services.deployment import check_output


@contextmanager
def atomic_output(path: Path, binary: bool = False) -> Iterator[object]:
    """Write to a temp file beside `path` and rename it over; a failure leaves nothing.

    On a server whose configuration limits where staff may write, it is checked here first.
    """
    check_output(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent or Path("."), prefix=f".{path.name}.")
    except OSError as error:
        raise PoltermError(f"cannot write {path}: {error.strerror} ({path.parent})") from None
    try:
        with os.fdopen(fd, "wb" if binary else "w", encoding=None if binary else "utf-8",
                       newline=None if binary else "") as f:  # fmt: skip
            yield f
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
