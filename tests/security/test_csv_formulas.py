"""CSV exports a spreadsheet opens: a cell that would run as a formula is shown as text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.security import hostile
from tests.security.hostile import FORMULA, polterm

# the hostile district's fixtures, used here by name
hostile_db = hostile.hostile_db


def exported(db: Path, *args: str) -> dict[str, dict[str, str]]:
    run = polterm(db, "export", "students", *args)
    assert run.code == 0, run.err
    return {row["id"]: row for row in csv.DictReader(io.StringIO(run.out))}


def test_a_formula_gets_a_leading_apostrophe(hostile_db: Path) -> None:
    rows = exported(hostile_db)
    assert rows["h2"]["given"] == "'" + FORMULA
    assert rows["h2"]["guardians"].startswith("'=HYPERLINK(")
    assert rows["s1"]["given"] == "Kid1"  # an ordinary cell is left alone


def test_raw_gives_the_cells_as_stored(hostile_db: Path) -> None:
    assert exported(hostile_db, "--raw")["h2"]["given"] == FORMULA


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_defused(start: str) -> None:
    from polterm.display import spreadsheet_cell

    assert spreadsheet_cell(f"{start}1+1") == f"'{start}1+1"
    assert spreadsheet_cell(7) == 7


@pytest.mark.parametrize(
    "command", [("export", "students"), ("export", "conferences"), ("export", "findings"),
                ("check",)], ids=" ".join,
)  # fmt: skip
def test_help_says_so(hostile_db: Path, command: tuple[str, ...]) -> None:
    text = " ".join(polterm(hostile_db, *command, "--help").out.split())
    assert "leading '" in text and "--raw" in text
