"""The district's findings as of a day, kept in the database so the dashboard opens at once.

The engine's answer depends only on the data, the day and the policies, so the store keeps the
last unrestricted answer beside what it was computed from: the day, a stamp of the policies and
the last audit-log id. A later audited change to one student's own records re-evaluates that
student alone; anything else (a new day, another policy, a school-wide change, an unaudited
write) needs a whole evaluation. Readers filter by their role's scope the way the engine does.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlite_utils import Database

from polterm import config
from polterm.engine import ROW_SEP, Evaluation, FindingBlock, evaluate
from polterm.plugins import Registry
from polterm.policy import FINDING_KEYS, Finding, Scope
from polterm.services.session import now_iso
from polterm.storage import transaction

STATUS_ORDER = {"action": 0, "overdue": 1, "due": 2, "warning": 3}  # finding_store.rank too
# Tables whose rows belong to one student: an audited change to them alters only that
# student's findings (school-level findings read schools and their reports, never these).
PER_STUDENT = frozenset(
    {
        "conference",
        "conference_staff",
        "conference_attendee",
        "resource_document",
        "contact_attempt",
        "escalation",
        "welfare_check",
        "progress_report",
        "approval_1806",
        "parent_request",
        "emergency_contact",
    }
)
INCREMENTAL_LIMIT = 500  # more changed students than this: one whole evaluation is cheaper
_COLUMNS = ", ".join(FINDING_KEYS)


@dataclass
class Stored:
    """What a reader sees of the store: the first rows most urgent first, and the counts."""

    as_of: date
    findings: list[Finding]
    total: int
    errors: list[str]
    per_school: Counter[str] = field(default_factory=Counter)
    per_rule: Counter[str] = field(default_factory=Counter)


def stamp(db: Database, registry: Registry) -> str:
    """The policies an evaluation ran: a new version or a failing plugin means a new answer."""
    names = config.active_policies(db)
    versions = [
        (n, registry.policies[n].version if n in registry.policies else None) for n in names
    ]
    return json.dumps([versions, sorted(str(e) for e in registry.errors)])


def refresh(db: Database, registry: Registry, as_of: date, *, whole: bool) -> bool:
    """Bring the store up to date if it can be done; False when only a whole evaluation
    would do and `whole` is not allowed (a teacher's session should not pay for a district)."""
    latest = db.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]
    state = db.execute(
        "SELECT as_of, stamp, audit_id FROM finding_store_state WHERE id = 1"
    ).fetchone()
    current_stamp = stamp(db, registry)
    if state == (as_of.isoformat(), current_stamp, latest):
        return True
    if state is not None and state[:2] == (as_of.isoformat(), current_stamp):
        students = changed_students(db, state[2])
        if students is not None:
            with transaction(db):
                for student_id in sorted(students):
                    db.execute("DELETE FROM finding_store WHERE student_id = ?", [student_id])
                    found = evaluate(db, registry, as_of, scope=Scope(student_id=student_id))
                    _insert(db, found)
                _set_state(db, as_of, current_stamp, latest, None)
            return True
    if not whole:
        return False
    found = evaluate(db, registry, as_of)
    with transaction(db):
        db.execute("DELETE FROM finding_store")
        _insert(db, found)
        _set_state(db, as_of, current_stamp, latest, [str(e) for e in found.errors])
    return True


def changed_students(db: Database, since: int) -> set[str] | None:
    """The students whose own records changed after an audit id; None if anything else did."""
    students: set[str] = set()
    for table, student_id in db.execute(
        "SELECT DISTINCT table_name, student_id FROM audit_log WHERE id > ?", [since]
    ):
        if table not in PER_STUDENT or student_id is None:
            return None
        students.add(student_id)
    return students if len(students) <= INCREMENTAL_LIMIT else None


