"""Who is acting, and the audited, transactional writes every service goes through."""

from __future__ import annotations

import json
import os
import pwd
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby
from typing import Any

from sqlite_utils import Database

from polterm.errors import ConflictError, PoltermError
from polterm.plugins import Registry, build_registry
from polterm.services.validate import printable_record
from polterm.storage import transaction


@dataclass(frozen=True)
class Actor:
    """The person behind a session: their staff record, and the OS user who ran polterm."""

    staff_id: str
    name: str
    role: str
    school_id: str | None
    os_user: str

    @property
    def acting_for_someone(self) -> bool:
        return self.staff_id != self.os_user


SYSTEM = Actor("system", "polterm", "it", None, "system")


def os_user() -> str:
    """The OS account running polterm: over SSH, the person who logged in.

    From the real user id, never from $USER/$LOGNAME, which the user can set to anyone.
    """
    return pwd.getpwuid(os.getuid()).pw_name


class Session:
    """A person's session on one database: every write is audited and in one transaction."""

    def __init__(self, db: Database, actor: Actor, registry: Registry | None = None) -> None:
        self.db = db
        self.actor = actor
        self._registry = registry

    @property
    def registry(self) -> Registry:
        """The installed policy plugins, loaded on first use (start-up does not pay for it)."""
        if self._registry is None:
            self._registry = build_registry()
        return self._registry

    def authorize(
        self, action: str, *, student_id: str | None = None, school_id: str | None = None
    ) -> None:
        """Refuse (PermissionDenied) what the actor's role may not do; every service calls it.

        `action` is a verb such as "student.read", "conference.write", "conference.notes.read".
        """
        from polterm.services import authz

        authz.check(self, action, student_id=student_id, school_id=school_id)

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        with transaction(self.db) as db:
            yield db

    def insert(self, table: str, row: Mapping[str, Any], *, student_id: str | None = None) -> Any:
        """Insert one row and record it; returns the new primary key."""
        printable_record(table, row)
        with self.transaction():
            try:
                tbl = self.db.table(table)
                tbl.insert(dict(row))
            except Exception as error:
                raise _as_user_error(table, error) from error
            pk = _primary_key(tbl, row, tbl.last_pk)
            self._audit("insert", table, pk, student_id, None, self._row(table, pk))
            return pk

    def insert_many(
        self, table: str, rows: Sequence[Mapping[str, Any]], *, student_ids: Sequence[str | None]
    ) -> list[Any]:
        """Insert rows a statement per set of columns and record each as `insert` does (a plan
        writes thousands of conferences at once); returns their primary keys in order."""
        if not rows:
            return []
        for row in rows:
            printable_record(table, row)
        with self.transaction():
            tbl = self.db.table(table)
            pks = tbl.pks
            serial = pks == ["rowid"] or (
                len(pks) == 1 and pks[0] not in rows[0] and tbl.columns_dict[pks[0]] is int
            )
            values = [dict(row) for row in rows]
            if serial:  # numbered here, as SQLite would (the transaction holds the write lock)
                last = self.db.execute(f"SELECT max(rowid) FROM [{table}]").fetchone()[0] or 0
                for offset, row in enumerate(values, start=1):
                    row[pks[0]] = last + offset
            for columns, group in groupby(values, key=lambda row: tuple(row)):
                names = ", ".join(f"[{c}]" for c in columns)
                try:
                    self.db.conn.executemany(
                        f"INSERT INTO [{table}] ({names}) VALUES ({', '.join('?' * len(columns))})",
                        [list(row.values()) for row in group],
                    )
                except Exception as error:
                    raise _as_user_error(table, error) from error
            keys = [tuple(row[k] for k in pks) if len(pks) > 1 else row[pks[0]] for row in values]
            where = " AND ".join(f"[{k}] = ?" for k in pks)
            read = self.db.conn.cursor()
            audit = []
            for pk, student_id in zip(keys, student_ids, strict=True):
                read.execute(f"SELECT * FROM [{table}] WHERE {where}", pk if len(pks) > 1 else [pk])
                after = dict(zip([d[0] for d in read.description], read.fetchone(), strict=True))
                audit.append(self._audit_values("insert", table, pk, student_id, None, after))
            self.db.conn.executemany(_AUDIT_SQL, audit)
            return keys

    def update(
        self,
        table: str,
        pk: Any,
        changes: Mapping[str, Any],
        *,
        student_id: str | None = None,
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Change one row; with `expected_version`, refuse if someone saved it in between."""
        printable_record(table, changes)
        with self.transaction():
            before = self._row(table, pk)
            if before is None:
                raise PoltermError(f"no {table.replace('_', ' ')} with id {pk!r}")
            values = dict(changes)
            if "version" in before:
                if expected_version is not None and before["version"] != expected_version:
                    raise ConflictError(
                        f"{table.replace('_', ' ')} {pk} was changed by "
                        f"{self._staff_name(before.get('updated_by'))} at "
                        f"{before.get('updated_at') or 'an earlier time'}, reload it"
                    )
                values["version"] = before["version"] + 1
            if "updated_by" in before:
                values["updated_by"] = self.actor.staff_id
                values["updated_at"] = now_iso()
            try:
                self.db.table(table).update(pk, values)
            except Exception as error:
                raise _as_user_error(table, error) from error
            after = self._row(table, pk)
            self._audit("update", table, pk, student_id, before, after)
            return after or {}

    def update_held(
        self, table: str, row: dict[str, Any], changes: Mapping[str, Any], *, student_id: str
    ) -> None:
        """Change a row whose current values the caller holds (one a lease keeps others off),
        in place: one UPDATE and its audit entry, without reading it back (a hot loop's cost)."""
        printable_record(table, changes)
        with self.transaction():
            columns = ", ".join(f"[{name}] = ?" for name in changes)
            self.db.execute(
                f"UPDATE [{table}] SET {columns} WHERE id = ?", [*changes.values(), row["id"]]
            )
            before = dict(row)
            row.update(changes)
            self._audit("update", table, row["id"], student_id, before, row)

    def delete(self, table: str, pk: Any, *, student_id: str | None = None) -> None:
        """Delete one row (link rows, mostly) and record what it held."""
        with self.transaction():
            before = self._row(table, pk)
            if before is None:
                return
            try:
                self.db.table(table).delete(pk)
            except Exception as error:
                raise _as_user_error(table, error) from error
            self._audit("delete", table, pk, student_id, before, None)

    def _staff_name(self, staff_id: str | None) -> str:
        """Who saved a record last, as people know them: "Name (id)"."""
        if staff_id is None:
            return "someone"
        row = self.db.execute("SELECT name FROM staff WHERE id = ?", [staff_id]).fetchone()
        return f"{row[0]} ({staff_id})" if row else staff_id

    def _row(self, table: str, pk: Any) -> dict[str, Any] | None:
        try:
            return self.db.table(table).get(pk)
        except Exception:
            return None

    def _audit(self, *change: Any) -> None:
        """Record one change (what `_audit_values` takes)."""
        self.db.execute(_AUDIT_SQL, self._audit_values(*change))

    def _audit_values(
        self,
        action: str,
        table: str,
        pk: Any,
        student_id: str | None,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any] | None,
    ) -> list[Any]:
        """One audit-log row: who did what to which record, and the record before and after."""
        return [
            now_iso(),
            self.actor.staff_id,
            self.actor.os_user,
            action,
            table,
            ":".join(map(str, pk)) if isinstance(pk, tuple) else str(pk),
            student_id,
            json.dumps(before, default=str) if before is not None else None,
            json.dumps(after, default=str) if after is not None else None,
        ]


_AUDIT_SQL = (
    "INSERT INTO audit_log (at, actor, os_user, action, table_name, record_id,"
    " student_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _primary_key(tbl: Any, row: Mapping[str, Any], last_pk: Any) -> Any:
    pks = tbl.pks
    if pks == ["rowid"]:
        return last_pk
    if len(pks) == 1:
        return row.get(pks[0], last_pk)
    return tuple(row[k] for k in pks)


def _as_user_error(table: str, error: Exception) -> PoltermError:
    """Turn a constraint failure into the one-line message a person can act on."""
    text = str(error)
    what = table.replace("_", " ")
    if "double-booked:" in text:
        return ConflictError(text[text.index("double-booked:") :])
    if "UNIQUE" in text or "PRIMARY KEY" in text:
        return PoltermError(f"a {what} with that id already exists ({text.split(':')[-1].strip()})")
    if "FOREIGN KEY" in text:
        return PoltermError(f"{what} refers to a record that does not exist")
    if "CHECK" in text:
        return PoltermError(f"{what}: a value is not allowed ({text})")
    return PoltermError(f"{what}: {text}")
