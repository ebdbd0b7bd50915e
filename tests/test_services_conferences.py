"""The conference services the UI calls: a draft in, an id out; edits checked against the
version the person read; a refused edit leaves the conference as it was."""

from __future__ import annotations

from datetime import date

import pytest

from polterm.errors import ConflictError, PoltermError
from polterm.policy import Attendee, ConferenceDraft
from polterm.services.conferences import (
    HeldAheadError,
    conference_draft,
    conference_kinds,
    schedule_conference,
    schedule_conferences,
    update_conference,
)
from polterm.services.district import init_district
from polterm.services.people import add_guardian, add_staff, add_student
from polterm.services.schools import add_school
from polterm.services.session import Session
from polterm.storage import open_database


@pytest.fixture
def session(installed_registry) -> Session:
    return _district(installed_registry)


def _district(installed_registry) -> Session:
    """A district of one school, teacher, student and guardian."""
    db = open_database(None)
    first = init_district(
        db, "Testville", ["clinton_6310", "p1471"], [], set(installed_registry.policies), "it1"
    )
    session = Session(db, first.actor, installed_registry)
    add_school(session, "oak", "Oak Elementary", "elementary")
    add_staff(session, "t1", "Ada Teacher", "teacher", "oak")
    add_student(session, "s1", "Sam", "Rivera", "2", "oak", "t1")
    add_guardian(session, "g1", ["s1"], "Max Rivera")
    return session


def _draft(**changes) -> ConferenceDraft:
    base = {"student_id": "s1", "kind": "parent-teacher", "at": "2025-10-01T08:30"}
    return ConferenceDraft(**{**base, **changes})


def test_the_kinds_offered_are_those_of_the_active_policies(session):
    assert {"flexible", "remote-learning", "parent-teacher"} <= set(conference_kinds(session))
    session.db.execute("DELETE FROM district_policy WHERE policy = 'clinton_6310'")
    assert "flexible" not in conference_kinds(session)


def test_a_scheduled_draft_reads_back_as_the_same_draft(session):
    draft = _draft(
        staff_ids=("t1",),
        attendees=(Attendee("Max Rivera", "g1"),),
        initiated_by="parent",
        support=("student", "parent"),
    )
    conference_id = schedule_conference(session, draft, location="Room 4")
    saved = conference_draft(session, conference_id)
    assert saved.id == conference_id
    assert (saved.school_id, saved.school_level) == ("oak", "elementary")
    assert saved.staff_ids == ("t1",) and saved.attendees == draft.attendees
    assert saved.support == ("parent", "student")
    assert session.db.table("conference").get(conference_id)["location"] == "Room 4"


def test_an_edit_against_an_old_version_is_refused(session):
    conference_id = schedule_conference(session, _draft())
    update_conference(session, conference_id, {"status": "held"}, expected_version=1)
    with pytest.raises(ConflictError):
        update_conference(session, conference_id, {"status": "cancelled"}, expected_version=1)
    assert conference_draft(session, conference_id).status == "held"


def test_a_refused_edit_changes_nothing(session):
    conference_id = schedule_conference(session, _draft(staff_ids=("t1",)))
    audit_rows = session.db.table("audit_log").count
    with pytest.raises(PoltermError, match="'ghost'"):
        update_conference(
            session, conference_id, {"staff_ids": (), "attendees": (Attendee("X", "ghost"),)}
        )
    assert conference_draft(session, conference_id).staff_ids == ("t1",)
    assert session.db.table("audit_log").count == audit_rows


def test_an_unknown_field_is_refused(session):
    conference_id = schedule_conference(session, _draft())
    with pytest.raises(PoltermError, match="'colour'"):
        update_conference(session, conference_id, {"colour": "blue"})


def test_an_old_kind_may_stay_when_its_policy_is_switched_off(session):
    conference_id = schedule_conference(session, _draft(kind="flexible"))
    session.db.execute("DELETE FROM district_policy WHERE policy = 'clinton_6310'")
    update_conference(session, conference_id, {"status": "held"})
    with pytest.raises(PoltermError, match="'remote-learning'"):
        update_conference(session, conference_id, {"kind": "remote-learning"})


def test_held_is_refused_only_for_a_date_after_today(session):
    today = date(2025, 10, 1)
    ahead = _draft(at="2025-10-02T08:30", status="held")
    with pytest.raises(HeldAheadError) as refused:
        schedule_conference(session, ahead, today=today)
    assert refused.value.day == "2025-10-02"
    assert schedule_conference(session, _draft(status="held"), today=today)  # on its day


def test_a_conference_saved_held_ahead_before_the_check_stays_editable(session):
    conference_id = session.insert(
        "conference",
        {"student_id": "s1", "kind": "parent-teacher", "at": "2025-10-09T08:30", "status": "held"},
        student_id="s1",
    )
    today = date(2025, 10, 1)
    update_conference(session, conference_id, {"notes": "kept"}, today=today)
    with pytest.raises(HeldAheadError):
        update_conference(session, conference_id, {"at": "2025-10-08T08:30"}, today=today)


def _audit(session: Session) -> list[tuple]:
    """The audit log without its time or order: table, record, student, the row as written
    (a batch writes a table at a time)."""
    return sorted(
        session.db.execute(
            "SELECT action, table_name, record_id, student_id, before, after FROM audit_log "
            "WHERE table_name LIKE 'conference%'"
        ).fetchall()
    )


def _many(session: Session) -> list[tuple[ConferenceDraft, dict]]:
    add_guardian(session, "g2", ["s1"], "Lee Rivera")
    people = (Attendee("Max Rivera", "g1"), Attendee("Lee Rivera", "g2"))
    return [
        (_draft(at="2025-10-01T08:30", staff_ids=("t1",), attendees=people), {}),
        (_draft(at="2025-10-02T08:30", attendees=people[:1]), {"location": "Room 4"}),
        (_draft(at="2025-10-03T08:30", staff_ids=("t1",)), {"duration_minutes": 20}),
    ]


def test_many_conferences_are_written_and_audited_as_one_at_a_time_would_be(
    session, installed_registry
):
    one_by_one = [schedule_conference(session, d, **details) for d, details in _many(session)]
    expected = _audit(session)
    other = _district(installed_registry)
    assert schedule_conferences(other, _many(other)) == one_by_one
    assert _audit(other) == expected
    assert len(expected) == 3 + 2 + 3  # conferences, staff links, attendees


def test_one_bad_draft_among_many_writes_none_of_them(session):
    drafts = _many(session)
    drafts.insert(1, (_draft(at="2025-10-05T08:30", staff_ids=("ghost",)), {}))
    before = session.db.execute("SELECT count(*) FROM audit_log").fetchone()
    with pytest.raises(PoltermError, match="ghost"):
        schedule_conferences(session, drafts)
    assert session.db.execute("SELECT count(*) FROM conference").fetchone() == (0,)
    assert session.db.execute("SELECT count(*) FROM audit_log").fetchone() == before


def test_a_clash_inside_one_batch_is_refused(session):
    twice = [(_draft(staff_ids=("t1",)), {}), (_draft(staff_ids=("t1",)), {})]
    with pytest.raises(ConflictError, match="double-booked"):
        schedule_conferences(session, twice)
    assert session.db.execute("SELECT count(*) FROM conference").fetchone() == (0,)
