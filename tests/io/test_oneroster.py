"""OneRoster import: idempotent, all or nothing with `file:line`, BOM/CRLF/quoted newlines."""

from __future__ import annotations

from pathlib import Path

import pytest

from polterm.plugins import Registry
from polterm.storage import open_database
from tests.conftest import Polterm, first_open
from tests.io.roster import dump, edit, set_cell, set_mode, write_set


def test_importing_twice_leaves_the_same_database(generated: Polterm, tmp_path: Path) -> None:
    roster = write_set(tmp_path / "r", students=6)
    assert generated("import", "oneroster", str(roster)).code == 0
    first = dump(generated)
    run = generated("import", "oneroster", str(roster))
    assert run.code == 0, run.err
    assert dump(generated) == first
    assert generated.rows("SELECT count(*) FROM student WHERE active = 1") == [(6,)]
    assert generated.rows("SELECT count(*) FROM guardianship") == [(12,)]
    assert generated.rows("SELECT teacher_id FROM student WHERE id = 's-1'") == [("t-1",)]
    assert generated.rows("SELECT level FROM school ORDER BY id") == [("elementary",), ("middle",)]


def _drop_column(rows: list[list[str]]) -> None:
    i = rows[0].index("role")
    for r in rows:
        del r[i]


BROKEN = [
    ("users.csv", _drop_column, "users.csv:1: missing column role"),
    ("users.csv", set_cell(4, "orgSourcedIds", "org-nowhere"),
     "users.csv:4: unknown org 'org-nowhere'"),
    ("academicSessions.csv", set_cell(3, "startDate", "2025-13-01"),
     "academicSessions.csv:3: bad startDate '2025-13-01'"),
    ("users.csv", set_cell(6, "sourcedId", "s-0"), "users.csv:6: duplicate sourcedId 's-0'"),
    ("users.csv", lambda rows: rows.pop(4), "users.csv:4: unknown agentSourcedIds 'g-0a'"),
    ("enrollments.csv", set_cell(3, "userSourcedId", "t-x"),
     "enrollments.csv:3: unknown teacher 't-x'"),
    ("enrollments.csv", set_cell(5, "userSourcedId", "nobody"),
     "enrollments.csv:5: unknown student 'nobody'"),
    ("classes.csv", set_cell(2, "schoolSourcedId", "org-x"),
     "classes.csv:2: unknown org 'org-x'"),
    ("users.csv", set_cell(3, "sourcedId", "s-\x1b[2J"),
     "users.csv:3: sourcedId 's-\\x1b[2J' holds"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "change", "message"), BROKEN)
