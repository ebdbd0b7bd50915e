"""OneRoster import: idempotent, all or nothing with `file:line`, BOM/CRLF/quoted newlines."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from polterm.storage import open_database
from tests.conftest import Polterm
from tests.io.roster import write_set


@pytest.fixture
def district(fresh: Polterm) -> Polterm:
    assert fresh("init", "--district", "Gen", "--policy", "clinton_6310").code == 0
    return fresh


def _dump(p: Polterm) -> list[str]:
    """The database without the audit log (each import adds its one audit row)."""
    return [line for line in p.dump() if "audit_log" not in line]


def _edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    """Rewrite a CSV file through `change(rows)`, keeping its BOM if it had one."""
    bom = path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    change(rows)
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)


def test_importing_twice_leaves_the_same_database(district: Polterm, tmp_path: Path) -> None:
    roster = write_set(tmp_path / "r", students=6)
    assert district("import", "oneroster", str(roster)).code == 0
    first = _dump(district)
    run = district("import", "oneroster", str(roster))
    assert run.code == 0, run.err
    assert _dump(district) == first
    assert district.rows("SELECT count(*) FROM student WHERE active = 1") == [(6,)]
    assert district.rows("SELECT count(*) FROM guardianship") == [(12,)]
    assert district.rows("SELECT teacher_id FROM student WHERE id = 's-1'") == [("t-1",)]
    assert district.rows("SELECT level FROM school ORDER BY id") == [("elementary",), ("middle",)]


def _drop_column(rows: list[list[str]]) -> None:
    i = rows[0].index("role")
    for r in rows:
        del r[i]


BROKEN = [
    ("users.csv", _drop_column, "users.csv:1: missing column role"),
    ("users.csv", lambda rows: rows[3].__setitem__(4, "org-nowhere"),
     "users.csv:4: unknown org 'org-nowhere'"),
    ("academicSessions.csv", lambda rows: rows[2].__setitem__(4, "2025-13-01"),
     "academicSessions.csv:3: bad startDate '2025-13-01'"),
    ("users.csv", lambda rows: rows[5].__setitem__(0, "s-0"),
     "users.csv:6: duplicate sourcedId 's-0'"),
    ("users.csv", lambda rows: rows.pop(4), "users.csv:4: unknown agentSourcedIds 'g-0a'"),
    ("enrollments.csv", lambda rows: rows[2].__setitem__(4, "t-x"),
     "enrollments.csv:3: unknown teacher 't-x'"),
    ("enrollments.csv", lambda rows: rows[4].__setitem__(4, "g-0a"),
     "enrollments.csv:5: unknown student 'g-0a'"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "change", "message"), BROKEN)
def test_a_broken_export_names_file_and_line_and_changes_nothing(
    district: Polterm,
    tmp_path: Path,
    name: str,
    change,
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    roster = write_set(tmp_path / "r", students=3)
    before = district.dump()
    _edit(roster / name, change)
    run = district("import", "oneroster", str(roster))
    assert run.code == 2
    assert message in run.err
    assert district.dump() == before


def test_bom_crlf_blank_lines_and_quoted_newlines_are_read(
    district: Polterm, tmp_path: Path
) -> None:
    roster = write_set(tmp_path / "r", students=3, bom=True)
    # a quoted newline in a column polterm does not read (middleName); in a name it is refused
    _edit(roster / "users.csv", lambda rows: rows[3].__setitem__(10, "Fen,\nwick"))
    assert (roster / "users.csv").read_bytes().startswith(b"\xef\xbb\xbfsourcedId")
    with (roster / "users.csv").open("a", newline="") as f:
        f.write("\r\n")  # blank lines are skipped, at the end or between rows
    _edit(roster / "enrollments.csv", lambda rows: rows.insert(2, []))
    run = district("import", "oneroster", str(roster))
    assert run.code == 0, run.err
    assert district.rows("SELECT count(*) FROM student WHERE id = 's-0'") == [(1,)]
    # a bad row after the quoted newline is reported at its physical line
    _edit(roster / "users.csv", lambda rows: rows[6].__setitem__(4, "org-x"))
    assert "users.csv:8: unknown org 'org-x'" in district("import", "oneroster", str(roster)).err


def test_users_may_come_in_any_order_and_name_each_other_from_one_side(
    district: Polterm, tmp_path: Path
) -> None:
    roster = write_set(tmp_path / "r", students=3)

    def change(rows: list[list[str]]) -> None:
        agents = rows[0].index("agentSourcedIds")
        for r in rows[1:]:
            if r[0].startswith("s-"):
                r[agents] = ""  # only the guardians name their students
        rows[1:] = reversed(rows[1:])  # guardians first, teachers last

    _edit(roster / "users.csv", change)
    run = district("import", "oneroster", str(roster))
    assert run.code == 0, run.err
    assert district.rows("SELECT count(*) FROM guardianship") == [(6,)]
    assert district.rows("SELECT id, teacher_id FROM student ORDER BY id") == [
        ("s-0", "t-0"), ("s-1", "t-1"), ("s-2", "t-0")
    ]  # fmt: skip


def test_reimport_updates_changed_students_and_keeps_unlisted_teachers(
    district: Polterm, tmp_path: Path
) -> None:
    roster = write_set(tmp_path / "r", students=3)
    assert district("import", "oneroster", str(roster)).code == 0
    family = next(csv.reader([(roster / "users.csv").read_text().splitlines()[0]])).index(
        "familyName"
    )
    _edit(roster / "users.csv", lambda rows: rows[6].__setitem__(family, "Renamed"))  # s-1

    def enrollments(rows: list[list[str]]) -> None:
        rows[:] = [r for r in rows if r[4] != "s-0"]
        next(r for r in rows if r[4] == "s-2")[2] = "c-1"

    _edit(roster / "enrollments.csv", enrollments)
    run = district("import", "oneroster", str(roster))
    assert run.code == 0, run.err
    assert district.rows("SELECT id, family, teacher_id, version FROM student ORDER BY id") == [
        ("s-0", "Fenwick", "t-0", 1), ("s-1", "Renamed", "t-1", 2), ("s-2", "Pascoe", "t-1", 1)
    ]  # fmt: skip


def test_reimport_marks_missing_and_tobedeleted_students_inactive(
    district: Polterm, tmp_path: Path
) -> None:
    roster = write_set(tmp_path / "r", students=3)
    assert district("import", "oneroster", str(roster)).code == 0

    def change(rows: list[list[str]]) -> None:
        rows[:] = [r for r in rows if r[0] not in ("s-2", "g-2a", "g-2b")]
        next(r for r in rows if r[0] == "s-1")[1] = "tobedeleted"

    _edit(roster / "users.csv", change)
    _edit(roster / "enrollments.csv", lambda rows: rows.pop())
    run = district("import", "oneroster", str(roster))
    assert run.code == 0, run.err
    assert district.rows("SELECT id, active FROM student ORDER BY id") == [
        ("s-0", 1), ("s-1", 0), ("s-2", 0)
    ]  # fmt: skip
    assert district.rows("SELECT count(*) FROM guardianship WHERE student_id = 's-2'") == [(2,)]


def test_demographics_language_goes_to_the_guardians(district: Polterm, tmp_path: Path) -> None:
    roster = write_set(tmp_path / "r", students=2)
    (roster / "demographics.csv").write_text("sourcedId,sex,primaryLanguage\r\ns-1,F,es\r\n")
    assert district("import", "oneroster", str(roster)).code == 0
    assert district.rows("SELECT id, language FROM guardian ORDER BY id") == [
        ("g-0a", "en"), ("g-0b", "en"), ("g-1a", "es"), ("g-1b", "es")
    ]  # fmt: skip
    (roster / "demographics.csv").write_text("sourcedId,primaryLanguage\r\ns-1,es\r\ns-9,fr\r\n")
    assert (
        "demographics.csv:3: unknown user 's-9'" in district("import", "oneroster", str(roster)).err
    )


def test_import_writes_one_audit_row_with_its_counts(district: Polterm, tmp_path: Path) -> None:
    roster = write_set(tmp_path / "r", students=2)
    assert district("import", "oneroster", str(roster)).code == 0
    rows = district.rows("SELECT actor, table_name, after FROM audit_log"
                         " WHERE table_name = 'oneroster_import'")  # fmt: skip
    assert len(rows) == 1 and [(rows[0][0],)] == district.rows(
        "SELECT id FROM staff WHERE role = 'it'"
    )
    assert '"students": 2' in rows[0][2] and '"links": 4' in rows[0][2]


def test_reimport_leaves_hand_entered_students_active(district: Polterm, tmp_path: Path) -> None:
    roster = write_set(tmp_path / "r", students=2)
    assert district("import", "oneroster", str(roster)).code == 0
    added = district(
        "student", "add", "--id", "walk-in", "--given", "Ada", "--family", "Newcomer",
        "--grade", "3", "--school", "org-0",
    )  # fmt: skip
    assert added.code == 0, added.err
    assert district("import", "oneroster", str(roster)).code == 0
    assert district.rows("SELECT active FROM student WHERE id = 'walk-in'") == [(1,)]
    assert district.rows("SELECT count(*) FROM student WHERE active = 0") == [(0,)]


def test_an_org_and_a_user_may_share_a_sourced_id(district: Polterm, tmp_path: Path) -> None:
    roster = write_set(tmp_path / "r", students=2)
    text = (roster / "users.csv").read_text().replace("s-1,", "org-1,").replace(",s-1", ",org-1")
    (roster / "users.csv").write_text(text)
    for other in ("enrollments.csv", "userProfiles.csv"):
        if (roster / other).is_file():
            (roster / other).write_text((roster / other).read_text().replace(",s-1,", ",org-1,"))
    run = district("import", "oneroster", str(roster))
    assert run.code == 0, run.err
    assert district.rows("SELECT id FROM student ORDER BY id") == [("org-1",), ("s-0",)]


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
