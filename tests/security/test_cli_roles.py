"""The same role rules through the command line, acting for each staff member with `--as`."""

from __future__ import annotations

import pytest

from tests.security.conftest import NOTES, STAFF, STUDENTS
from tests.security.test_roles import EXPECTED


@pytest.fixture
def as_it(roles, monkeypatch):
    """Commands run by the IT OS user `it1`, who may act for anyone with --as."""
    monkeypatch.setattr("polterm.services.identity.os_user", lambda: "it1")
    return roles


@pytest.mark.parametrize("staff", STAFF)
def test_student_list_shows_only_reached_students(as_it, staff):
    result = as_it("student", "list", "--as", staff, "--format", "json")
    assert result.code == 0, result.err
    assert {s["id"] for s in result.json()} == EXPECTED[staff][1]


@pytest.mark.parametrize("staff", STAFF)
def test_conference_list_shows_only_reached_students(as_it, staff):
    result = as_it("conference", "list", "--as", staff, "--format", "json")
    assert {c["student_id"] for c in result.json()} == EXPECTED[staff][1]


@pytest.mark.parametrize(("staff", "student"), [(s, t) for s in STAFF for t in STUDENTS])
def test_student_show_exits_2_out_of_reach(as_it, staff, student):
    result = as_it("student", "show", student, "--as", staff, "--format", "json")
    if student in EXPECTED[staff][1]:
        assert result.code == 0 and result.json()["id"] == student
    else:
        assert result.code == 2 and result.out == ""
        assert result.err.startswith("Error: ") and student in result.err


@pytest.mark.parametrize("staff", [s for s in STAFF if "s1" in EXPECTED[s][1]])
def test_conference_show_hides_notes_from_office_and_superintendent(as_it, staff):
    shown = as_it("conference", "show", "1", "--as", staff, "--format", "json").json()
    assert (shown.get("notes") == NOTES) == (staff not in ("o1", "sup"))
    table = as_it("conference", "show", "1", "--as", staff).out
    assert (NOTES in table) == (staff not in ("o1", "sup"))


@pytest.mark.parametrize("staff", STAFF)
def test_conference_add_follows_conference_write_and_changes_nothing_when_refused(as_it, staff):
    before = as_it.dump()
    result = as_it("conference", "add", "--as", staff, "--student", "s2",
                   "--kind", "parent-teacher", "--at", "2025-10-02T09:00")  # fmt: skip
    may = "conference.write" in EXPECTED[staff][0] and "s2" in EXPECTED[staff][1]
    assert result.code == (0 if may else 2), result.err
    if not may:
        assert as_it.dump() == before


@pytest.mark.parametrize("staff", STAFF)
def test_audit_command_follows_audit_read(as_it, staff):
    result = as_it("audit", "--as", staff, "--format", "json")
    assert result.code == (0 if "audit.read" in EXPECTED[staff][0] else 2), result.err
