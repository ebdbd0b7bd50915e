"""The command line, in subprocesses as each role, over the hostile district: control characters
are refused on the way in (the importer with file:line) and written out on the way to a
terminal; a refused command leaves row counts and integrity_check as they were."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.io.roster import write_set
from tests.security import hostile
from tests.security.conftest import STAFF
from tests.security.hostile import ESC_REPORT, ESC_TITLE, polterm, state_of

# the hostile district's fixtures, used here by name
hostile_db = hostile.hostile_db
db = hostile.db


REFUSED = [
    ("student", "add", "--id", "x1", "--given", f"A{ESC_TITLE}", "--family", "B", "--grade", "3",
     "--school", "oak", "--teacher", "t1"),
    ("student", "add", "--id", f"x{ESC_REPORT}", "--given", "A", "--family", "B", "--grade", "3",
     "--school", "oak"),
    ("guardian", "add", "--id", "gx", "--student", "s1", "--name", "Pa\x9b31m"),
    ("conference", "update", "1", "--problem", f"bad{ESC_REPORT}"),
    ("request", "add", "--id", "rx", "--student", "s1", "--on", "2025-10-01", "--with",
     "teacher", "--topic", f"t{ESC_TITLE}"),
]  # fmt: skip


@pytest.mark.parametrize("args", REFUSED, ids=lambda a: " ".join(a[:2]))
def test_control_characters_are_refused_with_one_clean_line(db: Path, args: tuple[str]) -> None:
    before = state_of(db)
    run = polterm(db, *args)
    assert run.code == 2 and run.out == ""
    assert run.err.count("\n") == 1 and "control character" in run.err
    assert run.clean(), run.err
    assert state_of(db) == before


def test_the_refusal_never_repeats_a_guardians_contact_details(db: Path) -> None:
    run = polterm(db, "guardian", "add", "--id", "gy", "--student", "s1", "--name", "Pat",
                  "--email", f"pat{ESC_REPORT}@example.org", "--phone", "555-0199")  # fmt: skip
    assert run.code == 2 and "guardian email holds the control character U+001B" in run.err
    assert "example.org" not in run.err and "555" not in run.err


def test_a_short_bad_value_is_named_with_its_controls_written_out(db: Path) -> None:
    run = polterm(db, "school", "add", "--id", "x", "--name", f"Oak{ESC_REPORT}", "--level",
                  "elementary")  # fmt: skip
    assert run.err == (
        "Error: school name 'Oak\\x1b[5n' holds the control character U+001B at position 4;"
        " only printable text is allowed\n"
    )


@pytest.mark.parametrize("staff", STAFF)
def test_every_role_is_refused_alike(db: Path, staff: str) -> None:
    """Whether the role may write the notes or not, the answer is one clean line, no change."""
    before = state_of(db)
    run = polterm(db, "--as", staff, "conference", "update", "1", "--plan", f"x{ESC_TITLE}")
    assert run.code == 2 and run.out == "" and run.err.count("\n") == 1 and run.clean()
    assert state_of(db) == before


def test_notes_may_hold_tab_and_newline(db: Path) -> None:
    run = polterm(db, "conference", "update", "1", "--problem", "line one\n\tline two")
    assert run.code == 0, run.err


# what each role is shown differs in the lists and a conference; the rest, once as IT
AS_EACH = [(s, a) for s in STAFF for a in (("student", "list"), ("conference", "show", "10"))]
AS_IT = [("osit", a) for a in (("student", "show", "h1"), ("student", "list", "--format", "json"),
                               ("audit",), ("check",), ("check", "--format", "csv"))]  # fmt: skip


@pytest.mark.parametrize(
    ("staff", "args"), AS_EACH + AS_IT, ids=lambda v: v if isinstance(v, str) else " ".join(v)
)
def test_stored_control_characters_never_reach_the_terminal(
    hostile_db: Path, staff: str, args: tuple[str, ...]
) -> None:
    run = polterm(hostile_db, "--as", staff, *args)
    assert run.clean(), (run.out + run.err)[:300]
    assert run.code in (0, 2)


def test_the_table_writes_them_out_visibly(hostile_db: Path) -> None:
    out = polterm(hostile_db, "student", "show", "h1").out
    assert "\\x1b]0;pwned\\x07" in out


def test_csv_written_to_a_terminal_shows_them_escaped(hostile_db: Path) -> None:
    """Through a pseudo-terminal: the CSV reaches a person's screen, not a file."""
    leader, follower = pty.openpty()
    exe = Path(sys.executable).with_name("polterm")
    env = {k: v for k, v in os.environ.items() if k != "POLTERM_DB"}
    proc = subprocess.Popen(
        [str(exe), "--db", str(hostile_db), "export", "students"],
        stdout=follower, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert proc.wait(timeout=60) == 0
    os.close(leader)
    text = b"".join(chunks).decode()
    assert "\x1b" not in text and "\\x1b]0;pwned" in text


def test_an_import_with_a_control_character_names_file_and_line(db: Path, tmp_path: Path) -> None:
    roster = write_set(tmp_path / "r", students=3)
    users = roster / "users.csv"
    lines = users.read_text().splitlines(keepends=True)
    lines[3] = lines[3].replace("Fenwick", f"Fen{ESC_TITLE}wick", 1)
    assert ESC_TITLE in lines[3]
    users.write_text("".join(lines))
    before = state_of(db)
    run = polterm(db, "import", "oneroster", str(roster))
    assert run.code == 2 and run.err.startswith("Error: users.csv:4: familyName ")
    assert "control character U+001B" in run.err and run.clean()
    assert state_of(db) == before
