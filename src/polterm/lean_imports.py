"""sqlite-utils imported without pandas and numpy: more than half of every command's start."""

from __future__ import annotations

import importlib
import sys

# sqlite-utils imports these when installed (OR-Tools brings both) only to map their value
# types to columns, which polterm never stores.
_UNUSED_BY_SQLITE_UTILS = ("pandas", "numpy")


def import_sqlite_utils() -> None:
    """Import sqlite-utils as if pandas and numpy were absent; they stay importable after, for
    the planner (OR-Tools), which loads them only when it plans."""
    if "sqlite_utils" in sys.modules:
        return
    hidden = [name for name in _UNUSED_BY_SQLITE_UTILS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # `import` raises ImportError
    try:
        importlib.import_module("sqlite_utils")
    finally:
        for name in hidden:
            del sys.modules[name]
