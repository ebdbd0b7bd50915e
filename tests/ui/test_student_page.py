"""The students screen's page query gives the rows, in the order, of the one OR it replaced
(kept here as the oracle) on a generated district: every role, filter, page and kind of search,
on both of its plans (each way of matching merged, or the scope's students tested)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from sqlite_utils import Database

from polterm.demo.generate import generate
from polterm.engine import evaluate, policy_migrations
from polterm.plugins import Registry
from polterm.services import authz
from polterm.services.session import Actor, Session
from polterm.services.views import StudentFilter, _escape, _search_terms, student_page
from polterm.storage import open_database

STUDENTS = 1500
AS_OF = date(2026, 11, 23)  # the generated district's today


_OPEN: dict[tuple[str, date], frozenset[str]] = {}


def open_students(session: Session, as_of: date) -> frozenset[str]:
    """The students with a finding the actor sees, by the engine itself (once per actor)."""
    key = (session.actor.staff_id, as_of)
    if key not in _OPEN:
        found = evaluate(session.db, session.registry, as_of, scope=authz.visible_scope(session))
        _OPEN[key] = frozenset(f.student_id for f in found.findings if f.student_id)
    return _OPEN[key]


def oracle(session: Session, wanted: StudentFilter, offset: int, limit: int) -> list[dict]:
    """The query before the merge: one OR over every way to match, sorted, then the page."""
    where, params = authz.within(
        session, school_id=wanted.school_id, teacher_id=wanted.teacher_id
    ).sql("s")
    clauses = [where, "s.active = 1"]
    if wanted.grade:
        clauses.append("s.grade = ?")
        params.append(wanted.grade)
    text = " ".join(wanted.search.split())
    if text:
        alternatives = [
            "s.family LIKE ? ESCAPE '\\'",
            "s.given LIKE ? ESCAPE '\\'",
            "s.id = ?",
            "s.id IN (SELECT gs.student_id FROM guardian g JOIN guardianship gs"
            " ON gs.guardian_id = g.id WHERE g.name LIKE ? ESCAPE '\\')",
        ]
        params += [_escape(text) + "%", _escape(text) + "%", text, _escape(text) + "%"]
        first, _, rest = text.partition(" ")
        if rest:
            alternatives.append("(s.given LIKE ? ESCAPE '\\' AND s.family LIKE ? ESCAPE '\\')")
            params += [_escape(first), _escape(rest) + "%"]
        clauses.append(f"({' OR '.join(alternatives)})")
    if wanted.open_on is not None:
        clauses.append("s.id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(sorted(open_students(session, wanted.open_on))))
    sql = (
        "SELECT s.id, s.family, s.given, s.grade, s.school_id, t.name AS teacher"
        " FROM student s LEFT JOIN staff t ON t.id = s.teacher_id"
        f" WHERE {' AND '.join(clauses)}"
        " ORDER BY s.family COLLATE NOCASE, s.given COLLATE NOCASE, s.id LIMIT ? OFFSET ?"
    )
    return list(session.db.query(sql, [*params, limit, offset]))


@pytest.fixture(scope="module")
def db(installed_registry: Registry) -> Database:
    """A generated district, plus names that tie, differ in case or hold LIKE's wildcards."""
    db = open_database(None, policy_migrations(installed_registry, installed_registry.policies))
    generate(db, STUDENTS, 1, "tester")
    school, teacher = db.execute("SELECT school_id, teacher_id FROM student LIMIT 1").fetchone()
    odd = [
        ("X1", "Ada", "o'neil"),
        ("X2", "ada", "O'Neil"),
        ("X0", "Ada", "O'NEIL"),
        ("X3", "Per%cy", "Under_score"),
        ("X4", "Back\\slash", "Underxscore"),
        ("X5", "Gone", "Quitter"),
    ]
    db["student"].insert_all(
        {
            "id": i,
            "given": given,
            "family": family,
            "grade": "3",
            "school_id": school,
            "teacher_id": teacher,
            "active": int(i != "X5"),
        }
        for i, given, family in odd
    )
    db["guardian"].insert({"id": "GX", "name": "Ada Underscore"})
    db["guardianship"].insert_all(
        {"student_id": s, "guardian_id": "GX"} for s in ("X1", "X3", "X5")
    )
    return db


def actors(db: Database) -> dict[str, Actor]:
    """One of each reach: the district, a school, a class."""

    def staff(role: str) -> Actor:
        i, name, school = db.execute(
            "SELECT id, name, school_id FROM staff WHERE role = ? ORDER BY id LIMIT 1", [role]
        ).fetchone()
        return Actor(i, name, role, school, i)

    return {role: staff(role) for role in ("it", "superintendent", "principal", "teacher")}


def searches(db: Database) -> list[str]:
    """Letters, whole and partial names, pairs, ids, guardians, odd case and wildcards."""
    family, given, student = db.execute(
        "SELECT family, given, id FROM student WHERE active = 1 ORDER BY id LIMIT 1 OFFSET 700"
    ).fetchone()
    guardian = db.execute("SELECT name FROM guardian ORDER BY id LIMIT 1 OFFSET 400").fetchone()
    return [
        *"ALJEMTSZ",
        "l",
        "al",
        "Em",
        "zz",
        family,
        family[:3].lower(),
        given,
        f"{given} {family[:2]}",
        f"  {given}   {family}  ",
        student,
        student.lower(),
        guardian[0],
        guardian[0][:4],
        "Ada",
        "ada u",
        "o'n",
        "Under_",
        "Under%",
        "Per%",
        "_",
        "%",
        "Back\\",
        "X1",
        "Quitter",
    ]


def filters(db: Database) -> list[dict[str, Any]]:
    school, grade, teacher = db.execute(
        "SELECT school_id, grade, teacher_id FROM student ORDER BY id LIMIT 1 OFFSET 100"
    ).fetchone()
    return [
        {},
        {"grade": grade},
        {"school_id": school},
        {"teacher_id": teacher},
        {"open_on": AS_OF},
        {"school_id": school, "grade": grade, "open_on": AS_OF},
    ]


@pytest.mark.parametrize("page", [(0, 100), (100, 100), (0, 7), (21, 7)])
@pytest.mark.parametrize("role", ["it", "superintendent", "principal", "teacher"])
def test_same_rows_in_the_same_order(
    db: Database, installed_registry: Registry, role: str, page: tuple[int, int]
) -> None:
    session = Session(db, actors(db)[role], installed_registry)
    offset, limit = page
    for narrowing in filters(db):
        for text in searches(db):
            wanted = StudentFilter(search=text, **narrowing)
            expected = oracle(session, wanted, offset, limit)
            assert student_page(session, wanted, offset, limit) == expected, (text, narrowing)


def test_both_ways_of_finding_matches_are_used(db: Database) -> None:
    """Letters match enough students to be walked, longer names few enough to be sought."""
    dense = {t.seek: t.dense for t in _search_terms(db, "A", 7)}
    sparse = {t.seek: t.dense for t in _search_terms(db, "Ada Underscore", 100)}
    assert sum(dense.values()) == 2  # given names and guardians: walked
    assert not any(sparse.values())
