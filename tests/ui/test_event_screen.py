"""The events screen: the day's timetable, booking by phone, by keys, moving, cancelling,
the waiting list, a plan run, and nothing shown of students outside the user's reach."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

import polterm_p1471
from polterm.services import event_timetable as tt
from polterm.services.events import (
    add_event,
    add_interpreter,
    add_request,
    interpreter_available,
)
from polterm.services.session import Actor, Session
from polterm.storage import open_database
from polterm.testing import District
from polterm.ui.app import PoltermApp
from polterm.ui.screens.event import EventScreen
from polterm.ui.screens.event_grid import SlotTable
from polterm.ui.screens.event_run import PlanRun
from polterm.ui.widgets.lines import LineTable
from tests.ui.conftest import IT, TODAY, build_district
from tests.ui.test_flows import drive

DAY = TODAY.isoformat()  # S2 already has conference 1 with t1 at 16:00 that day
OFFICE = Actor("o1", "Olive Office", "office", "north", "olive")
TEACHER = Actor("t1", "Terry Teach", "teacher", "north", "terry")


def event_session(path: Path, actor: Actor = IT) -> Session:
    db = open_database(path, [polterm_p1471.polterm_migrations()])
    return Session(db, actor, District(plugins=[polterm_p1471]).registry())


def build_event(path: Path) -> Path:
    """North's teachers t1 and t2 on one afternoon of three 20-minute slots; S1's family
    booked with t1 at 16:20 (with i1 interpreting Spanish); S2's family asked for t1; t2's
    student S6 booked at 16:00."""
    build_district(path)
    session = event_session(path)
    db = session.db
    db.execute("UPDATE conference SET duration_minutes = 20 WHERE id = 1")
    db["staff"].insert_all(
        [
            {"id": "t2", "name": "Tess Other", "role": "teacher", "school_id": "north"},
            {"id": "o1", "name": "Olive Office", "role": "office", "school_id": "north"},
        ]
    )
    db["student"].insert(
        {
            "id": "S6",
            "given": "Hidden",
            "family": "Child",
            "grade": "3",
            "school_id": "north",
            "teacher_id": "t2",
        }
    )
    db["guardian"].insert({"id": "G6", "name": "Parent Child"})
    db["guardianship"].insert({"guardian_id": "G6", "student_id": "S6"})
    add_event(session, "fall", "Fall days", "parent-teacher", ["north"], [f"{DAY}:16:00-17:00"])
    add_request(session, "fall", "S2", ["t1"])
    add_interpreter(session, "i1", "Ines Interp", "es")  # S1's guardian needs Spanish
    interpreter_available(session, "i1", "fall", DAY, "16:00", "17:00")
    day = tt.timetable(session, "fall", "north", DAY)
    tt.book(session, day, "t1", 1, "guardian:G1", "S1")
    tt.book(session, day, "t2", 0, "guardian:G6", "S6")
    db.conn.close()
    return path


@pytest.fixture
def event_db(tmp_path: Path) -> Path:
    return build_event(tmp_path / "event.db")


def event_app(path: Path, actor: Actor = IT) -> PoltermApp:
    return PoltermApp(event_session(path, actor), today=TODAY)


async def settle(pilot: Pilot) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def open_events(pilot: Pilot) -> EventScreen:
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, EventScreen)
    return screen


async def book_by_phone(pilot: Pilot, name: str) -> list[str]:
    """f, the name, then Enter for the family, its first meeting at its first free slot, and
    the booking; returns the keys pressed besides the name's."""
    keys = ["f", "enter", "enter", "enter"]
    await pilot.press("f", *name)
    for key in keys[1:]:
        await pilot.pause(0.2)  # past the search's debounce
        await settle(pilot)
        await pilot.press(key)
    await settle(pilot)
    return keys


async def serve_s2s_family(pilot: Pilot) -> EventScreen:
    """The event screen serving S2's family (Enter on the waiting list), the grid focused."""
    screen = await open_events(pilot)
    screen.query_one("#waiting", LineTable).focus()
    await pilot.press("enter")
    await settle(pilot)
    screen.query_one("#grid").focus()
    return screen


def status(screen: EventScreen) -> str:
    return str(screen.query_one("#event-status").render())


def meetings(path: Path, student_id: str) -> list[tuple[str, str]]:
    session = event_session(path)
    return [
        (at, state)
        for at, state in session.db.execute(
            "SELECT at, status FROM conference c JOIN event_meeting m ON m.conference_id = c.id "
            "WHERE c.student_id = ? ORDER BY c.id",
            [student_id],
        )
    ]


