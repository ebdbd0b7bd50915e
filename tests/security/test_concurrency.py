"""Two people at once: stale saves refused with who and when, nobody double-booked."""

from __future__ import annotations

import os
import stat

import pytest
from sqlite_utils import Database

from polterm.errors import ConflictError
from polterm.services.session import Session
from polterm.storage import open_database
from tests.security.conftest import build_world, session_for


def book(db: Database, id: int, student: str, at: str, minutes: int = 30, **row) -> None:
    db["conference"].insert(
        {"id": id, "student_id": student, "kind": "parent-teacher", "at": at,
         "duration_minutes": minutes, **row}
    )  # fmt: skip


@pytest.fixture
def two(tmp_path) -> tuple[Session, Session]:
    """Two people with their own connection to one database file: p1 and t1."""
    path = tmp_path / "district.db"
    build_world(open_database(path))
    return session_for(open_database(path), "p1"), session_for(open_database(path), "t1")


def test_second_save_of_the_same_conference_is_refused_naming_who_and_when(two):
    principal, teacher = two
    version = principal.db["conference"].get(1)["version"]
    saved = principal.update("conference", 1, {"notes": "principal's"}, expected_version=version)
    with pytest.raises(ConflictError) as refused:
        teacher.update("conference", 1, {"notes": "teacher's"}, expected_version=version)
    message = refused.value.message
    assert f"changed by Staff p1 (p1) at {saved['updated_at']}, reload" in message
    assert teacher.db["conference"].get(1)["notes"] == "principal's"
    after = teacher.update("conference", 1, {"notes": "merged"}, expected_version=version + 1)
    assert after["version"] == version + 2


def test_a_student_cannot_be_in_two_overlapping_conferences(world):
    session = session_for(world, "it1")
    with pytest.raises(ConflictError, match="double-booked: the student"):
        session.insert("conference", {"student_id": "s1", "kind": "parent-teacher",
                                      "at": "2025-09-11T15:29"})  # fmt: skip
    assert world.execute("SELECT count(*) FROM conference").fetchone() == (5,)
    assert world.execute("SELECT count(*) FROM audit_log").fetchone() == (0,)


@pytest.mark.parametrize(
    ("at", "minutes", "clash"),
    [
        ("2025-10-01T09:00", 30, True),
        ("2025-10-01T08:45", 16, True),
        ("2025-10-01T09:29", 30, True),
        ("2025-10-01T08:00", 120, True),
        ("2025-10-01T09:30", 30, False),  # starts as the other ends
        ("2025-10-01T08:30", 30, False),  # ends as the other starts
        ("2025-10-02T09:00", 30, False),
    ],
)
def test_a_teacher_cannot_be_in_two_overlapping_conferences(world, at, minutes, clash):
    book(world, 10, "s1", "2025-10-01T09:00")
    world["conference_staff"].insert({"conference_id": 10, "staff_id": "p1"})
    book(world, 11, "s2", at, minutes)
    session = session_for(world, "it1")
    if clash:
        with pytest.raises(ConflictError, match="double-booked: a staff member"):
            session.insert("conference_staff", {"conference_id": 11, "staff_id": "p1"})
    else:
        session.insert("conference_staff", {"conference_id": 11, "staff_id": "p1"})


@pytest.mark.parametrize("first", ["2025-10-01T18:40", "2025-10-01T09:00", "2025-10-01T13:55"])
def test_back_to_back_conferences_of_one_student_are_not_a_clash(world, first):
    book(world, 10, "s1", first)
    end = world.execute("SELECT strftime('%Y-%m-%dT%H:%M', ?, '+30 minutes')", [first]).fetchone()[
        0
    ]
    session_for(world, "it1").insert(
        "conference", {"student_id": "s1", "kind": "parent-teacher", "at": end}
    )
    with pytest.raises(ConflictError, match="double-booked: the student"):
        session_for(world, "it1").insert(
            "conference", {"student_id": "s1", "kind": "parent-teacher", "at": first[:-1] + "9"}
        )


