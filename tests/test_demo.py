"""`polterm demo`: same seed same data, the family shapes it promises, every rule shown."""

from __future__ import annotations

from datetime import date

import pytest
from sqlite_utils import Database

from polterm.demo.generate import generate
from polterm.engine import evaluate, policy_migrations
from polterm.plugins import Registry
from polterm.storage import open_database

STUDENTS = 300
RULES = {
    "two-flexible-conferences",
    "remote-option-offered",
    "remote-learning-conference",
    "emergency-contact-requested",
    "resource-document",
    "unreachable-parent-escalation",
    "emergency-contact-welfare-check",
    "principal-involvement-report",
    "arrange-parent-request",
    "conference-size",
    "patron-privacy",
    "problem-resolution-record",
    "progress-report-not-replaced",
}


def build(registry: Registry, seed: int = 1) -> Database:
    db = open_database(None, policy_migrations(registry, registry.policies))
    generate(db, STUDENTS, seed, "demo-tester")
    return db


@pytest.fixture(scope="module")
def demo_db(installed_registry: Registry) -> Database:
    return build(installed_registry)


def dump(db: Database) -> list[str]:
    """Every row of every table but those stamped with the wall clock (audit log, migrations)."""
    skip = ("audit_log", "_sqlite_migrations")
    return [line for line in db.conn.iterdump() if not any(t in line for t in skip)]


def one(db: Database, sql: str) -> int:
    return db.execute(sql).fetchone()[0]


def test_same_seed_gives_identical_tables(installed_registry, demo_db):
    assert dump(build(installed_registry)) == dump(demo_db)


def test_another_seed_gives_other_people(installed_registry, demo_db):
    assert dump(build(installed_registry, seed=2)) != dump(demo_db)


def test_district_has_both_policies_schools_of_each_level_and_demo_users(demo_db):
    assert [
        r[0] for r in demo_db.execute("SELECT policy FROM district_policy ORDER BY position")
    ] == [
        "clinton_6310",
        "p1471",
    ]
    levels = dict(demo_db.execute("SELECT level, count(*) FROM school GROUP BY level").fetchall())
    assert levels == {"elementary": 3, "middle": 2, "high": 1}
    roles = dict(demo_db.execute("SELECT username, role FROM staff WHERE username IS NOT NULL"))
    assert roles == {
        "demo-tester": "it",
        "superintendent1": "superintendent",
        "principal1": "principal",
        "designee1": "designee",
        "office1": "office",
        "teacher1": "teacher",
    }
    assert one(demo_db, "SELECT count(*) FROM student") == STUDENTS
    assert one(demo_db, "SELECT count(*) FROM audit_log WHERE table_name = 'district'") == 1


def test_some_separated_families_live_in_two_households(demo_db):
    assert one(
        demo_db,
        """SELECT count(*) FROM student s WHERE (
             SELECT count(DISTINCT g.household) FROM guardianship gs
             JOIN guardian g ON g.id = gs.guardian_id WHERE gs.student_id = s.id) = 2""",
    )


def test_siblings_attend_different_schools(demo_db):
    assert one(
        demo_db,
        """SELECT count(*) FROM guardianship a JOIN guardianship b
             ON a.guardian_id = b.guardian_id AND a.student_id < b.student_id
           JOIN student sa ON sa.id = a.student_id JOIN student sb ON sb.id = b.student_id
           WHERE sa.school_id <> sb.school_id""",
    )


def test_families_speaking_other_languages_need_interpreters(demo_db):
    languages = {
        r[0] for r in demo_db.execute("SELECT DISTINCT language FROM guardian WHERE interpreter")
    }
    assert "en" not in languages and len(languages) >= 3


def test_every_conference_kind_in_every_status(demo_db):
    pairs = set(demo_db.execute("SELECT DISTINCT kind, status FROM conference").fetchall())
    statuses = {"scheduled", "held", "cancelled", "no-show"}
    kinds = {
        "flexible",
        "remote-learning",
        "parent-teacher",
        "parent-student-teacher",
        "parent-principal",
    }
    assert {k for k, _ in pairs} == kinds
    assert {s for _, s in pairs} == statuses
    for kind in ("flexible", "remote-learning"):
        assert {s for k, s in pairs if k == kind} == statuses, kind


def test_a_remote_learning_period_lasts_more_than_three_weeks(demo_db):
    assert one(
        demo_db,
        "SELECT count(*) FROM remote_period WHERE julianday(end) - julianday(start) > 21",
    )
    assert one(
        demo_db, "SELECT count(*) FROM remote_period WHERE end IS NULL AND school_id IS NOT NULL"
    )


def test_grading_periods_are_trimesters_or_quarters(demo_db):
    per_school = {
        n
        for (n,) in demo_db.execute(
            "SELECT count(*) FROM period WHERE kind = 'grading' GROUP BY school_id"
        )
    }
    assert per_school == {6, 8}  # two school years of trimesters, or of quarters


def test_check_finds_every_rule_of_both_policies(installed_registry, demo_db):
    result = evaluate(demo_db, installed_registry, date(2026, 11, 23))
    assert not result.errors
    assert {f.rule for f in result.findings} == RULES


def test_demo_command_refuses_an_existing_database_unless_forced(fresh):
    first = fresh("demo", "--no-tui", "--students", "40")
    assert first.code == 0, first.err
    again = fresh("demo", "--no-tui", "--students", "40")
    assert again.code == 2 and "--force" in again.err
    forced = fresh("demo", "--no-tui", "--students", "50", "--force", "--format", "json")
    assert forced.code == 0 and forced.json()["students"] == 50
    assert fresh.rows("SELECT count(*) FROM student") == [(50,)]


@pytest.mark.parametrize(
    "shared",
    [
        "c.student_id = d.student_id",
        "EXISTS (SELECT 1 FROM conference_staff x JOIN conference_staff y"
        " ON y.staff_id = x.staff_id WHERE x.conference_id = c.id AND y.conference_id = d.id)",
        "EXISTS (SELECT 1 FROM conference_attendee x JOIN conference_attendee y"
        " ON y.guardian_id = x.guardian_id"
        " WHERE x.conference_id = c.id AND y.conference_id = d.id)",
    ],
    ids=["student", "staff", "guardian"],
)
def test_nobody_is_booked_twice(demo_db, shared):
    """The load runs without the booking triggers, so the data must keep their promise."""
    assert not one(
        demo_db,
        f"""SELECT count(*) FROM conference c JOIN conference d
            ON c.id < d.id AND c.status <> 'cancelled' AND d.status <> 'cancelled'
            AND julianday(c.at) < julianday(d.at) + d.duration_minutes / 1440.0
            AND julianday(d.at) < julianday(c.at) + c.duration_minutes / 1440.0
            WHERE {shared}""",
    )


def test_triggers_and_indexes_are_back_after_the_load(demo_db):
    names = {r[0] for r in demo_db.execute("SELECT name FROM sqlite_master")}
    assert {"conference_no_double_booking_insert", "conference_student", "guardian_name"} <= names
