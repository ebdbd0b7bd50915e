"""Read models for the screens: small, paged SQL answers so no screen ever loads a district.

No Textual here: the UI calls these from worker threads, tests call them directly.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from polterm import config, engine
from polterm.engine import Evaluation, evaluate
from polterm.errors import PoltermError
from polterm.policy import Checklist, ConferenceDraft, Finding, Scope, cite
from polterm.services import authz, finding_store
from polterm.services.finding_store import Stored
from polterm.services.people import show_student
from polterm.services.records import escalation_history
from polterm.services.session import Session
from polterm.settings import declared

PAGE_SIZE = 100
PICK_PAGE = 50  # a picker's page: a few screens of its short list
DASHBOARD_ROWS = 100  # the dashboard lists these; the counts cover every finding


@dataclass(frozen=True)
class StudentFilter:
    """What the students screen narrows by; `open_on`: only students with findings that day."""

    search: str = ""
    school_id: str | None = None
    grade: str | None = None
    teacher_id: str | None = None
    open_on: date | None = None


def student_page(
    session: Session, wanted: StudentFilter, offset: int = 0, limit: int = PAGE_SIZE
) -> list[dict[str, Any]]:
    """One page of students by family and given name; search is a prefix of a name, an id or a
    guardian's name. Over the district each way of matching finds its own first page and these
    are merged (one OR sorts every match first: seconds for a letter at a million students);
    inside a school or a class, or against a list of ids, the scope's students are tested."""
    session.authorize("student.read")
    scope = authz.within(session, school_id=wanted.school_id, teacher_id=wanted.teacher_id)
    where, params = scope.sql("s")
    clauses = [where, "s.active = 1"]
    if wanted.grade:
        clauses.append("s.grade = ?")
        params.append(wanted.grade)
    tested = scope != Scope()
    if wanted.open_on is not None:
        clause, values, listed = _with_findings(session, wanted.open_on)
        clauses.append(clause)
        params += values
        tested = tested or listed
    text = " ".join(wanted.search.split())
    terms = _search_terms(session.db, text, offset + limit) if text else []
    if tested:
        if terms:
            clauses.append(f"({' OR '.join(t.check for t in terms)})")
            params += [p for t in terms for p in t.params]
    elif terms:
        clauses, params = _first_matches(terms, clauses, params, offset + limit)
    sql = (
        "SELECT s.id, s.family, s.given, s.grade, s.school_id, t.name AS teacher"
        " FROM student s LEFT JOIN staff t ON t.id = s.teacher_id"
        f" WHERE {' AND '.join(clauses)} ORDER BY {_STUDENT_ORDER} LIMIT ? OFFSET ?"
    )
    return list(session.db.query(sql, [*params, limit, offset]))


_STUDENT_ORDER = "s.family COLLATE NOCASE, s.given COLLATE NOCASE, s.id"


@dataclass(frozen=True)
class _Term:
    """One way a student matches the search: `seek` finds the matches through an index,
    `check` tests a row something else found (a leading `+` keeps the planner off the index)."""

    seek: str
    check: str
    params: list[Any]
    dense: bool = False  # so many match that walking the students in page order finds a page first