def test_an_older_database_gets_the_whole_minute_triggers(tmp_path):
    path = tmp_path / "old.db"
    db = open_database(path)
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm003_back_to_back_is_not_a_clash'")
    db.execute("DROP TRIGGER conference_no_double_booking_insert")
    db.execute(
        "CREATE TRIGGER conference_no_double_booking_insert BEFORE INSERT ON conference "
        "BEGIN SELECT RAISE(ABORT, 'old'); END"
    )
    db.conn.commit()
    reopened = open_database(path)
    sql = reopened.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'conference_no_double_booking_insert'"
    ).fetchone()[0]
    assert "strftime('%s', NEW.at)" in sql


def test_moving_a_conference_onto_a_busy_teacher_is_refused(world):
    session = session_for(world, "it1")
    world["conference_staff"].insert({"conference_id": 2, "staff_id": "t1"})  # t1 at 12th too
    with pytest.raises(ConflictError, match="double-booked: a staff member"):
        session.update("conference", 2, {"at": "2025-09-11T15:10"})
    assert world["conference"].get(2)["at"] == "2025-09-12T15:00"


def test_a_guardian_cannot_attend_two_overlapping_conferences(world):
    world["guardianship"].insert({"student_id": "s2", "guardian_id": "g1"})  # a sibling
    book(world, 10, "s1", "2025-10-01T09:00")
    book(world, 11, "s2", "2025-10-01T09:15")
    world["conference_attendee"].insert({"conference_id": 10, "name": "P1", "guardian_id": "g1"})
    session = session_for(world, "it1")
    with pytest.raises(ConflictError, match="double-booked: a guardian"):
        session.insert("conference_attendee",
                       {"conference_id": 11, "name": "P1", "guardian_id": "g1"})  # fmt: skip
    session.insert("conference_attendee", {"conference_id": 11, "name": "Aunt"})


def test_cancelled_conferences_free_the_slot_and_cannot_be_revived_onto_it(world):
    session = session_for(world, "it1")
    session.update("conference", 1, {"status": "cancelled"})
    session.insert("conference", {"id": 10, "student_id": "s1", "kind": "parent-teacher",
                                  "at": "2025-09-11T15:00"})  # fmt: skip
    with pytest.raises(ConflictError, match="double-booked"):
        session.update("conference", 1, {"status": "scheduled"})


def test_the_database_refuses_double_booking_without_polterm(two):
    conn = two[0].db.conn
    with pytest.raises(Exception, match="double-booked"):
        conn.execute("INSERT INTO conference (student_id, kind, at) VALUES ('s1', 'x', "
                     "'2025-09-11T15:00')")  # fmt: skip


@pytest.fixture
def loose_umask():
    """A umask that would make new files world-readable, as on many servers."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def private(path) -> bool:
    """Group-readable at most: no group write, nothing for others."""
    return stat.S_IMODE(path.stat().st_mode) & 0o027 == 0


def test_database_and_its_wal_files_are_not_world_readable(tmp_path, loose_umask):
    path = tmp_path / "district.db"
    db = open_database(path)
    build_world(db)
    for file in (path, tmp_path / "district.db-wal", tmp_path / "district.db-shm"):
        assert private(file), (file.name, oct(file.stat().st_mode))


def test_backups_are_not_world_readable(roles, tmp_path, monkeypatch, loose_umask):
    monkeypatch.setattr("polterm.services.identity.os_user", lambda: "it1")
    target = tmp_path / "backup.db"
    assert roles("backup", str(target)).code == 0
    assert private(target), oct(target.stat().st_mode)


def test_double_booking_on_the_command_line_is_one_line_and_changes_nothing(roles, monkeypatch):
    monkeypatch.setattr("polterm.services.identity.os_user", lambda: "it1")
    before = roles.dump()
    result = roles("conference", "add", "--student", "s2", "--kind", "parent-teacher",
                   "--at", "2025-09-11T15:15", "--staff", "t1")  # fmt: skip
    assert result.code == 2 and result.out == ""
    assert (
        result.err == "Error: double-booked: a staff member already has a conference at that time\n"
    )
    assert roles.dump() == before
