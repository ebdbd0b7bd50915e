"""Before and after of each existing record an import changes, for the audit log.

An import writes thousands of rows in batches; it audits only the records that existed and
differ, with just the columns that changed, and writes those audit rows in one go.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from sqlite_utils import Database

from polterm.services.session import Actor, now_iso


class ChangeLog:
    """The audit rows of one import, collected as it goes and written at its end."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.rows: list[tuple[Any, ...]] = []

    def before(self, table: str, ids: list[str], columns: Collection[str]) -> dict[str, tuple]:
        """The stored values of those of `ids` the table has, by id."""
        if not ids:
            return {}
        rows = self.db.execute(
            f"SELECT id, {', '.join(columns)} FROM {table}"
            " WHERE id IN (SELECT value FROM json_each(?))",
            [json.dumps(ids)],
        )
        return {row[0]: row[1:] for row in rows}

    def changed(
        self, table: str, columns: tuple[str, ...], old: dict[str, tuple], new: dict[str, tuple]
    ) -> list[str]:
        """Log each record whose values differ (the columns that changed); their ids."""
        ids = []
        for uid, now in new.items():
            was = old.get(uid)
            if was is None or was == now:
                continue
            ids.append(uid)
            diff = [i for i, (a, b) in enumerate(zip(was, now, strict=True)) if a != b]
            student = uid if table == "student" else None
            self.log("update", table, uid, student, {columns[i]: was[i] for i in diff},
                     {columns[i]: now[i] for i in diff})  # fmt: skip
        return ids

    def log(self, action: str, table: str, uid: str, student: str | None,
            before: dict | None, after: dict | None) -> None:  # fmt: skip
        before_json = before and json.dumps(before, default=str)
        after_json = after and json.dumps(after, default=str)
        self.rows.append((action, table, uid, student, before_json, after_json))

    def write(self, actor: Actor) -> str:
        """Write the rows as `actor`'s; the time they carry."""
        at = now_iso()
        self.db.conn.executemany(
            "INSERT INTO audit_log (at, actor, os_user, action, table_name, record_id,"
            " student_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(at, actor.staff_id, actor.os_user, *row) for row in self.rows],
        )
        return at
