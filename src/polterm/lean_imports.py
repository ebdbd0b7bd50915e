"""sqlite-utils imported without pandas and numpy (more than half of every command's start),
and with dateutil's parser loaded only if something parses with it."""

from __future__ import annotations

import importlib
import importlib.util
import sys

# sqlite-utils imports these when installed (OR-Tools brings both) only to map their value
# types to columns, which polterm never stores.
_UNUSED_BY_SQLITE_UTILS = ("pandas", "numpy")
# sqlite-utils imports this at its start for recipes polterm never calls (20 ms of each start,
# with the time zones it loads); it is loaded the first time one of its names is used.
_LAZY_FOR_SQLITE_UTILS = ("dateutil.parser",)


def import_sqlite_utils() -> None:
    """Import sqlite-utils as if pandas and numpy were absent; they stay importable after, for
    the planner (OR-Tools), which loads them only when it plans."""
    if "sqlite_utils" in sys.modules:
        return
    for name in _LAZY_FOR_SQLITE_UTILS:
        _import_lazily(name)
    hidden = [name for name in _UNUSED_BY_SQLITE_UTILS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # `import` raises ImportError
    try:
        importlib.import_module("sqlite_utils")
    finally:
        for name in hidden:
            del sys.modules[name]


def _import_lazily(name: str) -> None:
    """Put a module in place that loads on first use (importlib's LazyLoader recipe)."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return  # not installed: the importer says so as it would have
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:  # as an import binds a submodule to its package (`from dateutil import parser`)
        setattr(sys.modules[parent], child, module)