def _search_terms(db: Database, text: str, wanted: int) -> list[_Term]:
    """The ways `text` matches a student, each dense or not for the first `wanted` rows."""
    prefix = _escape(text) + "%"
    # a walk finds `wanted` of M matches after about wanted·N/M students, a seek visits all M
    students = db.execute("SELECT max(rowid) FROM student").fetchone()[0] or 0
    dense_from = math.isqrt(wanted * students) + 1

    def dense(matches: str) -> bool:
        sql = f"SELECT count(*) FROM (SELECT 1 FROM {matches} LIMIT ?)"
        return db.execute(sql, [prefix, dense_from]).fetchone()[0] >= dense_from

    by_guardian = (
        "s.id IN (SELECT gs.student_id FROM guardian g JOIN guardianship gs"
        " ON gs.guardian_id = g.id WHERE g.name LIKE ? ESCAPE '\\')"
    )
    guardians_dense = dense("guardian WHERE name LIKE ? ESCAPE '\\'")
    terms = [
        _Term("s.family LIKE ? ESCAPE '\\'", "+s.family LIKE ? ESCAPE '\\'", [prefix]),
        _Term(
            "s.given LIKE ? ESCAPE '\\'",
            "+s.given LIKE ? ESCAPE '\\'",
            [prefix],
            dense("student WHERE given LIKE ? ESCAPE '\\'"),
        ),
        _Term("s.id = ?", "+s.id = ?", [text]),
        _Term(
            by_guardian,
            "EXISTS (SELECT 1 FROM guardianship gs JOIN guardian g ON g.id = gs.guardian_id"
            " WHERE gs.student_id = s.id AND +g.name LIKE ? ESCAPE '\\')"
            if guardians_dense
            else by_guardian,
            [prefix],
            guardians_dense,
        ),
    ]
    first, _, rest = text.partition(" ")
    if rest:  # "given family"
        terms.append(
            _Term(
                "+s.given LIKE ? ESCAPE '\\' AND s.family LIKE ? ESCAPE '\\'",
                "+s.given LIKE ? ESCAPE '\\' AND +s.family LIKE ? ESCAPE '\\'",
                [_escape(first), _escape(rest) + "%"],
            )
        )
    return terms


def _first_matches(
    terms: list[_Term], clauses: list[str], params: list[Any], wanted: int
) -> tuple[list[str], list[Any]]:
    """The WHERE of a page whose rows are among each term's first `wanted` (the dense terms'
    from one walk in page order), every row filtered by `clauses`."""
    walk = [t for t in terms if t.dense]
    ways = [(t.seek, t.params) for t in terms if not t.dense]
    if walk:
        ways.append(
            (f"({' OR '.join(t.check for t in walk)})", [p for t in walk for p in t.params])
        )
    filters = " AND ".join(clauses)
    firsts = [
        f"SELECT id FROM (SELECT s.id FROM student s WHERE {filters} AND {sql}"
        f" ORDER BY {_STUDENT_ORDER} LIMIT {wanted})"
        for sql, _ in ways
    ]
    return [f"s.id IN ({' UNION ALL '.join(firsts)})"], [
        p for _, way_params in ways for p in (*params, *way_params)
    ]