def test_the_day_shows_teachers_by_slots(event_db: Path) -> None:
    async def steps(pilot: Pilot) -> None:
        screen = await open_events(pilot)
        grid = screen.query_one("#grid", SlotTable)
        assert [grid.get_row_at(i)[0] for i in range(grid.row_count)] == [
            "Terry Teach",
            "Tess Other",
        ]
        assert grid.get_row_at(0)[1:] == ("other", "*Ada L", "·")
        assert grid.get_row_at(1)[1] == "*Hidde C"

    drive(event_app(event_db), steps)


def test_office_books_a_family_on_the_phone_in_three_keys_after_the_name(
    event_db: Path,
) -> None:
    async def steps(pilot: Pilot) -> None:
        await open_events(pilot)
        keys = await book_by_phone(pilot, "turing")
        assert len(keys) <= 10
        # 16:00 is S2's conference 1 with t1, 16:20 is S1's: the first free slot is 16:40
        assert meetings(event_db, "S2") == [(f"{DAY}T16:40", "scheduled")]
        screen = pilot.app.screen
        assert isinstance(screen, EventScreen)
        family = screen.query_one("#family", LineTable)
        assert family.get_row_at(0) == (f"{DAY} 16:40", "Terry Teach", "Alan Turing")
        grid = screen.query_one("#grid", SlotTable)
        assert (grid.cursor_row, grid.cursor_column) == (0, 2)  # on the new meeting

    drive(event_app(event_db, OFFICE), steps)


def test_a_conflict_is_refused_as_the_cursor_reaches_it(event_db: Path) -> None:
    async def steps(pilot: Pilot) -> None:
        screen = await serve_s2s_family(pilot)
        await settle(pilot)
        assert "refused" in status(screen) and "conference 1" in status(screen)
        await pilot.press("b")
        await settle(pilot)
        assert "Refused" in status(screen)
        assert meetings(event_db, "S2") == []
        await pilot.press("right", "right")
        await settle(pilot)
        assert "book Alan Turing with Terry Teach" in status(screen)
        await pilot.press("b")
        await settle(pilot)
        assert meetings(event_db, "S2") == [(f"{DAY}T16:40", "scheduled")]
        assert screen.query_one("#grid", SlotTable).get_row_at(0)[3] == "*Alan T"

    drive(event_app(event_db), steps)


def test_a_move_onto_a_busy_slot_is_refused_then_made_elsewhere(event_db: Path) -> None:
    async def steps(pilot: Pilot) -> None:
        screen = await open_events(pilot)
        await pilot.press("right", "v", "left")  # S1's meeting at 16:20 towards t1's 16:00
        await settle(pilot)
        assert "refused" in status(screen)
        await pilot.press("v")
        await settle(pilot)
        assert "Refused" in status(screen)
        assert meetings(event_db, "S1") == [(f"{DAY}T16:20", "scheduled")]
        await pilot.press("right", "v", "right")
        await settle(pilot)
        assert "move Ada Lovelace here" in status(screen)
        await pilot.press("v")
        await settle(pilot)
        assert meetings(event_db, "S1") == [(f"{DAY}T16:40", "scheduled")]

    drive(event_app(event_db), steps)


def test_cancelling_frees_the_slot(event_db: Path) -> None:
    async def steps(pilot: Pilot) -> None:
        screen = await open_events(pilot)
        await pilot.press("right", "x")
        await settle(pilot)
        assert meetings(event_db, "S1") == [(f"{DAY}T16:20", "cancelled")]
        assert screen.query_one("#grid", SlotTable).get_row_at(0)[2] == "·"

    drive(event_app(event_db), steps)


def test_a_teacher_sees_no_student_outside_their_reach(event_db: Path) -> None:
    async def steps(pilot: Pilot) -> None:
        screen = await open_events(pilot)
        grid = screen.query_one("#grid", SlotTable)
        assert grid.get_row_at(1)[1] == "busy"
        await pilot.press("down")
        await settle(pilot)
        assert "outside your reach" in status(screen)
        shown = " ".join(str(w.render()) for w in screen.query("Static"))
        assert "Hidden" not in shown and "Hidden" not in str(grid._rows)
        await pilot.press("x")
        await settle(pilot)
        assert meetings(event_db, "S6") == [(f"{DAY}T16:00", "scheduled")]

    drive(event_app(event_db, TEACHER), steps)


