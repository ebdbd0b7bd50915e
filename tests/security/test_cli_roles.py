"""The same role rules through the command line, acting for each staff member with `--as`."""

from __future__ import annotations

import pytest

from tests.security.conftest import NOTES, STAFF, STUDENTS
from tests.security.test_roles import EXPECTED


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


# each data-entry command about student s2 (oak, taught by t2) and the action it needs
WRITES = {
    "emergency-contact": ("contact.write", ["emergency-contact", "set", "--student", "s2",
                                            "--name", "Aunt", "--phone", "555-0100"]),
    "guardian": ("contact.write", ["guardian", "add", "--id", "g9", "--student", "s2",
                                   "--name", "Pat Parent"]),
    "attempt": ("attempt.write", ["attempt", "add", "--student", "s2", "--on", "2025-09-03",
                                  "--method", "phone", "--outcome", "no-answer",
                                  "--purpose", "other"]),
    "escalation": ("escalation.write", ["escalation", "add", "--student", "s2",
                                        "--on", "2025-09-04"]),
    "request": ("request.write", ["request", "add", "--id", "r9", "--student", "s2",
                                  "--on", "2025-09-02", "--with", "teacher"]),
    "conference": ("conference.write", ["conference", "update", "2", "--status", "held"]),
    "school": ("district.admin", ["school", "add", "--id", "elm", "--name", "Elm",
                                  "--level", "elementary"]),
}  # fmt: skip


@pytest.mark.parametrize(("staff", "command"), [(s, c) for s in STAFF for c in WRITES])
def test_data_entry_commands_follow_the_role(as_it, staff, command):
    action, args = WRITES[command]
    before = as_it.dump()
    result = as_it(*args, "--as", staff)
    actions, reach = EXPECTED[staff]
    may = action in actions and ("s2" in reach or action == "district.admin")
    assert result.code == (0 if may else 2), result.err
    if may:
        [(actor, user)] = as_it.rows("SELECT DISTINCT actor, os_user FROM audit_log")
        assert (actor, user) == (staff, "it1")
    else:
        assert as_it.dump() == before and "may not" in result.err


@pytest.mark.parametrize("staff", STAFF)
def test_only_it_takes_backups(as_it, staff, tmp_path):
    result = as_it("backup", str(tmp_path / "copy.db"), "--as", staff)
    assert result.code == (0 if staff == "it1" else 2), result.err
    assert (tmp_path / "copy.db").exists() == (staff == "it1")


@pytest.mark.parametrize("staff", STAFF)
def test_check_reports_findings_only_about_reached_students(as_it, staff):
    result = as_it("check", "--as-of", "2025-10-15", "--format", "json", "--as", staff)
    assert result.code == 0, result.err
    findings = result.json()["findings"]
    assert {f["student_id"] for f in findings} == EXPECTED[staff][1]


@pytest.mark.parametrize("staff", ["t1", "p1", "o1"])
def test_check_filters_cannot_reach_past_the_role(as_it, staff):
    for option, value in (("--student", "s3"), ("--school", "pine")):
        result = as_it("check", "--as-of", "2025-10-15", "--format", "json", "--as", staff,
                       option, value)  # fmt: skip
        assert result.code == 2 and result.out == "", result.err