def _escape(text: str) -> str:
    """`text` for a LIKE pattern, its wildcards taken literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def filter_choices(session: Session) -> dict[str, list[tuple[str, str]]]:
    """Schools and grades the filters offer: (label, value) pairs, small tables only (teachers,
    thousands in a district, are paged by `staff_page`)."""
    db = session.db
    return {
        "school": [
            (f"{n} ({i})", i) for i, n in db.execute("SELECT id, name FROM school ORDER BY name")
        ],
        "grade": [(g, g) for g in ("K", *map(str, range(1, 13)))],
    }


def staff_page(
    session: Session,
    text: str = "",
    *,
    school_id: str | None = None,
    roles: Collection[str] = (),
    offset: int = 0,
    limit: int = PICK_PAGE,
) -> list[dict[str, Any]]:
    """One page of active staff by name, for the pickers: of `school_id`, else of the schools
    whose students the actor may read (a teacher's and principal's: their own). `text` is the
    start of any word of the name, or an id."""
    session.authorize("student.read", school_id=school_id)
    clauses, params = ["active = 1"], []
    schools = [school_id] if school_id is not None else _schools_in_reach(session)
    if schools is not None:
        clauses.append(f"school_id IN ({','.join('?' * len(schools))})")
        params += schools
    if roles:
        clauses.append(f"role IN ({','.join('?' * len(roles))})")
        params += list(roles)
    text = " ".join(text.split())
    if text:
        clauses.append("(name LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\' OR id = ?)")
        params += [_escape(text) + "%", "% " + _escape(text) + "%", text]
    return list(
        session.db.query(
            f"SELECT id, name, role, school_id FROM staff WHERE {' AND '.join(clauses)}"
            " ORDER BY name COLLATE NOCASE, id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
    )


def _schools_in_reach(session: Session) -> list[str] | None:
    """The schools whose staff the actor may list: those of the students they may read
    (a teacher: their own school); None is every school."""
    scope = authz.visible_scope(session)
    if scope.teacher_id is not None:
        return [session.actor.school_id] if session.actor.school_id else []
    return None if scope.school_ids is None else sorted(scope.school_ids)


def guardian_page(
    session: Session, student_id: str, text: str = "", offset: int = 0, limit: int = PICK_PAGE
) -> list[dict[str, Any]]:
    """Guardians a conference about this student may name as attendees, for the picker: the
    student's own first (`own` 1; with `text`, those with a word of the name starting with it),
    then, once something is typed, other families' guardians the actor may see whose name
    starts with it (the policies warn about those)."""
    session.authorize("student.read", student_id=student_id)
    text = " ".join(text.split())
    prefix = _escape(text) + "%"
    own = list(
        session.db.query(
            "SELECT g.id, g.name, 1 AS own FROM guardian g"
            " JOIN guardianship gs ON gs.guardian_id = g.id WHERE gs.student_id = ?"
            " AND (? = '' OR g.name LIKE ? ESCAPE '\\' OR g.name LIKE ? ESCAPE '\\' OR g.id = ?)"
            " ORDER BY g.name COLLATE NOCASE, g.id",
            [student_id, text, prefix, "% " + prefix, text],
        )
    )
    page = own[offset : offset + limit]
    if not text or len(page) == limit:
        return page
    where, params = authz.visible_scope(session).sql("s")
    others = session.db.query(
        "SELECT DISTINCT g.id, g.name, 0 AS own FROM student s"
        " JOIN guardianship x ON x.student_id = s.id JOIN guardian g ON g.id = x.guardian_id"
        f" WHERE {where} AND g.name LIKE ? ESCAPE '\\'"
        " AND g.id NOT IN (SELECT guardian_id FROM guardianship WHERE student_id = ?)"
        " ORDER BY g.name COLLATE NOCASE, g.rowid LIMIT ? OFFSET ?",
        [*params, prefix, student_id, limit - len(page), max(0, offset - len(own))],
    )
    return page + list(others)


@dataclass
class Dashboard(Stored):
    """What needs the actor now: the most urgent findings (the first DASHBOARD_ROWS), the
    counts of all of them, and the meetings of today and the rest of the week."""

    today: list[dict[str, Any]] = field(default_factory=list)
    week: list[dict[str, Any]] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # the listed findings' students
    # "policy/rule" of an action another role takes: the first of those roles
    others: dict[str, str] = field(default_factory=dict)


def others_actions(session: Session) -> dict[str, str]:
    """The rules whose actions are another role's job than the actor's, and whose they are."""
    return {
        f"{name}/{rule.id}": rule.acted_by[0]
        for name, loaded in session.registry.policies.items()
        for rule in loaded.rules.values()
        if rule.acted_by and session.actor.role not in rule.acted_by
    }


def student_names(session: Session, ids: Collection[str]) -> dict[str, str]:
    """Each student's given and family name by id, for a page of rows that name students."""
    return dict(
        session.db.execute(
            "SELECT id, given || ' ' || family FROM student"
            " WHERE id IN (SELECT value FROM json_each(?))",
            [json.dumps(sorted(ids))],
        ).fetchall()
    )


def findings(session: Session, as_of: date, student_id: str | None = None) -> Evaluation:
    """The engine's findings for what the actor may see (one student's, when named)."""
    scope = authz.within(session, student_id=student_id)
    return evaluate(session.db, session.registry, as_of, scope=scope)


def _store_current(session: Session, as_of: date, scope: Scope) -> bool:
    """Whether the finding store now answers for this day (a read-only file cannot be kept)."""
    return finding_store.refresh(session.db, session.registry, as_of, whole=scope == Scope())


