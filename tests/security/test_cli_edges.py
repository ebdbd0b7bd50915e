"""The command line's smaller promises: who may list staff and export calendars, nothing on
stdout from a failed command, one line for a missing folder, unknown ids and broken pipes."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.security.conftest import SAT_IN, STAFF
from tests.security.test_replace_database import POLTERM, become


@pytest.mark.parametrize("staff", STAFF)
def test_staff_list_with_usernames_is_for_principals_and_it(as_it, staff):
    result = as_it("staff", "list", "--format", "json", "--as", staff)
    role, school = STAFF[staff]
    if role not in ("principal", "designee", "it"):
        assert result.code == 2 and result.out == "" and "may not" in result.err
        return
    assert result.code == 0, result.err
    listed = {row["id"] for row in result.json()}
    assert listed == (set(STAFF) if role == "it" else {s for s in STAFF if STAFF[s][1] == school})


@pytest.mark.parametrize("staff", STAFF)
def test_another_teachers_calendar_is_for_principals_and_it(as_it, staff, tmp_path):
    out = tmp_path / "t2.ics"
    result = as_it("export", "ics", "--staff", "t2", "-o", str(out), "--as", staff)
    may = STAFF[staff][0] in ("principal", "designee", "it") or staff == "t2"
    assert result.code == (0 if may else 2), result.err
    assert out.exists() == may


def test_a_teachers_own_calendar_holds_the_conferences_they_sit_in_on(as_it, tmp_path):
    out = tmp_path / "t1.ics"
    result = as_it("export", "ics", "--staff", "t1", "-o", str(out), "--as", "t1")
    assert result.code == 0, result.err
    text = out.read_text()
    assert "conference-1@" in text and f"conference-{SAT_IN}@" in text
    assert "conference-2@" not in text


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_failed_export_prints_nothing_on_stdout(world_file, tmp_path, fmt):
    """A real process: what a command printed before failing would reach the reader."""
    db = tmp_path / "district.db"
    shutil.copy(world_file, db)
    become(db, "sup")  # reads students, not their guardians' contacts
    result = subprocess.run(
        [str(POLTERM), "--db", str(db), "export", "students", "--with-contacts", "--format", fmt],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2 and result.stdout == "", result.stdout
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "command",
    [
        ["export", "students", "-o", "{}"],
        ["export", "conferences", "-o", "{}"],
        ["export", "findings", "--as-of", "2025-10-15", "-o", "{}"],
        ["export", "ics", "--staff", "t1", "-o", "{}"],
    ],
)
def test_output_into_a_missing_folder_is_one_line_and_exit_2(as_it, command, tmp_path):
    target = tmp_path / "missing" / "out.csv"
    result = as_it(*[a.format(target) for a in command])
    assert result.code == 2 and result.out == "", result.err
    assert result.err.count("\n") == 1 and str(target) in result.err, result.err
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["check", "--student", "nobody"],
        ["check", "--school", "atlantis"],
        ["export", "students", "--school", "atlantis"],
        ["export", "conferences", "--school", "atlantis"],
        ["export", "findings", "--school", "atlantis", "--as-of", "2025-10-15"],
    ],
)
def test_an_unknown_id_in_a_filter_exits_2_instead_of_finding_nothing(as_it, command):
    result = as_it(*command)
    assert result.code == 2 and result.out == "", result.out
    assert ("nobody" in result.err or "atlantis" in result.err) and result.err.count("\n") == 1


def test_check_into_a_closed_pipe_exits_0_quietly(world_file, tmp_path):
    """`polterm check | head`: the reader stopping early is not an error."""
    db = tmp_path / "district.db"
    shutil.copy(world_file, db)
    become(db, "it1")
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line
    try:
        result = subprocess.run(
            [str(POLTERM), "--db", str(db), "check", "--as-of", "2025-10-15"],
            stdout=write, stderr=subprocess.PIPE, text=True, timeout=60,
        )  # fmt: skip
    finally:
        os.close(write)
    assert (result.returncode, result.stderr) == (0, "")


def test_output_past_the_memory_limit_still_arrives_whole(as_it, monkeypatch):
    args = ("check", "--as-of", "2025-10-15", "--format", "json")
    whole = as_it(*args).out
    monkeypatch.setattr("polterm.cli.stdout.IN_MEMORY", 100)  # held in a temporary file
    assert len(whole) > 100 and as_it(*args).out == whole
