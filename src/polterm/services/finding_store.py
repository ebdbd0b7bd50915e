"""The district's findings as of a day, kept in the database so the dashboard opens at once.

The engine's answer depends only on the data, the day and the policies, so the store keeps the
last unrestricted answer beside what it was computed from: the day, a stamp of the policies and
the last audit-log id. A later audited change to one student's own records re-evaluates that
student alone; anything else (a new day, another policy, a school-wide change, an unaudited
write) needs a whole evaluation. Readers filter by their role's scope the way the engine does.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from weakref import WeakKeyDictionary

from sqlite_utils import Database

from polterm import config
from polterm.engine import (
    Evaluation,
    FindingBlock,
    Part,
    allowed_values,
    evaluate,
    evaluate_in_order,
)
from polterm.plugins import Registry
from polterm.policy import FINDING_KEYS, Finding, Scope
from polterm.services.session import now_iso
from polterm.storage import transaction
from polterm.storage.db import fold_log

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
INSERT_CHUNK_BYTES = 4 << 20  # of a block's text, unpacked by SQLite in one statement
_COLUMNS = ", ".join(FINDING_KEYS)
# A finding's JSON line as `check` prints it (json.dumps of `Finding.as_dict`, not ASCII-only),
# made by SQLite once as the finding is stored, so a check from the store only reads it.
_PAIRS = (f"'\"{key}\": ' || json_quote({key})" for key in FINDING_KEYS)
LINE_SQL = "'{' || " + " || ', ' || ".join(_PAIRS) + " || '}'"


def _insert_sql(rows: str, table: str = "finding_store") -> str:
    """Store `rows` (a SELECT of FINDING_KEYS by name) with their lines."""
    return f"INSERT INTO {table} ({_COLUMNS}, line) SELECT *, {LINE_SQL} FROM ({rows})"


@dataclass(frozen=True)
class Failure:
    """A rule that failed (rule "": a whole policy that did not load), shown where its
    findings would be: with its error, since when, and its last good findings kept stale."""

    policy: str
    rule: str
    plugin: str
    message: str
    since: str | None  # when the store first saw it fail; None: this evaluation, nothing kept

    def __str__(self) -> str:
        when = f"since {self.since.replace('T', ' ')}" if self.since else "now"
        kept = (
            "its last good findings are kept, marked stale"
            if self.since
            else "its findings are missing here"
        )
        return f"{self.policy}/{self.rule or '*'} fails {when}: {self.message} ({kept})"


@dataclass
class Stored:
    """What a reader sees of the store: the first rows most urgent first, and the counts."""

    as_of: date
    findings: list[Finding]
    total: int
    errors: list[str]
    per_school: Counter[str] = field(default_factory=Counter)
    per_rule: Counter[str] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    stale: frozenset[int] = frozenset()  # positions in `findings` of a failing rule's last good


def urgency(finding: Finding) -> tuple:
    """The dashboard's order in Python, as `read` sorts in SQL (nulls first): most urgent,
    soonest due, then the contract's order."""
    return (STATUS_ORDER.get(finding.status, 9), finding.due or "", finding.sort_key())


def stamp(db: Database, registry: Registry, as_of: date) -> str:
    """The policies an evaluation ran: a new version, code edited in place (the hash of the
    plugin's installed files), a rule setting changed or a failing plugin means a new answer."""
    names = config.active_policies(db, as_of)
    loaded = registry.policies
    versions = [(n, [loaded[n].version, loaded[n].digest] if n in loaded else None) for n in names]
    settings = db.execute("SELECT policy, rule, key, value FROM policy_setting ORDER BY 1, 2, 3")
    return json.dumps([versions, sorted(str(e) for e in registry.errors), settings.fetchall()])


