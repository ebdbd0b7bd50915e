"""polterm: parent-teacher conferences and a district's conference policy, in one terminal app."""

from polterm.hookspecs import hookimpl

__version__ = "0.1.0"
__all__ = ["__version__", "hookimpl"]
