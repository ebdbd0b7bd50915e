"""A small, fixed district on a temporary file (workers read it from their own threads)."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

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
    target = sqlite3.connect(path)
    d.db.conn.backup(target)
    target.close()
    return path


@pytest.fixture
def session(tmp_path: Path) -> Session:
    db = open_database(build_district(tmp_path / "ui.db"), [polterm_p1471.polterm_migrations()])
    pm_district = District(plugins=[polterm_p1471])
    return Session(db, Actor("it1", "Ira Admin", "it", None, "ira"), pm_district.registry())


@pytest.fixture
def app(session: Session) -> PoltermApp:
    return PoltermApp(session, today=TODAY)
