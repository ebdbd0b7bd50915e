"""A rule query's own process: SQLite on one connection per process runs on its own core,
where threads of one process wait on each other (SQLite's shared allocator lock, the mapped
file's page faults) and, at a million students, took as long as running the queries in turn.

The engine starts it as `python -I -S query_worker.py URI BUSY_MS` (the standard library only,
so it starts in about 20 ms) and sends it pickled requests on standard input, one at a time:
(sql, params, bad_sql, seconds). It answers each on standard output with one JSON line, then
for a result the block's bytes: {"count": n, "flags": [...], "bad": the odd status as Python
writes it or null, "size": bytes}, or {"error": class name, "message": text} when the query
failed. The end of its input ends it.
The engine runs the same `run_block` in its own process when the work is too small to share.
"""

from __future__ import annotations

import json
import pickle
import sqlite3
import sys
import time
from typing import Any, BinaryIO

# SQLite asks the clock every this many steps (a few ms) for the time limit.
PROGRESS_STEPS = 1_000_000
MMAP_BYTES = 1 << 40  # read pages in place, not one system call each (SQLite caps it)

# SQLite authorizer action codes a rule may use: reading and nothing else.
READ_ACTIONS = {
    sqlite3.SQLITE_SELECT,
    sqlite3.SQLITE_READ,
    sqlite3.SQLITE_FUNCTION,
    sqlite3.SQLITE_RECURSIVE,
}


class QueryTimeout(Exception):
    """The query ran past its time budget."""


def overran(seconds: float) -> str:
    """What a rule that ran past its time limit is told, wherever it ran."""
    return f"took longer than {seconds:g} s"


def authorize_reads(action: int, arg1: Any, arg2: Any, dbname: Any, source: Any) -> int:
    """Let a rule read and nothing else: every write is refused when it is prepared."""
    if action in READ_ACTIONS or (action == sqlite3.SQLITE_PRAGMA and arg2 is None):
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def run_block(
    conn: sqlite3.Connection, sql: str, params: dict[str, Any], bad_sql: str | None
) -> tuple[bytes, int, list[int], str | None]:
    """One block query's text, count and status flags; with a status outside the engine's
    list (the last flag), that status as Python writes it, found by `bad_sql`."""
    text, count, *flags = conn.execute(sql, params).fetchone()
    bad = None
    if bad_sql is not None and flags and flags[-1]:
        bad = repr(conn.execute(bad_sql, params).fetchone()[0])
    return text or b"", count, flags, bad


def serve(uri: str, busy_ms: int, requests: BinaryIO, answers: BinaryIO) -> None:
    """Answer block requests on one read-only connection until the requests end."""
    conn = sqlite3.connect(uri, uri=True)
    conn.execute(f"PRAGMA busy_timeout = {busy_ms:d}")
    conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    conn.set_authorizer(authorize_reads)
    while True:
        try:
            sql, params, bad_sql, seconds = pickle.load(requests)
        except EOFError:
            return
        deadline = time.monotonic() + seconds
        conn.set_progress_handler(lambda end=deadline: time.monotonic() > end, PROGRESS_STEPS)
        try:
            text, count, flags, bad = run_block(conn, sql, params, bad_sql)
        except Exception as error:
            late = isinstance(error, sqlite3.OperationalError) and time.monotonic() > deadline
            kind = QueryTimeout if late else type(error)
            message = overran(seconds) if late else str(error)
            answers.write(json.dumps({"error": kind.__name__, "message": message}).encode())
            answers.write(b"\n")
        else:
            head = {"count": count, "flags": flags, "bad": bad, "size": len(text)}
            answers.write(json.dumps(head).encode() + b"\n")
            answers.write(text)
        answers.flush()


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]), sys.stdin.buffer, sys.stdout.buffer)
