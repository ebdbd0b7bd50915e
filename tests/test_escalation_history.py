"""Which escalations each welfare check answers, as the student page and the form say it."""

from __future__ import annotations

import pytest

from polterm.services.records import escalation_history, escalations_answered
from polterm.services.session import Actor, Session
from polterm.testing import District


@pytest.fixture
def session() -> Session:
    d = District()
    d.school("oak")
    d.staff(id="p1", role="principal", school="oak", name="Pam Principal")
    d.student(id="s1", school="oak")
    for day in ("2025-09-10", "2025-09-15", "2025-10-01"):
        d.add("escalation", student_id="s1", made_on=day, to_staff_id="p1")
    for day in ("2025-09-20", "2025-10-01", "2025-10-05"):
        d.add("welfare_check", student_id="s1", made_on=day, outcome="well")
    return Session(d.db, Actor("p1", "Pam Principal", "principal", "oak", "pam"), d.registry())


def test_each_check_answers_the_escalations_no_earlier_check_answered(session: Session) -> None:
    escalations, checks = escalation_history(session, "s1")
    assert [(c["made_on"], c["answers"]) for c in checks] == [
        ("2025-09-20", ["2025-09-10", "2025-09-15"]),
        ("2025-10-01", ["2025-10-01"]),  # its own day
        ("2025-10-05", []),
    ]
    assert [(e["made_on"], e["answered_on"], e["to_name"]) for e in escalations] == [
        ("2025-09-10", "2025-09-20", "Pam Principal"),
        ("2025-09-15", "2025-09-20", "Pam Principal"),
        ("2025-10-01", "2025-10-01", "Pam Principal"),
    ]


def test_a_new_check_answers_what_is_open_on_its_day(session: Session) -> None:
    def days(on: str) -> list[str]:
        return [e["made_on"] for e in escalations_answered(session, "s1", on)]

    assert days("2025-09-12") == ["2025-09-10"]  # before the checks recorded
    assert days("2025-09-30") == []  # the check of 2025-09-20 answered both
    assert days("2025-10-01") == []  # so did the one of its own day
