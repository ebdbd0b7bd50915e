"""Only IT staff of a database may replace it, and `demo` replaces nothing but a demo district.

Each attack runs `polterm` as a real process, as the OS user running the tests, whose staff
record (or lack of one) in the district decides who they are.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from polterm.services.session import os_user
from tests.security.conftest import STAFF

POLTERM = Path(sys.prefix) / "bin" / "polterm"
REPLACE = ["demo", "--force", "--students", "5", "--no-tui"]


def polterm(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(POLTERM), "--db", str(db), *args], capture_output=True, text=True, timeout=60
    )


def state(db: Path) -> tuple[list[str], str]:
    """Every row, and the integrity check: what a refused command must leave alone."""
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump()), conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def become(db: Path, staff_id: str | None) -> None:
    """Make the OS user running the tests this staff member (None: nobody at all)."""
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE staff SET username = id WHERE username = ?", [os_user()])
        if staff_id is not None:
            conn.execute("UPDATE staff SET username = ? WHERE id = ?", [os_user(), staff_id])
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


@pytest.fixture
def district(world_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "district.db"
    shutil.copy(world_file, path)
    return path


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    result = polterm(path, "demo", "--students", "5", "--no-tui")
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    return path


@pytest.mark.parametrize("who", [None, *STAFF])
@pytest.mark.parametrize("command", [REPLACE, ["init", "--district", "Evil", "--policy", "p1471"]])
def test_nobody_replaces_or_reinitialises_a_district(district, who, command):
    become(district, who)
    before = state(district)
    result = polterm(district, *command)
    assert result.returncode == 2, result.stderr
    assert result.stdout == "" and len(result.stderr.splitlines()) == 1, result.stderr
    assert state(district) == before


def test_it_of_a_demo_district_may_replace_it(demo_db):
    result = polterm(demo_db, "demo", "--force", "--students", "3", "--seed", "2", "--no-tui")
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(demo_db)
    assert conn.execute("SELECT count(*), max(demo) FROM student, district").fetchone() == (3, 1)
    conn.close()


@pytest.mark.parametrize("role", ["teacher", "principal", "office", "superintendent"])
def test_other_staff_of_a_demo_district_may_not_replace_it(demo_db, role):
    conn = sqlite3.connect(demo_db)
    with conn:
        conn.execute("UPDATE staff SET role = ? WHERE username = ?", [role, os_user()])
    conn.close()
    before = state(demo_db)
    result = polterm(demo_db, "demo", "--force", "--students", "3", "--no-tui")
    assert result.returncode == 2 and "only IT staff" in result.stderr, result.stderr
    assert state(demo_db) == before


def test_it_acting_for_a_teacher_may_not_replace_a_demo_district(demo_db):
    [(teacher,)] = (
        sqlite3.connect(demo_db)
        .execute("SELECT id FROM staff WHERE role = 'teacher' ORDER BY id LIMIT 1")
        .fetchall()
    )
    before = state(demo_db)
    result = polterm(demo_db, "demo", "--force", "--students", "3", "--no-tui", "--as", teacher)
    assert result.returncode == 2 and "only IT staff" in result.stderr, result.stderr
    assert state(demo_db) == before


def test_a_file_that_is_not_a_database_is_never_replaced(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not sqlite " * 200)
    result = polterm(path, "demo", "--force", "--students", "3", "--no-tui")
    assert result.returncode == 2 and "not a polterm database" in result.stderr, result.stderr
    assert path.read_text() == "not sqlite " * 200


def test_init_leaves_another_programs_database_alone(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE grades (student TEXT, grade TEXT)")
        conn.execute("INSERT INTO grades VALUES ('x', 'A')")
    conn.close()
    before = state(path)
    result = polterm(path, "init", "--district", "Evil", "--policy", "p1471")
    assert result.returncode == 2 and "not a polterm database" in result.stderr, result.stderr
    assert state(path) == before
