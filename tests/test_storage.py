"""The database file: refusing a newer schema untouched, consistent backups while others
write, and an `init` that fails leaving no file behind."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
import textwrap

import pytest

WRITER = textwrap.dedent(
    """
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 10000")
    batch = 0
    while True:
        conn.execute("BEGIN IMMEDIATE")
        for _ in range(20):
            conn.execute(
                "INSERT INTO involvement_activity (school_id, held_on, kind, note) "
                "VALUES ('oak', '2025-10-01', 'other', 'written during the backup')"
            )
        conn.execute("COMMIT")
        batch += 1
        print(batch, flush=True)
    """
)


def _close_wal(path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def test_a_database_from_a_newer_polterm_is_refused_and_left_untouched(district):
    conn = sqlite3.connect(district.path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('polterm', 'm999_from_the_future', '2031-01-01')"
    )
    conn.commit()
    conn.close()
    _close_wal(district.path)
    before_bytes, before_rows = district.path.read_bytes(), district.dump()
    for args in (
        ["school", "list"],
        ["school", "add", "--id", "e", "--name", "E", "--level", "high"],
    ):
        result = district(*args)
        assert result.code == 2
        assert "newer polterm" in result.err and "m999_from_the_future" in result.err
        assert result.err.count("\n") == 1
    assert district.path.read_bytes() == before_bytes
    assert district.dump() == before_rows


def test_backup_is_a_consistent_copy_while_another_process_writes(district, tmp_path):
    target = tmp_path / "copy.db"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(district.path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout.readline().strip() == "1"  # the writer is committing
        result = district("backup", str(target), "--format", "json")
        assert writer.stdout.readline()  # ... and still is after the backup
    finally:
        writer.kill()
        writer.wait()
    assert result.code == 0, result.err
    assert result.json()["backup"] == str(target)
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        (rows,) = copy.execute("SELECT count(*) FROM involvement_activity").fetchone()
        assert rows > 0 and rows % 20 == 0  # whole transactions only
        assert copy.execute("SELECT count(*) FROM student").fetchone() == (2,)
    finally:
        copy.close()
    assert stat.S_IMODE(target.stat().st_mode) & 0o137 == 0  # 0640 or stricter


def test_backup_replaces_an_old_copy_and_leaves_no_partial_file(district, tmp_path):
    target = tmp_path / "copy.db"
    target.write_text("last week's copy")
    assert district("backup", str(target)).code == 0
    assert target.read_bytes().startswith(b"SQLite format 3")
    others = [p.name for p in tmp_path.iterdir() if not p.name.startswith("district.db")]
    assert others == ["copy.db"]


def test_backup_onto_the_database_itself_is_refused(district):
    before = district.dump()
    result = district("backup", str(district.path))
    assert result.code == 2 and "the database itself" in result.err
    assert district.dump() == before


def test_backup_into_a_missing_directory_exits_2(district, tmp_path):
    result = district("backup", str(tmp_path / "nowhere" / "copy.db"))
    assert result.code == 2 and "nowhere" in result.err
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (["--policy", "no_such_policy"], "'no_such_policy'"),
        (["--policy", "p1471", "--year", "2025-2026:2025-08-27"], "'2025-2026:2025-08-27'"),
        (["--policy", "p1471", "--year", "2025-2026:2026-08-27:2026-06-12"], "ends before"),
    ],
)
def test_a_failed_init_leaves_no_database_file(fresh, options, named):
    result = fresh("init", "--district", "Nowhere", *options)
    assert result.code == 2 and named in result.err
    assert list(fresh.path.parent.iterdir()) == []


def test_init_creates_a_private_file(fresh):
    assert fresh("init", "--district", "Testville", "--policy", "p1471").code == 0
    assert stat.S_IMODE(fresh.path.stat().st_mode) & 0o137 == 0


def test_init_on_an_existing_district_changes_nothing(district):
    before = district.dump()
    result = district("init", "--district", "Again", "--policy", "p1471")
    assert result.code == 2 and "already has a district" in result.err
    assert district.path.exists() and district.dump() == before
