"""Reading the audit log: who changed which record when, limited to what the reader may see.

Decisions (see docs/deploy-ssh.md): `audit.read` is for IT (everything), the superintendent
(district-wide) and a principal or designee (rows about their school's students). Guardians'
phone numbers and e-mail addresses never appear in the table view; the JSON view shows them to
IT only. Conference notes are blanked for readers who may not read notes.
"""

from __future__ import annotations

import json
from typing import Any

from polterm.services import authz
from polterm.services.refs import require
from polterm.services.session import Session
from polterm.services.validate import parse_date

CONTACT_FIELDS = ("phone", "email")
HIDDEN = "(hidden)"
_BOOKKEEPING = frozenset({"version", "updated_by", "updated_at"})  # the row's actor/at say it


def read_audit(
    session: Session,
    student_id: str | None = None,
    since: str | None = None,
    *,
    for_table: bool = True,
) -> list[dict[str, Any]]:
    """Audit rows oldest first, `before`/`after` as objects, private values hidden as decided."""
    clauses: list[str] = []
    params: list[Any] = []
    if student_id is not None:
        student = require(session, "student", student_id)
        session.authorize("audit.read", student_id=student_id, school_id=student["school_id"])
        clauses.append("a.student_id = ?")
        params.append(student_id)
    else:
        session.authorize("audit.read")
    if since is not None:
        clauses.append("a.at >= ?")
        params.append(parse_date(since, "--since").isoformat())
    scope_sql, scope_params = authz.visible_scope(session).sql("s")
    if scope_sql != "1":
        clauses.append(f"a.student_id IN (SELECT s.id FROM student s WHERE {scope_sql})")
        params += scope_params
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = session.db.query(
        "SELECT a.id, a.at, a.actor, t.name AS actor_name, a.os_user, a.action, a.table_name,"
        " a.record_id, a.student_id, a.before, a.after FROM audit_log a"
        f" LEFT JOIN staff t ON t.id = a.actor {where} ORDER BY a.id",
        params,
    )
    hide_contacts = for_table or session.actor.role != "it"
    notes_for: dict[str | None, bool] = {}
    out = []
    for row in rows:
        sid = row["student_id"]
        if sid not in notes_for:
            notes_for[sid] = authz.may_read_notes(session, student_id=sid)
        hidden = (CONTACT_FIELDS if hide_contacts else ()) + (
            () if notes_for[sid] else authz.NOTE_FIELDS
        )
        row["before"] = _redacted(row["before"], hidden)
        row["after"] = _redacted(row["after"], hidden)
        out.append(row)
    return out


def _redacted(value: str | None, hidden: tuple[str, ...]) -> dict[str, Any] | None:
    """The stored JSON as an object, with the hidden fields' values replaced when set."""
    if value is None:
        return None
    data = json.loads(value)
    for name in hidden:
        if data.get(name) is not None:
            data[name] = HIDDEN
    return data


def changes(row: dict[str, Any]) -> str:
    """One line saying what a write did: the changed fields, old → new."""
    before, after = row["before"] or {}, row["after"] or {}
    if row["action"] == "delete":
        return "deleted"
    keys = [k for k in after if before.get(k) != after.get(k) and k not in _BOOKKEEPING]
    if row["action"] == "update":
        return "; ".join(f"{k}: {_short(before.get(k))} -> {_short(after[k])}" for k in keys)
    return "; ".join(f"{k}={_short(after[k])}" for k in keys if after[k] is not None)


def _short(value: Any, width: int = 40) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"
