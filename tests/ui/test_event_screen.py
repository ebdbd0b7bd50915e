"""The event screen: a school's day as teachers × slots, by keys; a meeting cancelled under the
cursor and booked again by hand; a plan run from the screen fills a freed slot again."""

from __future__ import annotations

from pathlib import Path

from textual.coordinate import Coordinate
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Static

from polterm.services.event_plan import plan_event
from polterm.ui.app import PoltermApp
from polterm.ui.screens.event import EventScreen
from tests.events.test_plan_properties import DAY1, PLAIN, build, district
from tests.ui.conftest import TODAY
from tests.ui.test_flows import drive, settle


def planned_app(registry, path: Path) -> PoltermApp:
    session = district(registry, path)
    build(session, [("elm", 1, False, {0, 1}, False), ("elm", 2, False, {0}, False),
                    ("oak", 3, False, {0}, False)], PLAIN)  # fmt: skip
    plan_event(session, "fall", time_limit=2)
    return PoltermApp(session, today=TODAY)


def test_the_timetable_shows_each_teachers_meetings_and_a_cancel_frees_the_slot(
    installed_registry, tmp_path
):
    app = planned_app(installed_registry, tmp_path / "event.db")

    async def steps(pilot: Pilot) -> None:
        app.push_screen(EventScreen("fall"))
        await settle(pilot)
        screen = app.screen
        grid = screen.query_one("#timetable", DataTable)
        assert "school elm" in title(screen) and DAY1 in title(screen)
        assert "3 slots booked" in title(screen)
        assert [grid.get_row_at(r)[0] for r in range(grid.row_count)] == [
            "Teacher m0", "Teacher m1", "Teacher m2"]  # fmt: skip
        (row, column), conference_id = sorted(screen.cells.items())[0]
        grid.cursor_coordinate = Coordinate(row, column)
        await pilot.press("x")
        await settle(pilot)
        status = app.session.db.execute(
            "SELECT status FROM conference WHERE id = ?", [conference_id]
        ).fetchone()[0]
        assert status == "cancelled"
        assert "2 slots booked" in title(screen)
        student = app.session.db.execute(
            "SELECT student_id FROM conference WHERE id = ?", [conference_id]
        ).fetchone()[0]
        await pilot.press("b", *student, "enter")  # booked again by hand, as on the phone
        await settle(pilot)
        assert "3 slots booked" in title(screen)
        assert app.session.db.execute(
            "SELECT count(*) FROM event_meeting WHERE planned = 0"
        ).fetchone()[0] == 1
        free = next(c for c in range(1, len(grid.columns)) if (row, c) not in screen.cells)
        grid.cursor_coordinate = Coordinate(row, free)
        await pilot.press("b", *student, "enter")  # booked already: refused, nothing written
        await settle(pilot)
        assert "3 slots booked" in title(screen)
        assert "already booked" in [n.message for n in app._notifications][-1]
        (row, column), conference_id = sorted(screen.cells.items())[0]
        grid.cursor_coordinate = Coordinate(row, column)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("greater_than_sign")  # the next school: oak
        await settle(pilot)
        assert "school oak" in title(screen)
        await pilot.press("R")  # plan again: the cancelled meeting is placed again
        await settle(pilot)
        await settle(pilot)
        quality = str(screen.query_one("#quality", Static).render())
        assert "Placed 4 of 4" in quality and "1 written" in quality

    drive(app, steps)


def title(screen: Screen) -> str:
    return str(screen.query_one("#title", Static).render())