def refresh(db: Database, registry: Registry, as_of: date, *, whole: bool) -> bool:
    """Bring the store up to date if it can be done; False when only a whole evaluation
    would do and `whole` is not allowed (a teacher's session should not pay for a district).

    Evaluations run before the write transaction, so other writers wait only for the rows;
    a change made meanwhile has a later audit id and is picked up by the next refresh."""
    latest = db.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]
    state = db.execute(
        "SELECT as_of, stamp, audit_id, errors FROM finding_store_state WHERE id = 1"
    ).fetchone()
    current = (as_of.isoformat(), stamp(db, registry, as_of))
    if state is not None and state[:2] == current and state[2] == latest:
        return True
    if not writable(db):  # an evaluation whose answer could not be kept: the caller's own
        return False
    if state is not None and state[:2] == current:
        students = changed_students(db, state[2], PER_STUDENT | registry.per_student_tables())
        if students is not None:
            found = {s: evaluate(db, registry, as_of, scope=Scope(student_id=s)) for s in students}
            errors = set(json.loads(state[3]))
            with transaction(db):
                for student_id, evaluation in found.items():
                    failed = failures_of(db, registry, evaluation)
                    _count(db, -1, student_id)
                    _replace(db, failed, student_id)
                    _insert(db, evaluation.parts)
                    _count(db, 1, student_id)
                    _record_failures(db, failed, whole=False)
                    errors.update(str(e) for e in evaluation.errors)
                _set_state(db, current, latest, json.dumps(sorted(errors)), in_order=False)
            return True
    if not whole:
        return False
    with _staged(db) as staged:
        evaluation = _evaluate_into(db, registry, as_of, staged)
        failed = failures_of(db, registry, evaluation)
        with transaction(db):
            _replace(db, failed)
            db.execute(
                f"INSERT INTO finding_store ({_COLUMNS}, line)"
                f" SELECT {_COLUMNS}, line FROM temp.{staged} ORDER BY rowid"
            )
            db.execute("DELETE FROM finding_store_count")
            _count(db, 1)
            _record_failures(db, failed, whole=True)
            errors = json.dumps([str(e) for e in evaluation.errors])
            # in order when no failing rule's kept rows (written before) sit ahead of them
            _set_state(db, current, latest, errors, in_order=not failed)
    fold_log(db)
    return True


@contextmanager
def _staged(db: Database) -> Iterator[str]:
    """A temporary table shaped as the store's rows (SQLite keeps it in a file of its own, not
    in memory, and no other connection sees it), dropped after."""
    name = "finding_store_new"
    db.execute(f"DROP TABLE IF EXISTS temp.{name}")
    db.execute(f"CREATE TEMP TABLE {name} AS SELECT {_COLUMNS}, line FROM finding_store WHERE 0")
    try:
        yield name
    finally:
        db.execute(f"DROP TABLE IF EXISTS temp.{name}")


def _evaluate_into(db: Database, registry: Registry, as_of: date, table: str) -> Evaluation:
    """The district's evaluation written into `table` rule by rule, as each rule's findings come
    (`evaluate_in_order`), so memory holds one rule's at a time, not the district's; the store's
    write lock is not held meanwhile. Gives the evaluation's errors, its findings let go."""
    found = Evaluation(as_of, errors=list(registry.errors))
    for part in evaluate_in_order(db, registry, as_of, found.errors):
        _insert(db, [part], table)
    return found


def fill(db: Database, registry: Registry) -> None:
    """After a bulk load (demo, import): evaluate the district as of today once, so the first
    UI session of the day reads the store rather than evaluating behind a loading screen."""
    refresh(db, registry, date.today(), whole=True)


def _count(db: Database, sign: int, student_id: str | None = None) -> None:
    """Add (sign 1) or take away (-1) the stored findings, or one student's, from the counts
    per rule and per school (each grouped in an index's order, so counted as it is walked)."""
    mine, who = ("WHERE student_id = ?", [student_id]) if student_id is not None else ("", [])
    db.execute(
        "INSERT INTO finding_store_count (kind, key, n) SELECT * FROM ("
        f" SELECT 'rule', policy || '/' || rule, ? * count(*) FROM finding_store {mine}"
        " GROUP BY policy, rule UNION ALL"
        f" SELECT 'school', coalesce(school_id, '—'), ? * count(*) FROM finding_store {mine}"
        " GROUP BY school_id) WHERE true ON CONFLICT (kind, key) DO UPDATE SET n = n + excluded.n",
        [sign, *who, sign, *who],
    )
    db.execute("DELETE FROM finding_store_count WHERE n = 0")


Failed = dict[tuple[str, str], tuple[str, str]]  # (policy, rule or "") -> (plugin, message)


def failures_of(db: Database, registry: Registry, evaluation: Evaluation) -> Failed:
    """The rules an evaluation could not run, and the policies in force that did not load."""
    failed: Failed = {}
    for error in evaluation.errors:
        if error.policy is not None and error.rule is not None:
            failed[(error.policy, error.rule)] = (error.plugin, error.message)
    for name in config.active_policies(db, evaluation.as_of):
        if name not in registry.policies:
            failed[(name, "")] = (name, registry.why_missing(name))
    return failed


