"""A small, fixed district on a temporary file (workers read it from their own threads)."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

import polterm_clinton_6310
import polterm_p1471
from polterm.services.session import Actor, Session
from polterm.storage import open_database
from polterm.testing import District
from polterm.ui.app import PoltermApp

TODAY = date(2025, 10, 15)


def build_district(path: Path) -> Path:
    """Two schools, a teacher, five students with guardians, one open request and a meeting."""
    d = District(policies=["p1471"], plugins=[polterm_p1471])
    north = d.school("north", name="North Elementary")
    d.school("south", level="high", name="South High")
    d.staff(id="t1", school=north, name="Terry Teach", username="terry")
    d.staff(id="it1", role="it", name="Ira Admin", username="ira")
    names = [("Ada", "Lovelace"), ("Alan", "Turing"), ("Grace", "Hopper"), ("Edsger", "Dijkstra")]
    for i, (given, family) in enumerate(names, start=1):
        s = d.student(id=f"S{i}", school=north, teacher="t1", given=given, family=family)
        d.guardian(
            s,
            id=f"G{i}",
            name=f"Parent {family}",
            language="es" if i == 1 else "en",
            interpreter=i == 1,
        )
    d.student(id="S5", school="south", grade="10", given="Barbara", family="Liskov")
    d.emergency_contact("S1", requested_on="2025-09-01")
    d.add(
        "parent_request",
        id="R1",
        student_id="S1",
        requested_on="2025-10-01",
        with_whom="teacher",
        topic="reading",
    )
    d.conference(
        "S2",
        "parent-principal",
        "2025-10-15T16:00",
        status="scheduled",
        staff=["t1"],
        initiated_by="parent",
    )
    return saved(d, path)


def saved(d: District, path: Path) -> Path:
    """The district written to a file, which the app's workers open on their own."""
    target = sqlite3.connect(path)
    d.db.conn.backup(target)
    target.close()
    return path


def build_remote_district(path: Path) -> Path:
    """Clinton 6310 and P1471 during remote learning: S1's parent was not reached three times
    (the teacher must report it), S2's was reported to the principal (who must call the
    emergency contact); a principal and a designee to report to; S1 has a meeting to conduct."""
    d = District(policies=["clinton_6310", "p1471"], plugins=[polterm_clinton_6310, polterm_p1471])
    north = d.school("north", name="North Elementary")
    d.staff(id="t1", school=north, name="Terry Teach")
    d.staff(id="p1", role="principal", school=north, name="Pam Principal")
    d.staff(id="d1", role="designee", school=north, name="Dee Designee")
    d.staff(id="it1", role="it", name="Ira Admin", username="ira")
    d.add("remote_period", start="2025-09-01")
    for n, family in ((1, "Lovelace"), (2, "Turing")):
        s = d.student(id=f"S{n}", school=north, teacher="t1", given="Sam", family=family)
        d.guardian(s, id=f"G{n}", name=f"Parent {family}")
        d.emergency_contact(s)
        for day in ("2025-09-23", "2025-09-25", "2025-09-30"):
            d.add(
                "contact_attempt",
                student_id=s,
                made_on=day,
                method="phone",
                outcome="no-answer",
                purpose="remote-learning-conference",
            )
    d.add("escalation", student_id="S2", made_on="2025-10-01", to_staff_id="p1")
    d.conference(
        "S1",
        "parent-principal",
        "2025-10-20T15:00",
        status="scheduled",
        staff=["p1"],
        initiated_by="parent",
    )
    return saved(d, path)


IT = Actor("it1", "Ira Admin", "it", None, "ira")


@pytest.fixture
def session(tmp_path: Path) -> Session:
    db = open_database(build_district(tmp_path / "ui.db"), [polterm_p1471.polterm_migrations()])
    return Session(db, IT, District(plugins=[polterm_p1471]).registry())


@pytest.fixture
def app(session: Session) -> PoltermApp:
    return PoltermApp(session, today=TODAY)


@pytest.fixture
def remote_app(tmp_path: Path) -> PoltermApp:
    """The app on the remote-learning district (both policies), as the IT administrator."""
    plugins = [polterm_clinton_6310, polterm_p1471]
    migrations = [p.polterm_migrations() for p in plugins]
    db = open_database(build_remote_district(tmp_path / "remote.db"), migrations)
    return PoltermApp(Session(db, IT, District(plugins=plugins).registry()), today=TODAY)
