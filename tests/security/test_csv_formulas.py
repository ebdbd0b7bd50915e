"""CSV exports a spreadsheet opens: a cell that would run as a formula is shown as text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.security.hostile import FORMULA, hostile_file, polterm


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_file(tmp_path_factory.mktemp("hostile") / "district.db")


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


@pytest.mark.parametrize("table", ["students", "conferences", "findings"])
def test_help_says_so(hostile_db: Path, table: str) -> None:
    text = " ".join(polterm(hostile_db, "export", table, "--help").out.split())
    assert "leading '" in text and "--raw" in text
