"""polterm: parent-teacher conferences and a district's conference policy, in one terminal app."""

from polterm.lean_imports import import_sqlite_utils

import_sqlite_utils()

from polterm.hookspecs import hookimpl  # noqa: E402  (sqlite-utils first: what follows imports it)

__version__ = "0.1.0"
__all__ = ["__version__", "hookimpl"]