def _failed_sql(failed: Failed) -> tuple[str, list[Any]]:
    """The condition on a stored finding of belonging to a failed rule or policy."""
    if not failed:
        return "0", []
    clauses, params = [], []
    for policy, rule in failed:
        clauses.append("(policy = ? AND rule = ?)" if rule else "policy = ?")
        params.extend([policy, rule] if rule else [policy])
    return " OR ".join(clauses), params


def _replace(db: Database, failed: Failed, student_id: str | None = None) -> None:
    """Clear the findings a new evaluation replaces (one student's, or all); a failed rule's
    stay, marked stale, so they never simply disappear."""
    cond, params = _failed_sql(failed)
    mine, who = ("student_id = ? AND ", [student_id]) if student_id is not None else ("", [])
    db.execute(f"DELETE FROM finding_store WHERE {mine}NOT ({cond})", [*who, *params])
    db.execute(f"UPDATE finding_store SET stale = 1 WHERE {mine}({cond})", [*who, *params])


def _record_failures(db: Database, failed: Failed, *, whole: bool) -> None:
    """Keep each failure with the time it was first seen; a whole evaluation forgets the rules
    that ran again (one student's cannot tell whether a rule recovered for everyone)."""
    if whole:
        cond, params = _failed_sql(failed)
        db.execute(f"DELETE FROM finding_store_error WHERE NOT ({cond})", params)
    for (policy, rule), (plugin, message) in failed.items():
        db.execute(
            "INSERT INTO finding_store_error (policy, rule, plugin, message, since)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (policy, rule) DO UPDATE"
            " SET plugin = excluded.plugin, message = excluded.message",
            [policy, rule, plugin, message, now_iso()],
        )


def stored_failures(db: Database) -> list[Failure]:
    """The failing rules the store knows of, oldest failure first."""
    return [
        Failure(*row)
        for row in db.execute(
            "SELECT policy, rule, plugin, message, since FROM finding_store_error"
            " ORDER BY since, policy, rule"
        )
    ]


def writable(db: Database) -> bool:
    """Whether this connection may write the store (a file opened read-only may not), asked
    once per connection with a write that changes nothing (and leaves no transaction that it
    opened): each asking takes the write lock a moment, which a form's save would wait for."""
    known = _writable.get(db)
    if known is not None:
        return known
    conn = db.conn
    was_open = conn.in_transaction
    answer = True
    try:
        conn.execute("DELETE FROM finding_store_state WHERE 0")
    except sqlite3.OperationalError as error:
        if "readonly" in str(error):
            answer = False
        elif "locked" not in str(error):  # another writer's: the store's own write waits for it
            raise
    finally:
        if not was_open and conn.in_transaction:
            conn.rollback()
    _writable[db] = answer
    return answer


_writable: WeakKeyDictionary[Database, bool] = WeakKeyDictionary()


def changed_students(
    db: Database, since: int, per_student: frozenset[str] = PER_STUDENT
) -> set[str] | None:
    """The students whose own records changed after an audit id; None if anything else did
    (`per_student`: the tables whose rows belong to one student, the plugins' included)."""
    students: set[str] = set()
    for table, student_id in db.execute(
        "SELECT DISTINCT table_name, student_id FROM audit_log WHERE id > ?", [since]
    ):
        if table not in per_student or student_id is None:
            return None
        students.add(student_id)
    return students if len(students) <= INCREMENTAL_LIMIT else None


def _set_state(
    db: Database, current: tuple[str, str], audit_id: int, errors: str, *, in_order: bool
) -> None:
    """Record what the stored findings answer for (the day, the policies, the last change),
    and whether their rows lie in `check`'s order (only a whole refresh writes them so)."""
    db.execute(
        "INSERT OR REPLACE INTO finding_store_state"
        " (id, as_of, stamp, audit_id, computed_at, errors, in_order)"
        " VALUES (1, ?, ?, ?, ?, ?, ?)",
        [*current, audit_id, now_iso(), errors, int(in_order)],
    )


def _insert(db: Database, parts: Iterable[Part], table: str = "finding_store") -> None:
    """Write an evaluation's findings; a block goes from its text to rows inside SQLite."""
    conn = db.conn
    for part in parts:
        if isinstance(part, FindingBlock):
            _insert_block(db, part, table)
            continue
        conn.executemany(
            _insert_sql("SELECT " + ", ".join(f"? AS {k}" for k in FINDING_KEYS), table),
            [[getattr(f, k) for k in FINDING_KEYS] for f in part],
        )