def stored_findings(session: Session, as_of: date, limit: int) -> Stored:
    """The actor's findings from the store, brought up to date first when that is cheap or the
    actor sees the whole district; otherwise (or on a read-only file) their own evaluation."""
    scope = authz.visible_scope(session)
    if _store_current(session, as_of, scope):
        return finding_store.read(session.db, scope, as_of, limit)
    result = findings(session, as_of)
    ordered = sorted(result.findings, key=finding_store.urgency)
    return Stored(
        as_of=as_of,
        findings=ordered[:limit],
        total=len(ordered),
        errors=[str(e) for e in result.errors],
        per_school=Counter(f.school_id or "—" for f in ordered),
        per_rule=Counter(f"{f.policy}/{f.rule}" for f in ordered),
        failures=_failures(session, result),
    )


def _failures(session: Session, result: Evaluation) -> list[finding_store.Failure]:
    """The rules an evaluation could not run, with since when the store has seen them fail."""
    known = {(f.policy, f.rule): f for f in finding_store.stored_failures(session.db)}
    failed = finding_store.failures_of(session.db, session.registry, result)
    return [
        known.get(key) or finding_store.Failure(*key, plugin, message, None)
        for key, (plugin, message) in sorted(failed.items())
    ]


def _with_findings(session: Session, as_of: date) -> tuple[str, list[Any], bool]:
    """The condition on student `s` of having a finding the actor sees as of a date: a seek in
    the store when it answers for the day, else a list of the students of the actor's own
    evaluation (listed: True), which each way of matching would load again, so is tested."""
    scope = authz.visible_scope(session)
    if _store_current(session, as_of, scope):
        return *finding_store.has_findings_sql(session.db, scope, "s.id"), False
    ids = sorted({f.student_id for f in findings(session, as_of).findings if f.student_id})
    return "s.id IN (SELECT value FROM json_each(?))", [json.dumps(ids)], True


def dashboard(session: Session, as_of: date) -> Dashboard:
    """The stored findings most urgent first, with their counts, plus this week's meetings."""
    stored = stored_findings(session, as_of, DASHBOARD_ROWS)
    where, params = authz.visible_scope(session).sql("s")
    week_end = as_of + timedelta(days=6 - as_of.weekday())
    rows = list(
        session.db.query(
            "SELECT c.id, c.at, c.kind, c.status, c.modality, c.student_id,"
            " s.given || ' ' || s.family AS student FROM conference c"
            " JOIN student s ON s.id = c.student_id"
            f" WHERE c.at >= ? AND c.at < ? AND c.status != 'cancelled' AND {where}"
            " ORDER BY c.at, c.id",
            [as_of.isoformat(), (week_end + timedelta(days=1)).isoformat(), *params],
        )
    )
    tomorrow = (as_of + timedelta(days=1)).isoformat()
    split = next((i for i, row in enumerate(rows) if row["at"] >= tomorrow), len(rows))
    others = others_actions(session)
    # the actor's own actions first, then the others' (each still most urgent first)
    stored.findings.sort(
        key=lambda f: (
            f.status != "action",
            f.status == "action" and f"{f.policy}/{f.rule}" in others,
        )
    )
    names = student_names(session, {f.student_id for f in stored.findings if f.student_id})
    return Dashboard(
        **vars(stored), today=rows[:split], week=rows[split:], names=names, others=others
    )


