"""A consistent copy of the district's database, taken while others keep working."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from polterm.errors import PoltermError
from polterm.services.session import Session
from polterm.storage.db import FILE_MODE, LIVE_SUFFIXES, database_file


def backup_database(session: Session, target: str | Path) -> Path:
    """Copy the database with SQLite's backup API into `target`, replacing it only when done.

    The copy is one snapshot (a single backup step holds a read transaction), is a
    self-contained file (rollback journal, not WAL) and is readable by the owner's group at most.
    """
    session.authorize("district.admin")
    target = Path(target)
    if target.is_dir():
        raise PoltermError(f"{target} is a directory: give a file name for the backup")
    source = database_file(session.db)
    if source and _is_live(target, Path(source)):
        raise PoltermError(
            f"{target} is the database itself or one of its -wal, -shm, -journal files: "
            "give another file for the backup"
        )
    if not target.parent.is_dir():
        raise PoltermError(f"cannot write {target}: directory {target.parent} does not exist")
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        fd = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
        os.close(fd)
        copy = sqlite3.connect(partial)
        try:
            session.db.conn.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
            (result,) = copy.execute("PRAGMA quick_check").fetchone()
        finally:
            copy.close()
        if result != "ok":
            raise PoltermError(f"the backup failed its integrity check: {result}")
        os.replace(partial, target)
    except OSError as error:
        raise PoltermError(f"cannot write backup {target}: {error.strerror}") from error
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(partial)
    return target


def _is_live(target: Path, source: Path) -> bool:
    """Whether writing `target` would write the live database or a file SQLite keeps beside it,
    by any name: through symlinks, `..` or another hard link."""
    names = {Path(f"{base}{suffix}") for base in (source.absolute(), source.resolve())
             for suffix in LIVE_SUFFIXES}  # fmt: skip
    if target.resolve() in {name.resolve() for name in names}:
        return True
    if not target.exists():
        return False
    return any(name.exists() and os.path.samefile(target, name) for name in names)
