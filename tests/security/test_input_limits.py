"""Dates, ids and counts beyond what polterm keeps: exit 2 with one line, never a traceback,
and nothing written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.io.roster import write_set
from tests.security import hostile
from tests.security.hostile import HUGE_ID, polterm, state_of

# the hostile district's fixtures, used here by name
hostile_db = hostile.hostile_db
db = hostile.db


ADD = ("conference", "add", "--student", "s1", "--kind", "parent-teacher", "--staff", "t1")
REFUSED = [
    (*ADD, "--at", "0999-01-01T10:00"),
    (*ADD, "--at", "2101-01-01T10:00"),
    (*ADD, "--at", "1899-12-31T10:00"),
    ("conference", "update", "1", "--at", "999-01-01T10:00"),
    ("request", "add", "--id", "rz", "--student", "s1", "--on", "0999-01-01", "--with", "teacher"),
    ("conference", "show", HUGE_ID),
    ("conference", "update", "99999999999999999999999", "--status", "held"),
    ("involvement", "add", "--school", "oak", "--on", "2025-10-01", "--kind", "drop-in",
     "--attendance", "1e23"),
    ("involvement", "add", "--school", "oak", "--on", "2025-10-01", "--kind", "drop-in",
     "--attendance", str(10**23)),
]  # fmt: skip


@pytest.mark.parametrize("args", REFUSED, ids=" ".join)
def test_refused_with_one_line_and_nothing_written(db: Path, args: tuple[str, ...]) -> None:
    before = state_of(db)
    run = polterm(db, *args)
    assert run.code == 2 and run.out == ""
    assert run.err.startswith("Error: ") and run.err.count("\n") == 1, run.err
    assert run.clean()
    assert state_of(db) == before


def test_demo_with_more_than_five_million_students_is_refused(tmp_path: Path) -> None:
    run = polterm(tmp_path / "demo.db", "demo", "--students", "5000001", "--no-tui")
    assert run.code == 2 and run.err.count("\n") == 1 and "5,000,000" in run.err
    assert not (tmp_path / "demo.db").exists()


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [("conference", "at", "999-01-01T10:00"), ("conference", "at", "2025-13-01T10:00"),
     ("conference", "at", "2025-10-01 10:00"), ("parent_request", "requested_on", "0999-01-01"),
     ("contact_attempt", "made_on", "2025-02-30")],
)  # fmt: skip
def test_no_write_path_stores_another_shape(db: Path, table: str, column: str, value: str) -> None:
    """Straight SQL, as a script or an importer writes: the schema's triggers refuse it."""
    conn = sqlite3.connect(db)
    key = {"conference": 1, "parent_request": "req1"}.get(table)
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        if key is None:
            conn.execute(
                "INSERT INTO contact_attempt (student_id, made_on, method, outcome, purpose)"
                " VALUES ('s1', ?, 'phone', 'reached', 'other')",
                [value],
            )
        else:
            conn.execute(f"UPDATE [{table}] SET [{column}] = ? WHERE id = ?", [value, key])
    conn.close()


def test_an_import_with_a_far_year_names_file_and_line(db: Path, tmp_path: Path) -> None:
    roster = write_set(tmp_path / "r", students=3)
    sessions = roster / "academicSessions.csv"
    sessions.write_text(
        sessions.read_text().replace("Term 2,term,2026-01-20", "Term 2,term,0999-01-20")
    )
    before = state_of(db)
    run = polterm(db, "import", "oneroster", str(roster))
    assert run.code == 2 and run.clean()
    assert (
        run.err
        == "Error: academicSessions.csv:4: startDate '0999-01-20': the year must be 1900-2100\n"
    )
    assert state_of(db) == before


def test_a_write_the_schema_refuses_is_one_line(as_it, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write path that did not check first meets the schema's triggers: exit 2, no traceback."""

    def refused(*args: object, **kwargs: object) -> None:
        raise sqlite3.IntegrityError("CHECK constraint failed: conference.at must be a date-time")

    monkeypatch.setattr("polterm.services.schools.list_schools", refused)
    run = as_it("school", "list")
    assert run.code == 2 and run.out == ""
    assert run.err == (
        "Error: the database refused the change: CHECK constraint failed: conference.at must be"
        " a date-time\n"
    )