def student_detail(session: Session, student_id: str, as_of: date) -> dict[str, Any]:
    """Everything the student screen shows, with each finding's policy sentence beside it."""
    detail = show_student(session, student_id)
    db = session.db
    detail["school"] = db.execute(
        "SELECT name FROM school WHERE id = ?", [detail["school_id"]]
    ).fetchone()[0]
    detail["attempts"] = list(
        db.query(
            "SELECT made_on, method, outcome, purpose, note FROM contact_attempt"
            " WHERE student_id = ? ORDER BY made_on, id",
            [student_id],
        )
    )
    detail["escalations"], detail["welfare_checks"] = escalation_history(session, student_id)
    detail["requests"] = list(
        db.query(
            "SELECT r.id, r.requested_on, r.with_whom, r.topic,"
            " (SELECT c.id FROM conference c WHERE c.request_id = r.id) AS conference_id"
            " FROM parent_request r WHERE r.student_id = ? ORDER BY r.requested_on, r.id",
            [student_id],
        )
    )
    detail["progress_reports"] = list(
        db.query(
            "SELECT period_id, issued_on, conference_id FROM progress_report"
            " WHERE student_id = ? ORDER BY issued_on",
            [student_id],
        )
    )
    detail["remote"] = list(
        db.query(
            "SELECT id, start, end, school_id FROM remote_period"
            " WHERE school_id IS NULL OR school_id = ? ORDER BY start",
            [detail["school_id"]],
        )
    )
    result = findings(session, as_of, student_id)
    failures = _failures(session, result)
    kept = finding_store.stale_for(db, student_id, {(f.policy, f.rule) for f in failures})
    detail["findings"] = [
        {**f.as_dict(), "sentence": rule_sentence(session, f.policy, f.rule), "stale": stale}
        for found, stale in ((result.findings, False), (kept, True))
        for f in found
    ]
    detail["failures"] = [str(f) for f in failures]
    panels, failed = engine.student_panels(db, session.registry, student_id, as_of)
    detail["panels"] = [
        {"title": p.title, "lines": list(p.lines), "policy": p.policy} for p in panels
    ]
    detail["panel_errors"] = [str(e) for e in failed]
    return detail


def rule_sentence(session: Session, policy: str, rule: str) -> str:
    """The policy text a rule implements: the answer to "why is this owed?"."""
    loaded = session.registry.policies.get(policy)
    found = loaded.rules.get(rule) if loaded else None
    return found.sentence if found else ""


def loaded_policies(session: Session) -> list[Any]:
    """The district's active policies that are installed, in the district's order."""
    names = config.active_policies(session.db)
    return [session.registry.policies[n] for n in names if n in session.registry.policies]


def policy_rows(session: Session) -> list[dict[str, Any]]:
    """Each active policy's rules with citation, effective dates and the settings in force."""
    out = []
    for loaded in loaded_policies(session):
        overrides = config.rule_settings(session.db, loaded.info.name)
        for rule in loaded.rules.values():
            out.append(
                {
                    "policy": loaded.info.name,
                    "policy_title": loaded.info.title,
                    "rule": rule.id,
                    "title": rule.title,
                    "citation": cite(rule.citation, loaded.info),
                    "from": rule.effective_from.isoformat() if rule.effective_from else "",
                    "to": rule.effective_to.isoformat() if rule.effective_to else "",
                    "settings": config.effective_settings(
                        rule.settings, overrides.get(rule.id, {}), strict=False
                    ),
                    "sentence": rule.sentence,
                    "kinds": {k: declared(v).describe() for k, v in rule.settings.items()},
                }
            )
    return out


def draft_warnings(session: Session, draft: ConferenceDraft, as_of: date) -> list[str]:
    """What the active policies say about a conference before it is saved, one line each."""
    found, errors = engine.conference_warnings(session.db, session.registry, draft, as_of)
    return [f.message for f in found] + [str(e) for e in errors]


def open_actions(session: Session, student_id: str, as_of: date) -> list[Finding]:
    """The student's findings that ask someone to act now (status `action`): while there are
    any, the student is at the escalation stage, and the findings say which step is next."""
    return [f for f in findings(session, as_of, student_id).findings if f.status == "action"]


def checklists(
    session: Session, draft: ConferenceDraft | None, stages: Collection[str]
) -> list[tuple[str, Checklist]]:
    """The (policy, checklist) pairs of the active policies that apply to this conference."""
    return [
        pair
        for pair in engine.checklists(session.db, session.registry, draft)
        if pair[1].stage in stages
    ]


