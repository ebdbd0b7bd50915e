"""One SQLite progress handler per connection, shared by everyone who may stop its queries."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from weakref import WeakKeyDictionary

from sqlite_utils import Database

Check = tuple[Callable[[], object], int]  # true: stop the query; looked at every n SQLite steps
_checks: WeakKeyDictionary[Database, list[Check]] = WeakKeyDictionary()


class Stopped(BaseException):
    """A query stopped by the check of an enclosing block: the work inside is abandoned, not
    failed, so it passes the engine's per-rule isolation (`except Exception`) instead of being
    reported as the rule's error and half an answer written as the whole one."""


@contextmanager
def stop_when(db: Database, check: Callable[[], object], steps: int) -> Iterator[None]:
    """While the block runs, a query on `db` is interrupted once `check()` is true, looked at
    every `steps` SQLite steps; the block's caller gets sqlite3.OperationalError, as from
    SQLite. A check of an enclosing block stops it too, and its work raises `Stopped` up to
    that block, whose caller gets the OperationalError.

    SQLite keeps one handler per connection and Python cannot read it back, so a block that set
    its own (the engine's time limit) silently dropped the one around it (a UI worker's
    cancellation, which then no longer stopped an evaluation).
    """
    entry = (check, steps)
    checks = _checks.setdefault(db, [])
    outer = list(checks)
    checks.append(entry)
    _install(db, checks)
    try:
        yield
    except sqlite3.OperationalError as error:
        if any(look() for look, _ in outer):
            raise Stopped(str(error)) from error
        raise
    except Stopped as stopped:
        if any(look() for look, _ in outer):
            raise
        raise sqlite3.OperationalError("interrupted") from stopped
    finally:
        checks.remove(entry)
        _install(db, checks)


def _install(db: Database, checks: list[Check]) -> None:
    if not checks:
        db.conn.set_progress_handler(None, 0)
        return
    looks = [check for check, _ in checks]
    db.conn.set_progress_handler(
        lambda: any(look() for look in looks), min(steps for _, steps in checks)
    )