def test_a_plan_run_shows_its_quality_table(
    event_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PlanRun, "TIME_LIMIT", 5.0)

    async def steps(pilot: Pilot) -> None:
        await open_events(pilot)
        await pilot.press("P", "d")
        await settle(pilot)
        table = pilot.app.screen.query_one("#quality", LineTable)
        rows = {table.get_row_at(i)[0]: table.get_row_at(i)[1:] for i in range(table.row_count)}
        # five meetings asked for, t1 has room for two more beside S1's and conference 1
        assert rows["Meetings requested"][0] == "5"
        assert rows["Meetings placed"] == ("3", "3")
        assert rows["Unplaced"][0] == "2"
        assert rows["Meetings written"][0] == "none (dry run)"
        assert "Gap to the bound" in rows
        assert meetings(event_db, "S3") == []

    drive(event_app(event_db), steps)


def test_enter_on_a_name_nobody_has_says_so_and_books_nothing(event_db: Path) -> None:
    async def steps(pilot: Pilot) -> None:
        await open_events(pilot)
        await pilot.press("f", *"nobody", "enter")
        await settle(pilot)
        await pilot.press(*["backspace"] * 6, *"turing")  # a family found later: not taken unasked
        await pilot.pause(0.2)
        await settle(pilot)
        assert "Turing" in str(
            pilot.app.screen.query_one("#families").get_option_at_index(0).prompt
        )
        assert "No family in your reach is called 'nobody'" in str(
            pilot.app.screen.query_one("#phone-status").render()
        )
        assert str(pilot.app.screen.query_one("#phone-family").render()) == ""

    drive(event_app(event_db, OFFICE), steps)


def test_a_plan_written_from_the_screen_fills_the_free_slot(
    event_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PlanRun, "TIME_LIMIT", 5.0)

    async def steps(pilot: Pilot) -> None:
        screen = await open_events(pilot)
        await pilot.press("P", "ctrl+s")
        await settle(pilot)
        table = pilot.app.screen.query_one("#quality", LineTable)
        rows = {table.get_row_at(i)[0]: table.get_row_at(i)[1:] for i in range(table.row_count)}
        assert rows["Meetings written"][0] == "1"  # t1's 16:40, the one slot left
        await pilot.press("escape")
        await settle(pilot)
        planned = screen.query_one("#grid", SlotTable).get_row_at(0)[3]
        assert planned not in ("·", "other") and not planned.startswith("*")

    drive(event_app(event_db), steps)


def test_a_booking_by_keys_chooses_its_length_and_its_interpreter(event_db: Path) -> None:
    session = event_session(event_db)
    session.db["guardian"].update("G2", {"language": "es", "interpreter": 1})
    add_interpreter(session, "i3", "Iker Otro", "es")
    interpreter_available(session, "i3", "fall", DAY, "16:00", "17:00")
    session.db.conn.close()

    async def steps(pilot: Pilot) -> None:
        screen = await serve_s2s_family(pilot)
        await pilot.press("right", "right")  # t1 at 16:40, the day's last slot
        await settle(pilot)
        assert "book Alan Turing with Terry Teach, interpreter i1 ·" in status(screen)
        await pilot.press("2")
        await settle(pilot)
        assert "refused: no room in the day for a double meeting" in status(screen)
        await pilot.press("b")
        await settle(pilot)
        assert meetings(event_db, "S2") == []
        await pilot.press("2", "i")  # single again, and the next Spanish interpreter
        await settle(pilot)
        assert "Terry Teach, interpreter i3 ·" in status(screen)
        await pilot.press("b")
        await settle(pilot)
        booked = event_session(event_db).db.execute(
            "SELECT c.at, c.duration_minutes, m.interpreter_id FROM conference c "
            "JOIN event_meeting m ON m.conference_id = c.id WHERE c.student_id = 'S2'"
        )
        assert list(booked) == [(f"{DAY}T16:40", 20, "i3")]

    drive(event_app(event_db), steps)


def test_the_status_line_is_said_again_without_laying_the_screen_out(event_db: Path) -> None:
    async def steps(pilot: Pilot) -> None:
        screen = await open_events(pilot)
        layouts = screen.query_one("#event-status")._layout_updates
        await pilot.press("right", "right", "down")
        await settle(pilot)
        assert status(screen).startswith("16:40")
        assert screen.query_one("#event-status")._layout_updates == layouts

    drive(event_app(event_db), steps)
