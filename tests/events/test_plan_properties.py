"""Every plan `event plan` writes keeps every hard constraint, checked by an independent reader
of the written conferences; re-planning keeps bookings; a hand booking that cannot be kept
makes the plan infeasible, named."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polterm.errors import PoltermError
from polterm.policy import Attendee, ConferenceDraft
from polterm.services import events, sections
from polterm.services.conferences import schedule_conference
from polterm.services.district import init_district
from polterm.services.event_plan import plan_event
from polterm.services.people import add_guardian, add_staff, add_student
from polterm.services.schools import add_school
from polterm.services.session import Session
from polterm.storage import open_database
from tests.events.checker import violations

DAY1, DAY2 = "2026-11-10", "2026-11-11"


def district(registry, path: Path | None = None) -> Session:
    """Oak (elementary, teachers t0, t1) and Elm (middle, teachers m0..m2), nobody enrolled;
    in memory unless a file is given."""
    db = open_database(path)
    first = init_district(
        db, "Testville", ["clinton_6310", "p1471"], ["2026-2027:2026-08-27:2027-06-12"],
        set(registry.policies), "it1",
    )  # fmt: skip
    session = Session(db, first.actor, registry)
    add_school(session, "oak", "Oak Elementary", "elementary")
    add_school(session, "elm", "Elm Middle", "middle")
    for t in ("t0", "t1"):
        add_staff(session, t, f"Teacher {t}", "teacher", "oak")
    for m in ("m0", "m1", "m2"):
        add_staff(session, m, f"Teacher {m}", "teacher", "elm")
        sections.add_section(session, f"sec-{m}", "elm", f"Class {m}", [m])
    return session


students = st.lists(
    st.tuples(
        st.sampled_from(["oak", "elm"]),
        st.integers(0, 3),  # household
        st.booleans(),  # a second, separate household too
        st.sets(st.integers(0, 2), min_size=1),  # teachers (oak: first one only)
        st.booleans(),  # double-length requested
    ),
    min_size=1,
    max_size=7,
)
rules = st.fixed_dictionaries(
    {
        "two_days": st.booleans(),
        "break": st.booleans(),
        "gap": st.sampled_from([0, 10]),
        "cap": st.sampled_from([None, 2]),
        "any_day": st.booleans(),
        "travel": st.sampled_from([0, 15]),
        "consecutive": st.sampled_from([None, 2]),
        "per_family": st.sampled_from([None, 2]),
        "interpreter": st.sampled_from([None, "17:00", "18:00"]),
        "ill": st.booleans(),
        "busy_teacher": st.booleans(),
    }
)

# one day, no break, gap, cap, limits, interpreter or other conferences
PLAIN = {
    "two_days": False, "break": False, "gap": 0, "cap": None, "any_day": False, "travel": 0,
    "consecutive": None, "per_family": None, "interpreter": None, "ill": False,
    "busy_teacher": False,
}  # fmt: skip


def build(session: Session, kids, rule) -> None:
    """The generated students, families and event."""
    for n, (school, home, split, teachers, _) in enumerate(kids):
        teacher = f"t{min(teachers) % 2}" if school == "oak" else None
        add_student(session, f"s{n}", f"Kid{n}", "Test", "3" if school == "oak" else "7",
                    school, teacher)  # fmt: skip
        if school == "elm":
            for t in sorted(teachers):
                sections.enroll(session, f"sec-m{t}", f"s{n}")
        for h in [home, 4 + n] if split else [home]:
            gid = f"g{h}-{n}"
            add_guardian(session, gid, [f"s{n}"], f"Parent {h}", language="es" if h == 0 else "en",
                         interpreter=h == 0, household=f"H{h}")  # fmt: skip
    days = [f"{DAY1}:16:00-18:00"] + ([f"{DAY2}:16:00-17:00"] if rule["two_days"] else [])
    events.add_event(
        session, "fall", "Fall", "flexible", [], days,
        ["16:40-17:00"] if rule["break"] else [],
        settings=events.Settings(
            teacher_cap=rule["cap"], max_consecutive=rule["consecutive"],
            family_gap_minutes=rule["gap"], max_per_family=rule["per_family"],
            one_day=not rule["any_day"], travel_minutes=rule["travel"],
        ),
    )  # fmt: skip
    for n, (*_, double) in enumerate(kids):
        if double:
            events.add_request(session, "fall", f"s{n}", double=True)
    if rule["interpreter"]:
        events.add_interpreter(session, "i1", "Ida Interpreter", "es")
        events.interpreter_available(session, "i1", "fall", DAY1, "16:00", rule["interpreter"])
    if rule["busy_teacher"]:  # an ordinary conference of m0's during the event
        add_student(session, "x", "Other", "Kid", "7", "elm")
        schedule_conference(
            session,
            ConferenceDraft("x", "parent-teacher", f"{DAY1}T16:00", staff_ids=("m0",),
                            attendees=(Attendee("Someone"),)),
            duration_minutes=30,
        )  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kids=students, rule=rules)
def test_every_written_plan_keeps_every_hard_constraint(installed_registry, kids, rule):
    session = district(installed_registry)
    build(session, kids, rule)
    first = plan_event(session, "fall", time_limit=2, seed=3)
    assert violations(session.db.conn, "fall") == []
    assert first.outcome.quality.total_placed >= first.outcome.baseline.total_placed
    if rule["ill"]:  # m0 falls ill for the first hour: re-planning moves only what it must
        events.add_unavailable(session, "fall", "m0", DAY1, "16:00", "17:00")
    again = plan_event(session, "fall", time_limit=2, seed=3)
    assert violations(session.db.conn, "fall") == []
    moved = {c["conference"] for c in again.to_call}
    if not rule["ill"]:
        assert moved == set()
    kept = session.db.execute(
        "SELECT count(*) FROM event_meeting m JOIN conference c ON c.id = m.conference_id "
        "WHERE c.status = 'scheduled'"
    ).fetchone()[0]
    assert kept == again.outcome.quality.total_placed


def test_a_teacher_falling_ill_moves_their_meetings_and_lists_the_families(installed_registry):
    session = district(installed_registry)
    build(
        session,
        [("elm", 1, False, {0, 1}, False), ("elm", 2, False, {0}, False)],
        {**PLAIN, "ill": True},
    )
    plan_event(session, "fall", time_limit=2)
    before = dict(session.db.execute(
        "SELECT c.id, c.at FROM conference c JOIN event_meeting m ON m.conference_id = c.id "
        "WHERE m.staff_id = 'm0'").fetchall())  # fmt: skip
    events.add_unavailable(session, "fall", "m0", DAY1, "16:00", "17:00")
    report = plan_event(session, "fall", time_limit=2)
    assert {c["conference"] for c in report.to_call} == set(before)
    assert all(c["now"] >= f"{DAY1}T17:00" for c in report.to_call)
    assert violations(session.db.conn, "fall") == []


def test_a_hand_booking_that_breaks_a_constraint_is_reported_infeasible(installed_registry):
    session = district(installed_registry)
    build(session, [("oak", 1, False, {0}, False)], PLAIN)
    plan_event(session, "fall", time_limit=2)
    session.db.execute("UPDATE event_meeting SET planned = 0")  # as if booked by hand
    events.add_unavailable(session, "fall", "t0", DAY1)
    dump = list(session.db.conn.iterdump())
    with pytest.raises(PoltermError, match=r"household 'H1'.*teacher full"):
        plan_event(session, "fall", time_limit=2)
    assert list(session.db.conn.iterdump()) == dump


def test_the_checker_sees_a_broken_plan(installed_registry):
    """The checker is not vacuous: a meeting moved outside the day's hours is named."""
    session = district(installed_registry)
    build(session, [("oak", 1, False, {0}, False)], PLAIN)
    plan_event(session, "fall", time_limit=2)
    session.db.execute("UPDATE conference SET at = '2026-11-10T19:00'")
    assert violations(session.db.conn, "fall") == [
        "conference 1: 2026-11-10T19:00 is not a slot within the day's hours"
    ]
