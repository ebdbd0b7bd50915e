"""OneRoster as districts export it: manifest and delta, 1.1 and 1.2, guardians kept true,
CEDS grades, role mismatches, case variants, departments, sessions, the audit."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import Polterm
from tests.io.roster import (
    ENROLLMENT_COLUMNS,
    USER_COLUMNS,
    dump,
    edit,
    set_cell,
    set_mode,
    write_manifest,
    write_set,
)


def _delta(directory: Path, users: list[dict[str, str]], version: str = "1.1") -> Path:
    """A delta export holding only `users` (1.1 columns); every other file absent."""
    directory.mkdir(parents=True)
    write_manifest(directory, version, {"users": "delta"})
    with (directory / "users.csv").open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=USER_COLUMNS[version], restval="")
        w.writeheader()
        w.writerows(users)
    return directory


def _student(uid: str, **more: str) -> dict[str, str]:
    return {"sourcedId": uid, "status": "active", "dateLastModified": "2026-01-05T10:00:00Z",
            "enabledUser": "true", "orgSourcedIds": "org-0", "role": "student",
            "givenName": "Sam", "familyName": "Fenwick", "grades": "01", **more}  # fmt: skip


def _unstamped(p: Polterm) -> list[str]:
    """The database without the rows stamped with the clock (audit, migrations, district)."""
    stamped = ("_sqlite_migrations", 'INSERT INTO "district"')
    return [line for line in dump(p) if not any(s in line for s in stamped)]


def _import(p: Polterm, roster: Path) -> dict:  # type: ignore[type-arg]
    run = p("import", "oneroster", str(roster), "--format", "json")
    assert run.code == 0, run.err
    return run.json()


def _refused(p: Polterm, roster: Path, message: str) -> None:
    """The import exits 2 with `message` on one line and changes nothing."""
    before = p.dump()
    run = p("import", "oneroster", str(roster))
    assert run.code == 2 and message in run.err and run.err.count("\n") == 1, run.err
    assert p.dump() == before


# -- manifest and delta ---------------------------------------------------------------------


def test_an_unsupported_version_is_refused_by_name(generated: Polterm, tmp_path: Path) -> None:
    roster = write_set(tmp_path / "r", students=2)
    edit(roster / "manifest.csv", set_cell(3, "value", "1.0"))
    _refused(generated, roster, "manifest.csv:3: OneRoster version '1.0' is not supported")


def test_a_file_the_manifest_lists_must_exist(generated: Polterm, tmp_path: Path) -> None:
    roster = write_set(tmp_path / "r", students=2)
    (roster / "classes.csv").unlink()
    _refused(generated, roster, "classes.csv: file is missing (manifest.csv says bulk)")


def test_a_delta_changes_what_it_lists_and_leaves_the_rest(
    generated: Polterm, tmp_path: Path
) -> None:
    _import(generated, write_set(tmp_path / "bulk", students=4))
    delta = _delta(tmp_path / "delta", [
        _student("s-0", familyName="Renamed", agentSourcedIds="g-0a,g-0b"),
        _student("s-1", status="toBeDeleted", agentSourcedIds="g-1a,g-1b"),
        _student("s-new", orgSourcedIds="org-1", agentSourcedIds="g-0a"),  # org in the database
    ])  # fmt: skip
    summary = _import(generated, delta)
    assert summary["mode"] == "delta" and summary["deactivated"] == 0
    assert generated.rows("SELECT id, family, active FROM student ORDER BY id") == [
        ("s-0", "Renamed", 1), ("s-1", "Fenwick", 0), ("s-2", "Pascoe", 1), ("s-3", "Tamsin", 1),
        ("s-new", "Fenwick", 1),
    ]  # fmt: skip
    assert generated.rows("SELECT guardian_id FROM guardianship WHERE student_id = 's-new'") == [
        ("g-0a",)
    ]
    assert generated.rows("SELECT count(*) FROM guardianship") == [(9,)]


def test_a_delta_refuses_a_reference_nobody_knows(generated: Polterm, tmp_path: Path) -> None:
    _import(generated, write_set(tmp_path / "bulk", students=2))
    delta = _delta(tmp_path / "delta", [_student("s-0", agentSourcedIds="g-nobody")])
    _refused(generated, delta, "users.csv:2: unknown agentSourcedIds 'g-nobody'")


def test_without_a_manifest_the_files_are_read_as_bulk_with_a_warning(
    generated: Polterm, tmp_path: Path
) -> None:
    roster = write_set(tmp_path / "r", students=2)
    (roster / "manifest.csv").unlink()
    summary = _import(generated, roster)
    assert summary["warnings"] == ["no manifest.csv: the files were read as OneRoster 1.1, bulk"]
    assert summary["students"] == 2


# -- 1.1 and 1.2 ----------------------------------------------------------------------------


def test_the_1_1_and_1_2_forms_of_one_district_give_the_same_database(
    generated: Polterm, tmp_path: Path
) -> None:
    _import(generated, write_set(tmp_path / "v11", students=5, version="1.1"))
    first = _unstamped(generated)
    shutil.copy(generated.path, tmp_path / "v11.db")
    fresh = Polterm(tmp_path / "v12.db")
    assert fresh("init", "--district", "Gen", "--policy", "clinton_6310").code == 0
    summary = _import(fresh, write_set(tmp_path / "v12", students=5, version="1.2"))
    assert summary["version"] == "1.2" and summary["students"] == 5 and summary["staff"] == 2
    assert _unstamped(fresh) == first


def test_1_2_preferred_given_name_and_primary_org(generated: Polterm, tmp_path: Path) -> None:
    roster = write_set(tmp_path / "r", students=2, schools=2, version="1.2")
    edit(roster / "users.csv", set_cell(4, "preferredGivenName", "Sammy"))  # s-0
    # s-1 also belongs to org-0 by a secondary role; its primary org names the school
    with (roster / "roles.csv").open("a", newline="") as f:
        f.write("r-x,,,s-1,secondary,student,,,org-0,\r\n")
    _import(generated, roster)
    assert generated.rows("SELECT id, given, school_id FROM student ORDER BY id") == [
        ("s-0", "Sammy", "org-0"), ("s-1", "Alex", "org-1")
    ]  # fmt: skip


def test_1_2_a_user_without_a_role_is_left_out_with_a_warning(
    generated: Polterm, tmp_path: Path
) -> None:
    roster = write_set(tmp_path / "r", students=2, version="1.2")
    edit(roster / "roles.csv", lambda rows: rows.pop(3))  # s-0's role
    edit(roster / "enrollments.csv", lambda rows: rows.pop(3))  # and its enrollment
    summary = _import(generated, roster)
    assert "users.csv:4: user 's-0' has no role in roles.csv; not imported" in summary["warnings"]
    assert generated.rows("SELECT id FROM student") == [("s-1",)]


def test_1_2_bulk_users_need_roles(generated: Polterm, tmp_path: Path) -> None:
    roster = write_set(tmp_path / "r", students=1, version="1.2")
    set_mode(roster, "roles", "absent")
    _refused(generated, roster, "manifest.csv: a bulk 1.2 users.csv needs roles.csv")


def test_1_2_user_profiles_must_name_known_users(generated: Polterm, tmp_path: Path) -> None:
    roster = write_set(tmp_path / "r", students=2, version="1.2")
    edit(roster / "userProfiles.csv", set_cell(2, "userSourcedId", "ghost"))
    _refused(generated, roster, "userProfiles.csv:2: unknown user 'ghost'")


# -- guardians ------------------------------------------------------------------------------


def test_a_guardian_dropped_from_the_export_is_unlinked(generated: Polterm, tmp_path: Path) -> None:
    roster = write_set(tmp_path / "r", students=2)
    _import(generated, roster)
    hand = generated("guardian", "add", "--id", "g-hand", "--student", "s-0", "--name", "Kit Hand")
    assert hand.code == 0, hand.err

    def drop(rows: list[list[str]]) -> None:
        agents = rows[0].index("agentSourcedIds")
        rows[:] = [r for r in rows if r[0] != "g-0b"]
        next(r for r in rows if r[0] == "s-0")[agents] = "g-0a"

    edit(roster / "users.csv", drop)
    summary = _import(generated, roster)
    assert summary["unlinked"] == 1
    assert generated.rows("SELECT guardian_id FROM guardianship WHERE student_id = 's-0'"
                          " ORDER BY guardian_id") == [("g-0a",), ("g-hand",)]  # fmt: skip
    audit = generated.rows("SELECT action, before, after FROM audit_log"
                           " WHERE table_name = 'guardianship' AND action = 'delete'")  # fmt: skip
    assert audit == [("delete", '{"student_id": "s-0", "guardian_id": "g-0b"}', None)]


def test_a_guardian_marked_tobedeleted_is_not_linked_nor_reachable(
    generated: Polterm, tmp_path: Path
) -> None:
    roster = write_set(tmp_path / "r", students=2)
    _import(generated, roster)
    edit(roster / "users.csv", set_cell(6, "status", "TOBEDELETED"))  # g-0b, any case
    summary = _import(generated, roster)
    assert "guardian 'g-0b' is tobedeleted: not linked to any student" in summary["warnings"]
    assert generated.rows("SELECT guardian_id FROM guardianship WHERE student_id = 's-0'") == [
        ("g-0a",)
    ]
    assert generated.rows("SELECT phone, email FROM guardian WHERE id = 'g-0b'") == [(None, None)]
    shown = generated("student", "show", "s-0", "--format", "json")
    assert "g-0b" not in shown.out


def test_a_new_guardian_already_marked_tobedeleted_is_never_linked(
    generated: Polterm, tmp_path: Path
) -> None:
    roster = write_set(tmp_path / "r", students=1)
    edit(roster / "users.csv", set_cell(6, "status", "tobedeleted"))  # g-0b
    _import(generated, roster)
    assert generated.rows("SELECT guardian_id FROM guardianship") == [("g-0a",)]


# -- grades, roles, case, departments, sessions ---------------------------------------------


def test_ceds_grades_map_to_polterm_grades_and_keep_their_code(
    generated: Polterm, tmp_path: Path
) -> None:
    roster = write_set(tmp_path / "r", students=4)
    for line, code in ((4, "KG"), (7, "05"), (10, "05,06"), (13, "PK")):
        edit(roster / "users.csv", set_cell(line, "grades", code))
    _import(generated, roster)
    assert generated.rows("SELECT id, grade, grade_code FROM student ORDER BY id") == [
        ("s-0", "K", "KG"), ("s-1", "5", "05"), ("s-2", "5", "05,06"), ("s-3", "PK", "PK")
    ]  # fmt: skip
    listed = generated("student", "list", "--grade", "5", "--format", "json").json()
    assert sorted(s["id"] for s in listed) == ["s-1", "s-2"]
    assert [s["id"] for s in generated("student", "list", "--grade", "K",
                                       "--format", "json").json()] == ["s-0"]  # fmt: skip


def test_a_teacher_enrollment_of_a_student_is_skipped_with_a_warning(
    generated: Polterm, tmp_path: Path
) -> None:
    roster = write_set(tmp_path / "r", students=2)
    with (roster / "enrollments.csv").open("a", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerow(
            ["e-x", "", "", "c-0", "org-0", "s-1", "teacher", "false", "", ""]
        )
    summary = _import(generated, roster)
    assert ("enrollments.csv:6: user 's-1' is enrolled as teacher in 'c-0' but their role"
            " is student; enrollment skipped") in summary["warnings"]  # fmt: skip
    assert summary["students"] == 2
    assert generated.rows("SELECT staff_id FROM section_teacher WHERE section_id = 'c-0'") == [
        ("t-0",)
    ]


def test_roles_statuses_and_types_match_without_case(generated: Polterm, tmp_path: Path) -> None:
    roster = write_set(tmp_path / "r", students=2)
    edit(roster / "users.csv", set_cell(4, "role", "Student"))  # s-0
    edit(roster / "users.csv", set_cell(2, "role", "TEACHER"))  # t-0
    edit(roster / "orgs.csv", set_cell(3, "type", "School"))  # org-0
    edit(roster / "enrollments.csv", set_cell(2, "role", "Teacher"))
    edit(roster / "academicSessions.csv", set_cell(2, "type", "SchoolYear"))
    _import(generated, roster)
    assert generated.rows("SELECT id, teacher_id FROM student ORDER BY id") == [
        ("s-0", "t-0"), ("s-1", "t-1")
    ]  # fmt: skip
    assert generated.rows("SELECT name FROM school_year") == [("2025-2026",)]


def test_a_department_used_as_a_school_is_refused(generated: Polterm, tmp_path: Path) -> None:
    roster = write_set(tmp_path / "r", students=2)
    with (roster / "orgs.csv").open("a", newline="") as f:
        f.write("dep-1,,,Science Department,department,,org-0\r\n")
    edit(roster / "classes.csv", set_cell(3, "schoolSourcedId", "dep-1"))
    _refused(
        generated, roster, "classes.csv:3: schoolSourcedId 'dep-1' is a department, not a school"
    )
    edit(roster / "classes.csv", set_cell(3, "schoolSourcedId", "org-1"))
    edit(roster / "users.csv", set_cell(4, "orgSourcedIds", "dep-1"))  # s-0
    _refused(generated, roster, "users.csv:4: org 'dep-1' is a department, not a school")


def test_sessions_keep_their_kind_and_withdrawn_ones_are_skipped(
    generated: Polterm, tmp_path: Path
) -> None:
    roster = write_set(tmp_path / "r", students=1)
    with (roster / "academicSessions.csv").open("a", newline="") as f:
        f.write("as-s1,active,,Fall,semester,2025-08-27,2026-01-16,as-y,2026\r\n")
        f.write("as-g1,,,Q1,gradingPeriod,2025-08-27,2025-10-31,as-s1,2026\r\n")
        f.write("as-q9,tobedeleted,,Old,quarter,2025-08-27,2025-10-31,as-y,2026\r\n")
        f.write("as-x,inactive,,Gone,trimester,2025-08-27,2025-10-31,as-y,2026\r\n")
    _import(generated, roster)
    assert generated.rows("SELECT id, kind FROM period ORDER BY id") == [
        ("as-g1", "grading"), ("as-s1", "semester"), ("as-t1", "term"), ("as-t2", "term")
    ]  # fmt: skip


# -- sections and the teacher of record ------------------------------------------------------


def test_classes_and_enrollments_become_sections(generated: Polterm, tmp_path: Path) -> None:
    roster = write_set(tmp_path / "r", students=3)
    with (roster / "classes.csv").open("a", newline="") as f:
        f.write("c-math,,,Math 3,scheduled,org-0,as-t1\r\n")
    with (roster / "enrollments.csv").open("a", newline="") as f:
        f.write("e-m1,,,c-math,org-0,t-0,teacher,true,,\r\ne-m2,,,c-math,org-0,s-0,student,,,\r\n")
    _import(generated, roster)
    assert generated.rows("SELECT id, school_id, title, homeroom FROM section ORDER BY id") == [
        ("c-0", "org-0", "Homeroom 0", 1), ("c-1", "org-1", "Homeroom 1", 1),
        ("c-math", "org-0", "Math 3", 0),
    ]  # fmt: skip
    assert generated.rows("SELECT section_id, student_id FROM enrollment ORDER BY 1, 2") == [
        ("c-0", "s-0"), ("c-0", "s-2"), ("c-1", "s-1"), ("c-math", "s-0")
    ]  # fmt: skip
    edit(roster / "enrollments.csv", lambda rows: rows.pop())  # s-0 leaves Math 3
    _import(generated, roster)
    assert generated.rows("SELECT count(*) FROM enrollment WHERE section_id = 'c-math'") == [(0,)]


def test_without_a_primary_teacher_the_homerooms_only_teacher_is_of_record(
    generated: Polterm, tmp_path: Path
) -> None:
    roster = write_set(tmp_path / "r", students=3)
    edit(roster / "enrollments.csv", set_cell(2, "primary", "false"))  # t-0 in c-0
    summary = _import(generated, roster)
    assert generated.rows("SELECT id, teacher_id FROM student ORDER BY id") == [
        ("s-0", "t-0"), ("s-1", "t-1"), ("s-2", "t-0")
    ]  # fmt: skip
    assert summary["warnings"] == [
        "class 'c-0' has no primary teacher; its only teacher 't-0' is the teacher of record"
        " of the students whose homeroom or only class it is"
    ]


def test_a_delta_of_enrollments_moves_the_teacher_of_record(
    generated: Polterm, tmp_path: Path
) -> None:
    _import(generated, write_set(tmp_path / "bulk", students=3))
    delta = tmp_path / "delta"
    delta.mkdir()
    write_manifest(delta, "1.1", {"enrollments": "delta"})
    (delta / "enrollments.csv").write_text(
        ",".join(ENROLLMENT_COLUMNS) + "\r\n"
        "e-t0,tobedeleted,,c-0,org-0,t-0,teacher,true,,\r\n"
        "e-x,active,,c-0,org-0,t-1,teacher,true,,\r\n"
    )
    _import(generated, delta)
    assert generated.rows("SELECT id, teacher_id FROM student ORDER BY id") == [
        ("s-0", "t-1"), ("s-1", "t-1"), ("s-2", "t-1")
    ]  # fmt: skip
    assert generated.rows("SELECT section_id, staff_id FROM section_teacher ORDER BY 1") == [
        ("c-0", "t-1"), ("c-1", "t-1")
    ]  # fmt: skip
    moved = generated.rows("SELECT record_id, after FROM audit_log WHERE table_name = 'student'")
    assert moved == [("s-0", '{"teacher_id": "t-1"}'), ("s-2", '{"teacher_id": "t-1"}')]


# -- the audit ------------------------------------------------------------------------------


def test_the_audit_has_the_absolute_path_and_before_and_after_of_changes(
    generated: Polterm, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    roster = write_set(tmp_path / "r", students=3)
    monkeypatch.chdir(tmp_path)
    assert generated("import", "oneroster", "r").code == 0
    edit(roster / "users.csv", set_cell(7, "familyName", "Renamed"))  # s-1
    edit(roster / "users.csv", lambda rows: rows.__delitem__(slice(9, 12)))  # s-2 and guardians
    edit(roster / "enrollments.csv", lambda rows: rows.pop())
    assert generated("import", "oneroster", "r").code == 0
    paths = generated.rows("SELECT record_id FROM audit_log WHERE table_name = 'oneroster_import'")
    assert paths == [(str(roster.resolve()),)] * 2
    changes = generated.rows("SELECT record_id, before, after FROM audit_log"
                             " WHERE table_name = 'student' ORDER BY record_id")  # fmt: skip
    assert [(r, json.loads(b), json.loads(a)) for r, b, a in changes] == [
        ("s-1", {"family": "Orland"}, {"family": "Renamed"}),
        ("s-2", {"active": 1}, {"active": 0}),
    ]


def test_the_audit_has_before_and_after_of_changed_sections_and_periods(
    generated: Polterm, tmp_path: Path
) -> None:
    roster = write_set(tmp_path / "r", students=2)
    _import(generated, roster)
    edit(roster / "classes.csv", set_cell(2, "status", "tobedeleted"))  # c-0
    edit(roster / "academicSessions.csv", set_cell(3, "endDate", "2026-01-23"))  # as-t1
    _import(generated, roster)
    changes = generated.rows("SELECT table_name, record_id, before, after FROM audit_log"
                             " WHERE table_name IN ('section', 'period')")  # fmt: skip
    assert [(t, r, json.loads(b), json.loads(a)) for t, r, b, a in changes] == [
        ("period", "as-t1", {"end": "2026-01-16"}, {"end": "2026-01-23"}),
        ("section", "c-0", {"active": 1}, {"active": 0}),
    ]


def test_enrollment_columns_follow_the_spec() -> None:
    assert ENROLLMENT_COLUMNS[3:8] == ["classSourcedId", "schoolSourcedId", "userSourcedId",
                                       "role", "primary"]  # fmt: skip
