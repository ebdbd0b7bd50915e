"""`check` answered from the finding store, when the store holds what an evaluation would give.

The store keeps the whole district's findings (every scope's are a filter of them) with the
day, the policies in force, their code and settings, and the last audit id they answer for.
When all of that matches now, the stored rows, filtered by the caller's scope and read in
CONTRACT.md's order, are the evaluation's findings; the evaluation's own order among findings
that tie on every sorted field is the order they were stored in (their rowid).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from operator import itemgetter
from typing import Any

from sqlite_utils import Database

from polterm.plugins import Registry
from polterm.policy import FINDING_KEYS, Finding, Scope
from polterm.services import finding_store

BATCH = 5000  # rows fetched and written at a time
_first = itemgetter(0)
_ORDER = "policy, rule, school_id, student_id, conference_id, due, rowid"  # finding_store_contract


def answers(db: Database, registry: Registry, as_of: date) -> bool:
    """Whether the store answers for this day now, brought up to date first when only some
    students' records changed; a store holding a failing rule's kept findings does not (an
    evaluation prints that rule's error instead), nor one this connection cannot update."""
    if not finding_store.refresh(db, registry, as_of, whole=False):
        return False
    (errors,) = db.execute("SELECT errors FROM finding_store_state WHERE id = 1").fetchone()
    return not json.loads(errors) and not finding_store.stored_failures(db)


class StoredFindings:
    """One scope's (and optionally one policy's) stored findings, read in the check's order."""

    def __init__(self, db: Database, scope: Scope, policy: str | None) -> None:
        self.db = db
        where, params = finding_store.scope_sql(db, scope)
        # the whole district's rows, read in rowid ranges when they lie in the table in order
        # (a narrower scope's few rows are found faster along an index)
        self.whole = not params
        if policy is not None:
            where, params = f"{where} AND f.policy = ?", [*params, policy]
        self.where, self.params = where, params

    def _select(self, columns: str) -> Any:
        return self.db.execute(
            f"SELECT {columns} FROM finding_store f WHERE {self.where} ORDER BY {_ORDER}",
            self.params,
        )

    def rows(self) -> Iterator[tuple[Any, ...]]:
        """Each finding's values in FINDING_KEYS order."""
        cursor = self._select(", ".join(FINDING_KEYS))
        while batch := cursor.fetchmany(BATCH):
            yield from batch

    def findings(self) -> list[Finding]:
        return [Finding(*row) for row in self.rows()]

    def json_lines(self) -> Iterator[bytes]:
        """The findings' JSON lines as stored with them (made now for a row stored before
        lines were), a batch joined by ",\\n" at a time."""
        line = f"CAST(coalesce(line, {finding_store.LINE_SQL}) AS BLOB)"
        if self.whole and self._in_order():
            yield from self._json_in_rowid_ranges(line)
            return
        cursor = self._select(line)
        while batch := cursor.fetchmany(BATCH):
            yield b",\n".join(map(_first, batch))

    def _in_order(self) -> bool:
        (in_order,) = self.db.execute(
            "SELECT in_order FROM finding_store_state WHERE id = 1"
        ).fetchone()
        return bool(in_order)

    def _json_in_rowid_ranges(self, line: str) -> Iterator[bytes]:
        """The lines of BATCH rowids at a time, joined by SQLite: the table read as it lies."""
        first, last = self.db.execute("SELECT min(rowid), max(rowid) FROM finding_store").fetchone()
        sql = (
            f"SELECT CAST(group_concat({line}, ',' || char(10)) AS BLOB) FROM finding_store f"
            f" WHERE f.rowid BETWEEN ? AND ? AND {self.where}"
        )
        for start in range(first or 0, (last or -1) + 1, BATCH):
            (lines,) = self.db.execute(sql, [start, start + BATCH - 1, *self.params]).fetchone()
            if lines:
                yield lines

    def has_status(self, status: str) -> bool:
        """Whether any of the findings has exactly this status."""
        row = self.db.execute(
            f"SELECT 1 FROM finding_store f WHERE {self.where} AND f.status = ? LIMIT 1",
            [*self.params, status],
        ).fetchone()
        return row is not None
