"""`polterm audit`: who, when, which record, before and after; private values kept private."""

from __future__ import annotations

import sqlite3

import pytest

from tests.security.conftest import NOTES


@pytest.fixture
def run(roles, monkeypatch):
    """Commands run by OS user it1; some edits already made for and by others."""
    monkeypatch.setattr("polterm.services.identity.os_user", lambda: "it1")
    assert (
        roles(
            "guardian",
            "add",
            "--id",
            "g9",
            "--student",
            "s1",
            "--name",
            "New Parent",
            "--phone",
            "555-0199",
            "--email",
            "new@example.org",
            "--as",
            "t1",
        ).code
        == 0
    )
    assert (
        roles(
            "conference",
            "update",
            "1",
            "--status",
            "held",
            "--notes",
            "Talked about maths",
            "--as",
            "t1",
        ).code
        == 0
    )
    assert roles("request", "add", "--id", "r3", "--student", "s3", "--on", "2025-09-02",
                 "--with", "teacher", "--as", "tp").code == 0  # fmt: skip
    return roles


def test_every_write_is_listed_with_before_and_after(run):
    rows = run("audit", "--format", "json").json()
    assert [(r["actor"], r["action"], r["table_name"]) for r in rows] == [
        ("t1", "insert", "guardian"),
        ("t1", "insert", "guardianship"),
        ("t1", "update", "conference"),
        ("tp", "insert", "parent_request"),
    ]
    update = rows[2]
    assert (update["before"]["status"], update["after"]["status"]) == ("scheduled", "held")
    assert update["before"]["notes"] == NOTES and update["after"]["version"] == 2


def test_student_filter_and_since(run):
    assert {
        r["student_id"] for r in run("audit", "--student", "s3", "--format", "json").json()
    } == {"s3"}
    assert run("audit", "--since", "2100-12-31", "--format", "json").json() == []
    assert len(run("audit", "--since", "2000-01-01", "--format", "json").json()) == 4


def test_a_bad_since_date_names_it(run):
    result = run("audit", "--since", "yesterday")
    assert result.code == 2 and "yesterday" in result.err


def test_the_table_never_shows_guardian_phone_or_email(run):
    out = run("audit").out
    assert "555-0199" not in out and "new@example.org" not in out
    assert "phone=(hidden)" in out and "status: scheduled -> held" in out


def test_json_shows_contacts_to_it_only(run):
    it_rows = run("audit", "--student", "s1", "--format", "json").json()
    assert it_rows[0]["after"]["phone"] == "555-0199"
    principal = run("audit", "--student", "s1", "--format", "json", "--as", "p1").json()
    assert principal[0]["after"]["phone"] == "(hidden)"
    assert principal[0]["after"]["email"] == "(hidden)"


def test_principal_sees_only_their_schools_students(run):
    rows = run("audit", "--as", "p1", "--format", "json").json()
    assert {r["student_id"] for r in rows} == {"s1"}
    refused = run("audit", "--as", "p1", "--student", "s3")
    assert refused.code == 2 and "s3" in refused.err


def test_superintendent_sees_the_district_without_notes(run):
    rows = run("audit", "--as", "sup", "--format", "json").json()
    assert {r["student_id"] for r in rows} == {"s1", "s3"}
    update = next(r for r in rows if r["action"] == "update")
    assert update["before"]["notes"] == "(hidden)" and update["after"]["plan"] == "(hidden)"
    assert "Talked about maths" not in run("audit", "--as", "sup").out


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_log SET actor = 'x'",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE id = 1",
    ],
)
def test_the_log_cannot_be_changed_or_deleted(run, sql):
    conn = sqlite3.connect(run.path)
    with pytest.raises(sqlite3.IntegrityError, match="the audit log cannot be changed"):
        conn.execute(sql)
    conn.close()
    assert len(run("audit", "--format", "json").json()) == 4


def test_polterm_session_cannot_change_the_log(world):
    from polterm.errors import PoltermError
    from tests.security.conftest import session_for

    session = session_for(world, "it1")
    session.insert("parent_request", {"id": "r1", "student_id": "s1", "requested_on": "2025-09-01",
                                      "with_whom": "teacher"}, student_id="s1")  # fmt: skip
    [entry] = world.execute("SELECT id FROM audit_log").fetchall()
    with pytest.raises(PoltermError, match="the audit log cannot be changed"):
        session.update("audit_log", entry[0], {"actor": "nobody"})
    with pytest.raises(PoltermError, match="the audit log cannot be changed"):
        session.delete("audit_log", entry[0])
    assert world.execute("SELECT actor FROM audit_log").fetchall() == [("it1",)]
