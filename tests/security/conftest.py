"""A two-school district with one staff member of every role, for the security tests."""

from __future__ import annotations

import functools
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlite_utils import Database

from polterm.engine import policy_migrations
from polterm.plugins import Registry, build_registry
from polterm.services.identity import resolve_actor
from polterm.services.session import Session
from polterm.storage import open_database

if TYPE_CHECKING:
    from tests.conftest import Polterm

# staff id -> (role, school, username); every id is also the OS username in these tests
STAFF = {
    "t1": ("teacher", "oak"),
    "t2": ("teacher", "oak"),
    "tp": ("teacher", "pine"),
    "p1": ("principal", "oak"),
    "d1": ("designee", "oak"),
    "o1": ("office", "oak"),
    "sup": ("superintendent", None),
    "it1": ("it", None),
}
# student id -> (school, teacher); s4 has no teacher, which must not put them in every
# teacher's reach
STUDENTS = {"s1": ("oak", "t1"), "s2": ("oak", "t2"), "s3": ("pine", "tp"), "s4": ("oak", None)}
NOTES = "Reading plan agreed"
# a conference about t2's student s2 that t1 sits in on: it is on t1's calendar, yet s2 stays
# out of t1's reach
SAT_IN = 5


def build_world(db: Database) -> None:
    """Rows straight into the tables: the setting for tests, not what they test."""
    db["district"].insert({"id": 1, "name": "Testville", "created_at": "2025-01-01"})
    db["district_policy"].insert({"policy": "p1471", "position": 0})
    db["school_year"].insert({"name": "2025-2026", "start": "2025-08-27", "end": "2026-06-12"})
    for school in ("oak", "pine"):
        db["school"].insert({"id": school, "name": school.title(), "level": "elementary"})
    for sid, (role, school) in STAFF.items():
        db["staff"].insert(
            {"id": sid, "name": f"Staff {sid}", "role": role, "school_id": school, "username": sid}
        )
    for n, (sid, (school, teacher)) in enumerate(STUDENTS.items(), 1):
        db["student"].insert(
            {"id": sid, "given": f"Kid{n}", "family": f"Fam{n}", "grade": "3",
             "school_id": school, "teacher_id": teacher}
        )  # fmt: skip
        db["guardian"].insert(
            {"id": f"g{n}", "name": f"Parent{n}", "phone": f"555-010{n}",
             "email": f"parent{n}@example.org"}
        )  # fmt: skip
        db["guardianship"].insert({"student_id": sid, "guardian_id": f"g{n}"})
        db["conference"].insert(
            {"id": n, "student_id": sid, "kind": "parent-teacher", "at": f"2025-09-1{n}T15:00",
             "problem": "Reading", "plan": NOTES, "notes": NOTES}
        )  # fmt: skip
        if teacher is not None:
            db["conference_staff"].insert({"conference_id": n, "staff_id": teacher})
        db["parent_request"].insert(  # never arranged: a p1471 finding about each student
            {"id": f"req{n}", "student_id": sid, "requested_on": "2025-09-01",
             "with_whom": "teacher"}
        )  # fmt: skip
    db["conference"].insert(
        {"id": SAT_IN, "student_id": "s2", "kind": "parent-teacher", "at": "2025-10-20T15:00",
         "problem": "Maths", "plan": NOTES, "notes": NOTES}
    )  # fmt: skip
    db["conference_staff"].insert_all(
        [{"conference_id": SAT_IN, "staff_id": "t2"}, {"conference_id": SAT_IN, "staff_id": "t1"}]
    )


@pytest.fixture
def world() -> Database:
    """The district in memory, for service-level tests."""
    db = open_database(None)
    build_world(db)
    return db


@functools.cache
def registry() -> Registry:
    """The installed plugins, loaded once for these tests."""
    return build_registry()


def session_for(db: Database, staff_id: str) -> Session:
    """The session of the OS user named like the staff member."""
    return Session(db, resolve_actor(db, user=staff_id), registry())


@pytest.fixture(scope="session")
def world_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same district as a file, built once; tests copy it."""
    path = tmp_path_factory.mktemp("world") / "district.db"
    db = open_database(path, policy_migrations(registry(), registry().policies))
    build_world(db)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


@pytest.fixture
def roles(fresh: Polterm, world_file: Path) -> Polterm:
    """A CLI runner on a fresh copy of the district file."""
    src, dst = sqlite3.connect(world_file), sqlite3.connect(fresh.path)
    src.backup(dst)
    src.close()
    dst.close()
    return fresh


@pytest.fixture
def as_it(roles: Polterm, monkeypatch: pytest.MonkeyPatch) -> Polterm:
    """Commands run by the IT OS user `it1`, who may act for anyone with --as."""
    monkeypatch.setattr("polterm.services.identity.os_user", lambda: "it1")
    return roles
