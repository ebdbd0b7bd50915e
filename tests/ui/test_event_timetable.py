"""The event timetable service: proposals for a family on the phone, and hand bookings."""

from __future__ import annotations

from pathlib import Path

import pytest

from polterm.errors import PoltermError
from polterm.services import event_timetable as tt
from polterm.services.events import add_event, add_request
from tests.ui.test_event_screen import DAY, build_event, event_session

NEXT = "2025-10-16"


def test_a_familys_next_meeting_is_offered_on_the_day_it_already_comes(tmp_path: Path) -> None:
    session = event_session(build_event(tmp_path / "event.db"))
    add_event(
        session,
        "two",
        "Two days",
        "parent-teacher",
        ["north"],
        [f"{DAY}:16:00-17:00", f"{NEXT}:16:00-17:00"],
    )
    add_request(session, "two", "S1", ["t2"])
    tt.book(session, tt.timetable(session, "two", "north", NEXT), "t1", 1, "guardian:G1", "S1")
    [offer] = tt.proposals(session, "two", "guardian:G1")
    # t2 is free at 16:20 on the first day, but the family comes on the second
    assert (offer.staff_id, offer.at) == ("t2", f"{NEXT}T16:00")


def test_a_hand_booking_on_a_taken_slot_is_refused_with_the_reason(tmp_path: Path) -> None:
    session = event_session(build_event(tmp_path / "event.db"))
    day = tt.timetable(session, "fall", "north", DAY)
    with pytest.raises(PoltermError, match="16:20: the teacher has a meeting then"):
        tt.book(session, day, "t1", 1, "guardian:G2", "S2")
    assert tt.first_free(session, day, "t1", "guardian:G2", "S2") == 2