def test_a_broken_export_names_file_and_line_and_changes_nothing(
    generated: Polterm,
    tmp_path: Path,
    name: str,
    change,
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    roster = write_set(tmp_path / "r", students=3)
    before = generated.dump()
    edit(roster / name, change)
    run = generated("import", "oneroster", str(roster))
    assert run.code == 2
    assert message in run.err
    assert generated.dump() == before


def test_bom_crlf_blank_lines_and_quoted_newlines_are_read(
    generated: Polterm, tmp_path: Path
) -> None:
    roster = write_set(tmp_path / "r", students=3, bom=True)
    # a quoted newline in a column polterm does not read (middleName); in a name it is refused
    edit(roster / "users.csv", set_cell(4, "middleName", "Fen,\nwick"))
    assert (roster / "users.csv").read_bytes().startswith(b"\xef\xbb\xbfsourcedId")
    with (roster / "users.csv").open("a", newline="") as f:
        f.write("\r\n")  # blank lines are skipped, at the end or between rows
    edit(roster / "enrollments.csv", lambda rows: rows.insert(2, []))
    run = generated("import", "oneroster", str(roster))
    assert run.code == 0, run.err
    assert generated.rows("SELECT count(*) FROM student WHERE id = 's-0'") == [(1,)]
    # a bad row after the quoted newline is reported at its physical line
    edit(roster / "users.csv", set_cell(7, "orgSourcedIds", "org-x"))
    assert "users.csv:8: unknown org 'org-x'" in generated("import", "oneroster", str(roster)).err


def test_users_may_come_in_any_order_and_name_each_other_from_one_side(
    generated: Polterm, tmp_path: Path
) -> None:
    roster = write_set(tmp_path / "r", students=3)

    def change(rows: list[list[str]]) -> None:
        agents = rows[0].index("agentSourcedIds")
        for r in rows[1:]:
            if r[0].startswith("s-"):
                r[agents] = ""  # only the guardians name their students
        rows[1:] = reversed(rows[1:])  # guardians first, teachers last

    edit(roster / "users.csv", change)
    run = generated("import", "oneroster", str(roster))
    assert run.code == 0, run.err
    assert generated.rows("SELECT count(*) FROM guardianship") == [(6,)]
    assert generated.rows("SELECT id, teacher_id FROM student ORDER BY id") == [
        ("s-0", "t-0"), ("s-1", "t-1"), ("s-2", "t-0")
    ]  # fmt: skip


def test_reimport_updates_changed_students_and_keeps_unlisted_teachers(
    generated: Polterm, tmp_path: Path
) -> None:
    roster = write_set(tmp_path / "r", students=3)
    assert generated("import", "oneroster", str(roster)).code == 0
    edit(roster / "users.csv", set_cell(7, "familyName", "Renamed"))  # s-1

    def enrollments(rows: list[list[str]]) -> None:
        user, cls = rows[0].index("userSourcedId"), rows[0].index("classSourcedId")
        rows[:] = [r for r in rows if r[user] != "s-0"]
        next(r for r in rows if r[user] == "s-2")[cls] = "c-1"

    edit(roster / "enrollments.csv", enrollments)
    run = generated("import", "oneroster", str(roster))
    assert run.code == 0, run.err
    assert generated.rows("SELECT id, family, teacher_id, version FROM student ORDER BY id") == [
        ("s-0", "Fenwick", "t-0", 1), ("s-1", "Renamed", "t-1", 2), ("s-2", "Pascoe", "t-1", 1)
    ]  # fmt: skip


def test_reimport_marks_missing_and_tobedeleted_students_inactive(
    generated: Polterm, tmp_path: Path
) -> None:
    roster = write_set(tmp_path / "r", students=3)
    assert generated("import", "oneroster", str(roster)).code == 0

    def change(rows: list[list[str]]) -> None:
        rows[:] = [r for r in rows if r[0] not in ("s-2", "g-2a", "g-2b")]
        next(r for r in rows if r[0] == "s-1")[1] = "toBeDeleted"  # any case

    edit(roster / "users.csv", change)
    edit(roster / "enrollments.csv", lambda rows: rows.pop())
    run = generated("import", "oneroster", str(roster))
    assert run.code == 0, run.err
    assert generated.rows("SELECT id, active FROM student ORDER BY id") == [
        ("s-0", 1), ("s-1", 0), ("s-2", 0)
    ]  # fmt: skip
    assert generated.rows("SELECT count(*) FROM guardianship WHERE student_id = 's-2'") == [(2,)]


def test_demographics_language_goes_to_the_guardians(generated: Polterm, tmp_path: Path) -> None:
    roster = write_set(tmp_path / "r", students=2)
    (roster / "demographics.csv").write_text("sourcedId,sex,primaryLanguage\r\ns-1,F,es\r\n")
    set_mode(roster, "demographics", "bulk")
    assert generated("import", "oneroster", str(roster)).code == 0
    assert generated.rows("SELECT id, language FROM guardian ORDER BY id") == [
        ("g-0a", "en"), ("g-0b", "en"), ("g-1a", "es"), ("g-1b", "es")
    ]  # fmt: skip
    (roster / "demographics.csv").write_text("sourcedId,primaryLanguage\r\ns-1,es\r\ns-9,fr\r\n")
    assert (
        "demographics.csv:3: unknown user 's-9'"
        in generated("import", "oneroster", str(roster)).err
    )


def test_import_writes_one_audit_row_with_its_counts(generated: Polterm, tmp_path: Path) -> None:
    roster = write_set(tmp_path / "r", students=2)
    assert generated("import", "oneroster", str(roster)).code == 0
    rows = generated.rows("SELECT actor, table_name, after FROM audit_log"
                         " WHERE table_name = 'oneroster_import'")  # fmt: skip
    assert len(rows) == 1 and [(rows[0][0],)] == generated.rows(
        "SELECT id FROM staff WHERE role = 'it'"
    )
    assert '"students": 2' in rows[0][2] and '"links": 4' in rows[0][2]


def test_import_leaves_the_store_filled_so_the_first_open_does_not_evaluate(
    generated: Polterm,
    tmp_path: Path,
    installed_registry: Registry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    roster = write_set(tmp_path / "r", students=4)
    assert generated("import", "oneroster", str(roster)).code == 0
    board = first_open(generated.path, installed_registry, monkeypatch)
    assert board.total > 0  # each student owes its two flexible conferences


def test_reimport_leaves_hand_entered_students_active(generated: Polterm, tmp_path: Path) -> None:
    roster = write_set(tmp_path / "r", students=2)
    assert generated("import", "oneroster", str(roster)).code == 0
    added = generated(
        "student", "add", "--id", "walk-in", "--given", "Ada", "--family", "Newcomer",
        "--grade", "3", "--school", "org-0",
    )  # fmt: skip
    assert added.code == 0, added.err
    assert generated("import", "oneroster", str(roster)).code == 0
    assert generated.rows("SELECT active FROM student WHERE id = 'walk-in'") == [(1,)]
    assert generated.rows("SELECT count(*) FROM student WHERE active = 0") == [(0,)]


def test_an_org_and_a_user_may_share_a_sourced_id(generated: Polterm, tmp_path: Path) -> None:
    roster = write_set(tmp_path / "r", students=2)
    text = (roster / "users.csv").read_text().replace("s-1,", "org-1,").replace(",s-1", ",org-1")
    (roster / "users.csv").write_text(text)
    for other in ("enrollments.csv", "userProfiles.csv"):
        if (roster / other).is_file():
            (roster / other).write_text((roster / other).read_text().replace(",s-1,", ",org-1,"))
    run = generated("import", "oneroster", str(roster))
    assert run.code == 0, run.err
    assert generated.rows("SELECT id FROM student ORDER BY id") == [("org-1",), ("s-0",)]


def test_upgrading_counts_unaudited_students_as_rostered(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = open_database(path)
    db.execute("DROP TABLE roster_student")
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm004_roster_students'")
    db["school"].insert({"id": "sc", "name": "Lakeside Elementary", "level": "elementary"})
    for sid in ("imported", "typed"):
        db["student"].insert(
            {"id": sid, "given": "A", "family": "B", "grade": "1", "school_id": "sc"}
        )
    db["audit_log"].insert(
        {"at": "2026-01-01T00:00:00Z", "actor": "it", "os_user": "it", "action": "insert",
         "table_name": "student", "record_id": "typed"}
    )  # fmt: skip
    db.conn.commit()
    upgraded = open_database(path)
    assert upgraded.execute("SELECT id FROM roster_student").fetchall() == [("imported",)]