def _insert_block(db: Database, block: FindingBlock, table: str) -> None:
    """Unpack a block's rows with json_each, a few megabytes of them at a time: a million
    findings never become objects, nor one JSON text SQLite parses whole."""
    if not block.count:
        return
    values: list[str] = []
    fixed: list[Any] = []
    for key in FINDING_KEYS:
        if key in block.columns:
            values.append(f"value ->> '$[{block.value_index(key)}]' AS {key}")
        else:
            values.append(f"? AS {key}")
            fixed.append(block.fixed[key])
    sql = _insert_sql(f"SELECT {', '.join(values)} FROM json_each(CAST(? AS TEXT))", table)
    for rows in block.json_row_chunks(INSERT_CHUNK_BYTES):
        db.execute(sql, [*fixed, rows])


def read(db: Database, scope: Scope, as_of: date, limit: int) -> Stored:
    """The first `limit` findings the scope may see, most urgent first, and all their counts."""
    where, params = scope_sql(db, scope)
    rows = db.execute(
        f"SELECT {_COLUMNS}, stale FROM finding_store f WHERE {where}"
        " ORDER BY rank, due, policy, rule, school_id, student_id, conference_id LIMIT ?",
        [*params, limit],
    ).fetchall()
    whole = where == "1"  # the district's: its counts are kept, not counted again
    per_school, per_rule = _kept_counts(db) if whole else _counts(db, where, params)
    (errors,) = db.execute("SELECT errors FROM finding_store_state WHERE id = 1").fetchone()
    return Stored(
        as_of=as_of,
        findings=[Finding(*row[:-1]) for row in rows],
        total=sum(per_rule.values()),
        errors=json.loads(errors),
        per_school=per_school,
        per_rule=per_rule,
        failures=stored_failures(db),
        stale=frozenset(i for i, row in enumerate(rows) if row[-1]),
    )


def _kept_counts(db: Database) -> tuple[Counter[str], Counter[str]]:
    """The whole district's counts per school and per rule, as kept beside the findings."""
    kept: dict[str, Counter[str]] = {"school": Counter(), "rule": Counter()}
    for kind, key, n in db.execute("SELECT kind, key, n FROM finding_store_count"):
        kept[kind][key] = n
    return kept["school"], kept["rule"]


def _counts(db: Database, where: str, params: list[Any]) -> tuple[Counter[str], Counter[str]]:
    """A scope's counts per school and per rule, counted from its stored findings."""
    # Each count groups in the order of an index, so SQLite counts as it walks it; one GROUP BY
    # of both sorted every finding first (100k: ~110 -> ~30 ms; 1M: 2.0 -> 0.4 s).
    per_school: Counter[str] = Counter()
    for school, n in db.execute(
        f"SELECT coalesce(school_id, '—'), count(*) FROM finding_store f WHERE {where}"
        " GROUP BY school_id",
        params,
    ):
        per_school[school] += n
    per_rule: Counter[str] = Counter()
    for rule, n in db.execute(
        f"SELECT policy || '/' || rule, count(*) FROM finding_store f WHERE {where}"
        " GROUP BY rank, due, policy, rule",  # finding_store_order's first columns
        params,
    ):
        per_rule[rule] += n
    return per_school, per_rule


def stale_for(db: Database, student_id: str, failing: set[tuple[str, str]]) -> list[Finding]:
    """A student's stored findings of rules that fail now: the last good answer, kept."""
    if not failing:
        return []
    cond, params = _failed_sql(dict.fromkeys(failing, ("", "")))
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM finding_store WHERE student_id = ? AND ({cond})"
        " ORDER BY rank, due, policy, rule, conference_id",
        [student_id, *params],
    ).fetchall()
    return [Finding(*row) for row in rows]


def has_findings_sql(db: Database, scope: Scope, student: str) -> tuple[str, list[Any]]:
    """The SQL condition on a student id column of having a stored finding the scope sees."""
    where, params = scope_sql(db, scope)
    sql = f"EXISTS (SELECT 1 FROM finding_store f WHERE f.student_id = {student} AND {where})"
    return sql, params


def scope_sql(db: Database, scope: Scope) -> tuple[str, list[Any]]:
    """The engine's own scope filter (`allowed_values`) over the stored findings."""
    clauses, params = ["1"], []
    for key, values in allowed_values(db, scope).items():
        clauses.append(f"f.{key} IN ({', '.join('?' * len(values))})")
        params.extend(sorted(values))
    return " AND ".join(clauses), params
