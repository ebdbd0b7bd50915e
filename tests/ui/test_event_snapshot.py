"""The events screen at 120x40: a day's timetable after a family was booked on the phone, the
cursor on the new meeting."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from tests.ui.test_event_screen import (
    OFFICE,
    book_by_phone,
    build_event,
    event_app,
    open_events,
    settle,
)


async def after_a_phone_booking(pilot: Pilot) -> None:
    await open_events(pilot)
    await book_by_phone(pilot, "turing")
    pilot.app.clear_notifications()  # the toast would be caught fading, or not
    await settle(pilot)


def test_event_screen_looks_as_recorded(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = event_app(build_event(tmp_path / "event.db"), OFFICE)
    assert snap_compare(app, run_before=after_a_phone_booking, terminal_size=(120, 40))
