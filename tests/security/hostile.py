"""A hostile district: the security tests' roles over text, numbers and dates made to hurt.

The hostile rows are written straight into the tables, as an older polterm or another tool may
have stored them; what the tests check is that no face passes them on.
"""

from __future__ import annotations

import os
import pwd
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlite_utils import Database

from polterm.engine import policy_migrations
from polterm.storage import open_database
from tests.security.conftest import build_world, registry

ESC_TITLE = "\x1b]0;pwned\x07"  # retitles the terminal
ESC_REPORT = "\x1b[5n"  # makes the terminal type its status report
C1_CSI = "\x9b31m"  # the one-byte CSI some terminals obey
MARKUP = "[bold]x[/]"
FORMULA = '=HYPERLINK("http://evil.example","click")'
LONG = "L" * 10_000
HUGE_ID = str(2**63)
# strings that must never reach a terminal
RAW_CONTROLS = ("\x1b", "\x07", "\x9b")

# hostile people: a student per school, names carrying the attacks
HOSTILE_STUDENTS = {
    "h1": ("oak", "t1", f"Esc{ESC_TITLE}{ESC_REPORT}", f"Mark{MARKUP}"),
    "h2": ("oak", "t1", FORMULA, f"Csi{C1_CSI}"),
    "h3": ("pine", "tp", LONG, "Long"),
}


def os_username() -> str:
    """The OS user running the tests, made IT staff so that `--as` works in a subprocess."""
    return pwd.getpwuid(os.getuid()).pw_name


def build_hostile(db: Database) -> None:
    """The security tests' world plus hostile students, guardians and a conference."""
    build_world(db)
    if db.execute("SELECT 1 FROM staff WHERE username = ?", [os_username()]).fetchone() is None:
        db["staff"].insert(
            {"id": "osit", "name": "Os It", "role": "it", "school_id": None,
             "username": os_username()}
        )  # fmt: skip
    for n, (sid, (school, teacher, given, family)) in enumerate(HOSTILE_STUDENTS.items(), 10):
        db["student"].insert(
            {"id": sid, "given": given, "family": family, "grade": "3", "school_id": school,
             "teacher_id": teacher}
        )  # fmt: skip
        db["guardian"].insert({"id": f"hg{n}", "name": f"{FORMULA}{ESC_REPORT}"})
        db["guardianship"].insert({"student_id": sid, "guardian_id": f"hg{n}"})
        db["conference"].insert(
            {"id": n, "student_id": sid, "kind": "parent-teacher", "at": f"2025-10-1{n - 9}T09:00",
             "problem": f"Problem{ESC_TITLE}", "notes": f"Notes{MARKUP}"}
        )  # fmt: skip
        db["conference_staff"].insert({"conference_id": n, "staff_id": teacher})


def hostile_file(path: Path) -> Path:
    """The hostile district as a database file."""
    db = open_database(path, policy_migrations(registry(), registry().policies))
    build_hostile(db)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile district, built once per test module: for commands that change nothing."""
    return hostile_file(tmp_path_factory.mktemp("hostile") / "district.db")


@pytest.fixture
def db(hostile_db: Path, tmp_path: Path) -> Path:
    """A copy of the hostile district of the test's own, for commands that may write."""
    path = tmp_path / "district.db"
    shutil.copy(hostile_db, path)
    return path


def state_of(path: Path) -> tuple[dict[str, int], str]:
    """Every table's row count and integrity_check: equal before and after a refused command."""
    conn = sqlite3.connect(path)
    try:
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        counts = {t: conn.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in tables}
        (check,) = conn.execute("PRAGMA integrity_check").fetchone()
        return counts, check
    finally:
        conn.close()


@dataclass
class Ran:
    """One `polterm` run in its own process."""

    code: int
    out: str
    err: str

    def clean(self) -> bool:
        """No traceback, and not one control character a terminal would obey."""
        text = self.out + self.err
        return "Traceback" not in text and not any(c in text for c in RAW_CONTROLS)


def polterm(path: Path, *args: str, **kw: object) -> Ran:
    """`polterm --db PATH ARGS...` in a subprocess, as the test's OS user (IT staff)."""
    exe = Path(sys.executable).with_name("polterm")
    env = {k: v for k, v in os.environ.items() if k != "POLTERM_DB"}
    done = subprocess.run(
        [str(exe), "--db", str(path), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        **kw,  # type: ignore[call-overload]
    )
    return Ran(done.returncode, done.stdout, done.stderr)
