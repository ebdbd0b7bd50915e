"""`backup` never writes onto the live database or the files SQLite keeps beside it, under
any name: a backup onto the -wal file corrupted the database."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import Polterm

SUFFIXES = ("", "-wal", "-shm", "-journal")


def integrity(path: Path) -> tuple[str, int]:
    conn = sqlite3.connect(path)
    try:
        return (
            conn.execute("PRAGMA integrity_check").fetchone()[0],
            conn.execute("SELECT count(*) FROM student").fetchone()[0],
        )
    finally:
        conn.close()


def refused(as_it: Polterm, target: Path | str) -> None:
    before = as_it.dump()
    result = as_it("backup", str(target))
    assert result.code == 2 and result.out == "", result.err
    assert result.err.count("\n") == 1 and "-wal, -shm, -journal" in result.err, result.err
    assert as_it.dump() == before and integrity(as_it.path) == ("ok", 4)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_backup_refuses_the_database_and_its_companions(as_it, suffix):
    refused(as_it, f"{as_it.path}{suffix}")


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_backup_refuses_them_through_dot_dot(as_it, suffix, tmp_path):
    (tmp_path / "sub").mkdir()
    refused(as_it, tmp_path / "sub" / ".." / f"{as_it.path.name}{suffix}")


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_backup_refuses_a_symlink_to_them(as_it, suffix, tmp_path):
    link = tmp_path / f"innocent{suffix or '.db'}"
    link.symlink_to(f"{as_it.path}{suffix}")
    refused(as_it, link)


def test_backup_refuses_another_hard_link_to_the_database(as_it, tmp_path):
    link = tmp_path / "copy.db"
    os.link(as_it.path, link)
    refused(as_it, link)


def test_backup_refuses_the_companions_of_a_database_opened_through_a_symlink(as_it, tmp_path):
    alias = tmp_path / "alias.db"
    alias.symlink_to(as_it.path)
    as_it.path = alias
    refused(as_it, f"{as_it.path.resolve()}-wal")


def test_backup_beside_the_database_still_works(as_it, tmp_path):
    result = as_it("backup", str(tmp_path / "district.db-backup"))
    assert result.code == 0, result.err
    assert integrity(tmp_path / "district.db-backup") == ("ok", 4)
