"""The event timetable service: proposals for a family on the phone, and hand bookings."""

from __future__ import annotations

from pathlib import Path

import pytest

from polterm.errors import PoltermError
from polterm.services import event_timetable as tt
from polterm.services.events import add_event, add_interpreter, add_request, interpreter_available
from polterm.services.session import Session
from tests.ui.test_event_screen import DAY, build_event, event_session

NEXT = "2025-10-16"


def two_day_event(tmp_path: Path, asked: list[str], prefer: str | None = None) -> Session:
    """The fall event's district with a second event "two" over two afternoons, an
    interpreter there both days, and S1's family asking for `asked` (preferring `prefer`)."""
    session = event_session(build_event(tmp_path / "event.db"))
    add_event(
        session,
        "two",
        "Two days",
        "parent-teacher",
        ["north"],
        [f"{DAY}:16:00-17:00", f"{NEXT}:16:00-17:00"],
    )
    add_request(session, "two", "S1", asked, prefer=prefer)
    for day in (DAY, NEXT):
        interpreter_available(session, "i1", "two", day, "16:00", "17:00")
    return session


def test_a_familys_next_meeting_is_offered_on_the_day_it_already_comes(tmp_path: Path) -> None:
    session = two_day_event(tmp_path, ["t2"])
    tt.book(session, tt.timetable(session, "two", "north", NEXT), "t1", 1, "guardian:G1", "S1")
    [offer] = tt.proposals(session, "two", "guardian:G1")
    # t2 is free at 16:20 on the first day, but the family comes on the second
    assert (offer.staff_id, offer.at) == ("t2", f"{NEXT}T16:00")


@pytest.mark.parametrize(
    ("asked", "prefer", "offers"),
    [
        # on the first day only 16:40 is free for S1's family (its fall meeting at 16:20, both
        # teachers busy at 16:00): one teacher gets it, the other goes to the next day
        (["t2"], None, {"t1": f"{DAY}T16:40", "t2": f"{NEXT}T16:00"}),
        (["t1", "t2"], NEXT, {"t1": f"{NEXT}T16:00", "t2": f"{NEXT}T16:20"}),
        (["t2"], "late", {"t1": f"{DAY}T16:40", "t2": f"{NEXT}T16:40"}),
    ],
)
def test_a_familys_offers_follow_its_preference_and_never_coincide(
    tmp_path: Path, asked: list[str], prefer: str | None, offers: dict[str, str]
) -> None:
    session = two_day_event(tmp_path, asked, prefer)
    assert {o.staff_id: o.at for o in tt.proposals(session, "two", "guardian:G1")} == offers


def test_a_hand_booking_on_a_taken_slot_is_refused_with_the_reason(tmp_path: Path) -> None:
    session = event_session(build_event(tmp_path / "event.db"))
    day = tt.timetable(session, "fall", "north", DAY)
    with pytest.raises(PoltermError, match="16:20: the teacher has a meeting then"):
        tt.book(session, day, "t1", 1, "guardian:G2", "S2")
    assert tt.first_free(session, day, "t1", "guardian:G2", "S2") == 2


def test_a_double_meeting_by_hand_needs_two_free_slots_in_a_row(tmp_path: Path) -> None:
    session = event_session(build_event(tmp_path / "event.db"))
    day = tt.timetable(session, "fall", "north", DAY)
    with pytest.raises(PoltermError, match="16:40: no room in the day for a double meeting"):
        tt.book(session, day, "t2", 2, "guardian:G2", "S2", length=2)
    conference = tt.book(session, day, "t2", 1, "guardian:G2", "S2", length=2)
    assert session.db.execute(
        "SELECT duration_minutes FROM conference WHERE id = ?", [conference]
    ).fetchone() == (40,)
    again = tt.timetable(session, "fall", "north", DAY)
    assert again.meetings[("t2", 1)] == again.meetings[("t2", 2)]
    assert tt.why_not(session, again, "t2", 2, "guardian:G1", "S1") == (
        "the teacher has a meeting then"
    )


def test_the_interpreter_is_the_one_named_or_the_first_free_of_the_language(
    tmp_path: Path,
) -> None:
    session = event_session(build_event(tmp_path / "event.db"))
    add_interpreter(session, "i2", "Fran Fr", "fr")
    interpreter_available(session, "i2", "fall", DAY, "16:00", "17:00")
    session.db["guardian"].update("G2", {"language": "es", "interpreter": 1})
    day = tt.timetable(session, "fall", "north", DAY)
    # i1 interprets S1's meeting at 16:20: nobody else speaks Spanish then
    assert tt.why_not(session, day, "t2", 1, "guardian:G2", "S2") == (
        "no interpreter of es free then"
    )
    with pytest.raises(PoltermError, match="interpreter 'i1' is not free for es then"):
        tt.book(session, day, "t2", 1, "guardian:G2", "S2", interpreter="i1")
    with pytest.raises(PoltermError, match="interpreter 'i2' is not free for es then"):
        tt.book(session, day, "t2", 2, "guardian:G2", "S2", interpreter="i2")
    with pytest.raises(PoltermError, match="household 'guardian:G6' needs no interpreter"):
        tt.book(session, day, "t2", 2, "guardian:G6", "S6", interpreter="i1")
    conference = tt.book(session, day, "t2", 2, "guardian:G2", "S2")  # 16:40: i1 is free again
    assert session.db.execute(
        "SELECT m.interpreter_id, c.agenda FROM event_meeting m JOIN conference c "
        "ON c.id = m.conference_id WHERE c.id = ?",
        [conference],
    ).fetchone() == ("i1", "Interpreter: Ines Interp (es)")
