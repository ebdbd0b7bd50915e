"""Pilot tests: the top-level keys show their screen as it is now, whatever was left open."""

from __future__ import annotations

from textual.pilot import Pilot

from polterm.ui.app import PoltermApp
from polterm.ui.screens.dashboard import DashboardScreen
from polterm.ui.screens.students import StudentsScreen
from tests.ui.test_flows import cells, drive, settle


def test_d_after_booking_from_a_second_student_page_shows_today_with_the_booking(
    app: PoltermApp,
) -> None:
    """Today, Enter on the first row, `s`, the student's id, Enter, Enter, `n`, ctrl+s, `d`."""

    async def steps(pilot: Pilot) -> None:
        app.screen.query_one("#findings").focus()
        await pilot.press("enter")
        await settle(pilot)
        student = app.screen.student_id  # type: ignore[attr-defined]
        await pilot.press("s")
        await settle(pilot)
        await pilot.press(*student, "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.pause(0.2)
        await pilot.press("ctrl+s")
        await settle(pilot)
        (booked,) = app.session.db.execute(
            "SELECT at FROM conference WHERE student_id = ? AND id > 1", [student]
        ).fetchone()
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert len(app.screen_stack) == 1
        assert booked.replace("T", " ") in cells(app, "#conferences", 0)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, StudentsScreen)
        assert len(app.screen_stack) == 1

    drive(app, steps)