def _set_state(
    db: Database, as_of: date, current_stamp: str, audit_id: int, errors: list[str] | None
) -> None:
    db.execute(
        "INSERT INTO finding_store_state (id, as_of, stamp, audit_id, computed_at, errors)"
        " VALUES (1, ?, ?, ?, ?, coalesce(?, '[]')) ON CONFLICT(id) DO UPDATE SET"
        " as_of = excluded.as_of, stamp = excluded.stamp, audit_id = excluded.audit_id,"
        " computed_at = excluded.computed_at, errors = coalesce(?, errors)",
        [as_of.isoformat(), current_stamp, audit_id, now_iso(), _json(errors), _json(errors)],
    )


def _json(errors: list[str] | None) -> str | None:
    return None if errors is None else json.dumps(errors)


def _insert(db: Database, found: Evaluation) -> None:
    """Write an evaluation's findings; a block goes from its text to rows inside SQLite."""
    conn = db.conn
    for part in found.parts:
        if isinstance(part, FindingBlock):
            _insert_block(db, part)
            continue
        conn.executemany(
            f"INSERT INTO finding_store ({_COLUMNS}) VALUES ({', '.join('?' * len(FINDING_KEYS))})",
            [[getattr(f, k) for k in FINDING_KEYS] for f in part],
        )


def _insert_block(db: Database, block: FindingBlock) -> None:
    """Unpack a block's rows with json_each: a million findings never become objects."""
    if not block.count:
        return
    values: list[str] = []
    fixed: list[Any] = []
    for key in FINDING_KEYS:
        if key in block.columns:
            values.append(f"value ->> '$[{2 * block.columns.index(key)}]'")
        else:
            values.append("?")
            fixed.append(block.fixed[key])
    rows = b"[" + block.text.replace(ROW_SEP.encode(), b",") + b"]"
    db.execute(
        f"INSERT INTO finding_store ({_COLUMNS}) SELECT {', '.join(values)}"
        " FROM json_each(CAST(? AS TEXT))",
        [*fixed, rows],
    )


def read(db: Database, scope: Scope, as_of: date, limit: int) -> Stored:
    """The first `limit` findings the scope may see, most urgent first, and all their counts."""
    where, params = _scope_sql(scope)
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM finding_store f WHERE {where}"
        " ORDER BY rank, due, policy, rule, school_id, student_id, conference_id LIMIT ?",
        [*params, limit],
    ).fetchall()
    per_school: Counter[str] = Counter()
    per_rule: Counter[str] = Counter()
    for school, rule, n in db.execute(
        f"SELECT coalesce(school_id, '—'), policy || '/' || rule, count(*) FROM finding_store f"
        f" WHERE {where} GROUP BY 1, 2",
        params,
    ):
        per_school[school] += n
        per_rule[rule] += n
    (errors,) = db.execute("SELECT errors FROM finding_store_state WHERE id = 1").fetchone()
    return Stored(
        as_of=as_of,
        findings=[Finding(*row) for row in rows],
        total=sum(per_rule.values()),
        errors=json.loads(errors),
        per_school=per_school,
        per_rule=per_rule,
    )


def students_with_findings(db: Database, scope: Scope) -> set[str]:
    """The students the scope may see who have at least one finding."""
    where, params = _scope_sql(scope)
    sql = (
        f"SELECT DISTINCT student_id FROM finding_store f WHERE student_id IS NOT NULL AND {where}"
    )
    return {row[0] for row in db.execute(sql, params)}


def _scope_sql(scope: Scope) -> tuple[str, list[Any]]:
    """The engine's own scope filter (engine._allowed) over the stored findings."""
    clauses, params = ["1"], []
    if scope.teacher_id is not None:
        clauses.append("f.student_id IN (SELECT id FROM student WHERE teacher_id = ?)")
        params.append(scope.teacher_id)
    if scope.student_id is not None:
        clauses.append("f.student_id = ?")
        params.append(scope.student_id)
    if scope.school_id is not None:
        clauses.append("f.school_id = ?")
        params.append(scope.school_id)
    if scope.school_ids is not None:
        clauses.append(f"f.school_id IN ({', '.join('?' * len(scope.school_ids))})")
        params.extend(sorted(scope.school_ids))
    return " AND ".join(clauses), params
