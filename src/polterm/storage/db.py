"""Open the district database safely: WAL, foreign keys, busy timeout, migrations, version check."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from sqlite_utils import Database, Migrations

from polterm.errors import PoltermError
from polterm.storage.schema import migrations as core_migrations

BUSY_TIMEOUT_MS = 10_000
FILE_MODE = 0o640
# the database file and those SQLite keeps beside it while it is in use
LIVE_SUFFIXES = ("", "-wal", "-shm", "-journal")
T = TypeVar("T")


def open_database(
    path: str | Path | None,
    extra_migrations: Iterable[Migrations] = (),
    *,
    create: bool = True,
) -> Database:
    """Open (creating if allowed) and migrate; refuse a database written by a newer polterm."""
    if path is None or str(path) == ":memory:":
        db = Database(memory=True)
    else:
        path = Path(path)
        if not path.exists():
            if not create:
                raise PoltermError(
                    f"no database at {path}: run `polterm init` or `polterm demo` first"
                )
            path.parent.mkdir(parents=True, exist_ok=True)
            _create_private_file(path)
        try:
            conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        except sqlite3.Error as error:
            raise PoltermError(f"cannot open database {path}: {error}") from error
        db = Database(conn)
        try:
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.enable_wal()
        except sqlite3.DatabaseError as error:
            raise PoltermError(f"{path} is not a polterm database: {error}") from error
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = NORMAL")
    migrate(db, [core_migrations, *extra_migrations], path)
    return db


def migrate(db: Database, migration_sets: Iterable[Migrations], path: object = None) -> None:
    """Apply what is pending of each set, after refusing a database a newer polterm wrote."""
    sets = list(migration_sets)
    for migration_set in sets:
        refuse_newer(db, migration_set, path)
    for migration_set in sets:
        if migration_set.pending(db):
            retry_locked(lambda m=migration_set: m.apply(db))


def refuse_newer(db: Database, migration_set: Migrations, path: object) -> None:
    """A migration we do not know means a newer polterm wrote this file: touch nothing."""
    known = {m.name for m in migration_set._migrations}
    unknown = [m.name for m in migration_set.applied(db) if m.name not in known]
    if unknown:
        raise PoltermError(
            f"{path or 'the database'} was written by a newer polterm "
            f"(schema '{migration_set.name}' has migration {unknown[0]!r}, unknown here): "
            "upgrade polterm to open it"
        )


def _create_private_file(path: Path) -> None:
    """Create the file group-readable at most, before SQLite does it with the umask's mode."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    os.close(fd)


def remove_database(path: Path) -> None:
    """Remove a database file and the files SQLite keeps beside it."""
    for suffix in LIVE_SUFFIXES:
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[Database]:
    """A database opened only to look: no migration, no write, no file created."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        yield Database(conn)
    finally:
        conn.close()


def database_file(db: Database) -> str:
    """The path of the connection's main database file; "" for a database in memory."""
    return str(db.execute("PRAGMA database_list").fetchone()[2])


@contextlib.contextmanager
def pragma_while(db: Database, name: str, value: int) -> Iterator[None]:
    """A connection setting changed for one stretch of work (a bulk load, an evaluation),
    then put back, so the connection's other users never see it; a setting the connection
    does not have (a database in memory maps nothing) is left alone."""
    row = db.execute(f"PRAGMA {name}").fetchone()
    if row is not None:
        db.execute(f"PRAGMA {name} = {value}")
    try:
        yield
    finally:
        if row is not None:
            db.execute(f"PRAGMA {name} = {row[0]}")


def fold_log(db: Database) -> None:
    """After a bulk write: its pages copied into the database file and the write-ahead log
    emptied, if no reader holds it now (it does not wait for one). A log left long is read
    whole by the next process that opens the file first, and consulted by every read after:
    a store's whole refresh leaves about 1.2 GB at 1,000,000 students (0.4 s at each start)."""
    if database_file(db) and not db.conn.in_transaction:
        with pragma_while(db, "busy_timeout", 0):
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


@contextlib.contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """One write transaction, taken IMMEDIATE so two sessions never deadlock on upgrade.

    Nested calls become savepoints. Any exception rolls the whole thing back.
    """
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():
            yield db
        return
    retry_locked(lambda: conn.execute("BEGIN IMMEDIATE"))
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def retry_locked(step: Callable[[], T], attempts: int = 5) -> T:
    """Run a step again when it met `database is locked` past the busy timeout; never show it."""
    for attempt in range(attempts):
        try:
            return step()
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            last = error
        time.sleep(0.2 * (attempt + 1))
    raise PoltermError(
        "the database is busy with another session's long write; try again"
    ) from last