def conflicts(session: Session, draft: ConferenceDraft, minutes: int = 30) -> list[str]:
    """Other conferences at that time for the student, the staff or the guardians named."""
    overlap = (
        "c.status != 'cancelled' AND (c.id != ? OR ? IS NULL)"
        " AND julianday(c.at) < julianday(?) + ? / 1440.0"
        " AND julianday(?) < julianday(c.at) + c.duration_minutes / 1440.0"
    )
    base = [draft.id, draft.id, draft.at, minutes, draft.at]
    out = []
    for cid, at in session.db.execute(
        f"SELECT c.id, c.at FROM conference c WHERE c.student_id = ? AND {overlap}",
        [draft.student_id, *base],
    ):
        out.append(f"the student already has conference {cid} at {at}")
    for staff_id in draft.staff_ids:
        for cid, at in session.db.execute(
            "SELECT c.id, c.at FROM conference c JOIN conference_staff s"
            f" ON s.conference_id = c.id WHERE s.staff_id = ? AND {overlap}",
            [staff_id, *base],
        ):
            out.append(f"staff {staff_id} already has conference {cid} at {at}")
    for attendee in draft.attendees:
        if attendee.guardian_id:
            for cid, at in session.db.execute(
                "SELECT c.id, c.at FROM conference c JOIN conference_attendee a"
                f" ON a.conference_id = c.id WHERE a.guardian_id = ? AND {overlap}",
                [attendee.guardian_id, *base],
            ):
                out.append(f"guardian {attendee.guardian_id} already has conference {cid} at {at}")
    return out


def search_students(session: Session, text: str, limit: int = 20) -> list[dict[str, Any]]:
    """Students for the command palette: the first page of a name search."""
    return student_page(session, StudentFilter(search=text), limit=limit)


def school_years(session: Session) -> list[str]:
    """The district's school years by name, latest first, for the reports' year choice."""
    return [n for (n,) in session.db.execute("SELECT name FROM school_year ORDER BY start DESC")]


def involvement_activities(session: Session, limit: int = 500) -> list[dict[str, Any]]:
    """The latest involvement activities of the schools in the actor's reach."""
    schools = _schools_in_reach(session)
    where, params = "1", []
    if schools is not None:
        where = f"school_id IN ({','.join('?' * len(schools))})"
        params = list(schools)
    return list(
        session.db.query(
            "SELECT school_id, held_on, kind, attendance, note FROM involvement_activity"
            f" WHERE {where} ORDER BY held_on DESC, id DESC LIMIT ?",
            [*params, limit],
        )
    )


def conference_context(session: Session, student_id: str) -> tuple[str, str, set[str]]:
    """A conference form's student: their school, its level and their guardians' ids."""
    session.authorize("conference.read", student_id=student_id)
    school_id, level = session.db.execute(
        "SELECT s.id, s.level FROM student t JOIN school s ON s.id = t.school_id WHERE t.id = ?",
        [student_id],
    ).fetchone()
    own = {
        g
        for (g,) in session.db.execute(
            "SELECT guardian_id FROM guardianship WHERE student_id = ?", [student_id]
        )
    }
    return school_id, level, own


def staff_rows(session: Session, ids: Collection[str]) -> dict[str, dict[str, Any]]:
    """Staff named on a conference the actor has read (its draft checked that), by id."""
    return {
        r["id"]: r
        for r in session.db.query(
            "SELECT id, name, role, school_id FROM staff WHERE id IN"
            " (SELECT value FROM json_each(?))",
            [json.dumps(list(ids))],
        )
    }


def conference_hit(session: Session, conference_id: int) -> str | None:
    """The palette's line for a conference number: None unless the actor may read it."""
    from polterm.services.conferences import get_conference

    try:
        row = get_conference(session, conference_id)
    except PoltermError:
        return None
    when = row["at"].replace("T", " ")
    return f"Conference {conference_id} · {row['student']} · {when}"
