"""Every cell of the role table in docs/deploy-ssh.md, run as that role: the table is read
from the document, so the document and the behaviour cannot drift apart."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from polterm.services import authz
from tests.conftest import Polterm, Run
from tests.security.conftest import NOTES, SAT_IN

DOC = Path(__file__).resolve().parents[2] / "docs" / "deploy-ssh.md"
HEADING = "### What each role can and cannot do"
# the staff member of the security district who plays each role
PLAYER = {"teacher": "t1", "principal": "p1", "designee": "d1", "office": "o1",
          "superintendent": "sup", "it": "it1"}  # fmt: skip


def role_table() -> tuple[list[str], dict[str, list[str]]]:
    """The table's role columns, and each row's cells, as the document has them."""
    lines = DOC.read_text(encoding="utf-8").split(HEADING, 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    table = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        table.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    header, _rule, *rows = table
    return header[1:], {row[0]: row[1:] for row in rows}


ROLES, ROWS = role_table()


class Probe:
    """One attempt, made as the staff member `staff` (the OS user) on a copy of the district."""

    def __init__(self, run: Polterm, staff: str, tmp: Path, mp: pytest.MonkeyPatch) -> None:
        self.run, self.staff, self.tmp, self.mp = run, staff, tmp, mp

    def __call__(self, *args: str) -> Run:
        return self.run(*args)

    def on_server(self, output_dir: bool = False) -> None:
        """A server configuration naming this district's database."""
        config = self.tmp / "polterm.toml"
        lines = [f'database = "{self.run.path}"']
        if output_dir:
            (self.tmp / "exports").mkdir()
            lines.append(f'output_dir = "{self.tmp / "exports"}"')
        config.write_text("\n".join(lines) + "\n")
        self.mp.setenv("POLTERM_SYSTEM_CONFIG", str(config))


def _shows_phone(p: Probe) -> bool:
    result = p("student", "show", "s1", "--format", "json")
    assert result.code == 0, result.err
    return result.json()["guardians"][0].get("phone") == "555-0101"


def _shows_notes(p: Probe) -> bool:
    result = p("conference", "show", "1", "--format", "json")
    assert result.code == 0, result.err
    return result.json().get("notes") == NOTES


def _own_calendar(p: Probe) -> Run:
    result = p("export", "ics", "--staff", p.staff, "-o", "-")
    if p.staff == "t1":
        assert f"conference-{SAT_IN}@" in result.out
    return result


def _other_database(p: Probe) -> Run:
    p.on_server()
    other = p.tmp / "other.db"
    return p("--db", str(other), "init", "--district", "Other", "--policy", "p1471")


def _write_outside(p: Probe) -> Run:
    p.on_server(output_dir=True)
    return p("export", "conferences", "-o", str(p.tmp / "conferences.csv"))


def _replace_demo(p: Probe) -> Run:
    """A demo district in which the player has their role, replaced by them."""
    p.mp.setattr("polterm.cli.demo.os_user", lambda: p.staff)
    demo = p.tmp / "demo.db"
    made = p("--db", str(demo), "demo", "--students", "1", "--no-tui")
    assert made.code == 0, made.err
    conn = sqlite3.connect(demo)
    with conn:
        conn.execute("UPDATE staff SET role = ? WHERE id = ?", [role_of(p.staff), p.staff])
    conn.close()
    return p("--db", str(demo), "demo", "--force", "--students", "1", "--no-tui")


def role_of(staff: str) -> str:
    return next(role for role, player in PLAYER.items() if player == staff)


PROBES: dict[str, Callable[[Probe], Run | bool]] = {
    "see a student they teach": lambda p: p("student", "show", "s1"),
    "see another teacher's student of their school": lambda p: p("student", "show", "s2"),
    "see a student of their school who has no teacher": lambda p: p("student", "show", "s4"),
    "see a student of another school": lambda p: p("student", "show", "s3"),
    "see guardians' phone and e-mail": _shows_phone,
    "read conference notes (problem, solutions, plan, support, notes)": _shows_notes,
    "write conference notes": lambda p: p("conference", "update", "1", "--notes", "Met"),
    "schedule and reschedule conferences": lambda p: p(
        "conference", "update", "1", "--at", "2025-09-11T16:00"
    ),
    "record parents' requests and contact attempts": lambda p: p(
        "request", "add", "--id", "r9", "--student", "s1", "--on", "2025-09-02", "--with", "teacher"
    ),
    "record escalations to the principal": lambda p: p(
        "escalation", "add", "--student", "s1", "--on", "2025-09-04"
    ),
    "add a student": lambda p: p(
        "student",
        "add",
        "--id",
        "s9",
        "--given",
        "New",
        "--family",
        "Kid",
        "--grade",
        "3",
        "--school",
        "oak",
    ),
    "read their school's involvement report": lambda p: p(
        "report", "involvement", "--school", "oak", "--year", "2025-2026", "--as-of", "2025-12-01"
    ),
    "submit their school's involvement report": lambda p: p(
        "report",
        "involvement",
        "--school",
        "oak",
        "--year",
        "2025-2026",
        "--as-of",
        "2025-12-01",
        "--submit",
        "--on",
        "2025-12-01",
    ),
    "read the audit log": lambda p: p("audit"),
    "list staff with their OS usernames": lambda p: p("staff", "list"),
    "export their own calendar, with conferences they sit in on": _own_calendar,
    "export another teacher's calendar": lambda p: p("export", "ics", "--staff", "t2", "-o", "-"),
    "add schools, staff, periods and school years": lambda p: p(
        "school", "add", "--id", "elm", "--name", "Elm", "--level", "elementary"
    ),
    "take a backup": lambda p: p("backup", str(p.tmp / "copy.db")),
    "act for someone else (`--as`)": lambda p: p("student", "list", "--as", "t2"),
    "open another database than the server's": _other_database,
    "write files outside the server's `output_dir`": _write_outside,
    "replace a demo district (`demo --force`)": _replace_demo,
}
CELLS = [(what, role, cells[i]) for what, cells in ROWS.items() for i, role in enumerate(ROLES)]


def test_the_table_has_a_column_for_every_role():
    assert list(PLAYER) == ROLES and set(ROLES) == {*authz.ALLOWED, "it"}


def test_every_row_is_tested_and_every_test_is_a_row():
    assert list(ROWS) == list(PROBES)
    assert all(cell in ("yes", "no") for cells in ROWS.values() for cell in cells)


@pytest.mark.parametrize(("what", "role", "cell"), CELLS)
def test_cell(roles, tmp_path, monkeypatch, what, role, cell):
    staff = PLAYER[role]
    monkeypatch.setattr("polterm.services.identity.os_user", lambda: staff)
    before = roles.dump()
    outcome = PROBES[what](Probe(roles, staff, tmp_path, monkeypatch))
    if isinstance(outcome, bool):
        assert outcome == (cell == "yes")
        return
    assert outcome.code == (0 if cell == "yes" else 2), outcome.err
    if cell == "no":
        assert outcome.out == "" and outcome.err.count("\n") == 1, outcome.err
        assert roles.dump() == before
