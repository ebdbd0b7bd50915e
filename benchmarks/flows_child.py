"""Run in a child process: drive the real PoltermApp headless through a flow and time it.

`search DB`: open the student list, then type real names a key at a time; each keystroke is
timed until the table holds the query's new first page and the screen has refreshed.
`walk DB`: the UI issue's walk (open, search a name, open the student, schedule a conference
for their open request, record it held, back to the dashboard), then the event screen's
(open it, move through the timetable, the next day, a family from the waiting list, a family
booked on the phone), with the longest event-loop stall of each step. The walk writes: give
it a copy. `events DB`: the event screen's steps alone. Prints one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input

from benchmarks.ui_child import StallMonitor

NAMES = 16  # real names to type in the search, spread over the student ids
KEYSTROKES = 50  # typed until at least this many changed the first page (for a p95)
TIMEOUT_S = 300.0
IDLE_S = 2.0  # the walk's reference: the app idle, no key pressed


async def settle(app: App) -> None:
    """Wait until no worker has run for two polls in a row: the screen shows its data."""
    quiet = 0
    while quiet < 2:
        await asyncio.sleep(0.01)
        quiet = 0 if any(not w.is_finished for w in app.workers) else quiet + 1


async def until(app: App, ready: Callable[[], bool]) -> None:
    """Poll every millisecond until `ready()`, then until the screen has been refreshed."""
    deadline = time.perf_counter() + TIMEOUT_S
    while not ready():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"not ready after {TIMEOUT_S:g} s on {app.screen!r}")
        await asyncio.sleep(0.001)
    refreshed = asyncio.get_running_loop().create_future()
    app.call_after_refresh(refreshed.set_result, None)
    await refreshed


def keystroke(app: App, character: str) -> None:
    """Hand the app a key as its terminal driver does when a person types it.

    Pilot's `press` also waits until the whole process is idle after each key (~65 ms of its
    own polling here), which a person's keystroke does not: the timing starts at the driver.
    """
    key = character if character.isalnum() else _character_to_key(character)
    event = events.Key(key, character)
    event.set_sender(app)
    app._driver.send_message(event)  # type: ignore[union-attr]


def shows_dashboard(app: App) -> bool:
    """The dashboard is on screen with its data: its keys work from here (a key sent while it
    is still being put up is lost)."""
    from polterm.ui.screens.dashboard import DashboardScreen

    screen, cache = app.screen, app.dashboard_cache  # type: ignore[attr-defined]
    return isinstance(screen, DashboardScreen) and cache is not None and screen.shown is cache


def table_keys(app: App, selector: str) -> list[str]:
    """The row keys a table on the current screen holds, in order ([] if it has none)."""
    from polterm.ui.widgets.lines import LineTable

    table = next(iter(app.screen.query(selector)), None)
    return table.row_keys if isinstance(table, LineTable) else []


async def search(app: App, pilot: Pilot, db: Path) -> dict[str, Any]:
    """Open time of the student list, and each keystroke's time to its new first page.

    The reference is the same page's query on a connection of its own, timed just before.
    A keystroke that leaves the first page as it was is typed but not timed (no change to see).
    """
    from polterm.cli.state import State
    from polterm.services.views import StudentFilter, student_page
    from polterm.ui.screens.students import first_page_rows

    reader = State(db_path=db).session()

    def first_page(text: str) -> tuple[list[str], float]:
        start = time.perf_counter()
        rows = first_page_rows(app.size.height)  # as the screen asks for its first page
        page = [r["id"] for r in student_page(reader, StudentFilter(search=text), limit=rows)]
        return page, time.perf_counter() - start

    def showing(expected: list[str]) -> Callable[[], bool]:
        return lambda: table_keys(app, "#students") == expected

    async def timed(key: str, expected: list[str]) -> float:
        start = time.perf_counter()
        keystroke(app, key)
        await until(app, showing(expected))
        return time.perf_counter() - start

    await until(app, lambda: shows_dashboard(app))
    await settle(app)  # the dashboard's evaluation is done: the app is idle
    everyone, open_query = first_page("")
    opened = await timed("s", everyone)
    count = reader.db.execute("SELECT count(*) FROM student WHERE active = 1").fetchone()[0]
    names = [
        reader.db.execute(
            "SELECT family FROM student WHERE active = 1 ORDER BY id LIMIT 1 OFFSET ?",
            [count * (i * 2 + 1) // (NAMES * 2)],
        ).fetchone()[0]
        for i in range(NAMES)
    ]
    box = app.screen.query_one("#search", Input)
    keystrokes: list[float] = []
    queries: list[float] = []
    unchanged = 0
    for name in names:
        if len(keystrokes) >= KEYSTROKES:
            break
        box.value = ""
        await until(app, showing(everyone))
        await settle(app)
        for typed in (name[: i + 1] for i in range(len(name))):
            expected, query = first_page(typed)
            if expected == table_keys(app, "#students"):
                await pilot.press(typed[-1])
                unchanged += 1
            else:
                keystrokes.append(await timed(typed[-1], expected))
                queries.append(query)
            await settle(app)
    return {
        "open_ms": opened * 1000,
        "open_query_ms": open_query * 1000,
        "keystroke_ms": [k * 1000 for k in keystrokes],
        "query_ms": [q * 1000 for q in queries],
        "names": names,
        "unchanged_pages": unchanged,
    }


async def walk(app: App, pilot: Pilot, monitor: StallMonitor) -> dict[str, Any]:
    """The tmux walk of the UI issue, step by step, with each step's longest stall."""
    from polterm.ui.screens.conduct import ConductScreen
    from polterm.ui.screens.conference import ConferenceForm
    from polterm.ui.screens.student import StudentScreen
    from polterm.ui.widgets.lines import LineTable

    db = app.session.db  # type: ignore[attr-defined]
    step = Steps(app, monitor)

    def on_screen(kind: type) -> bool:
        return isinstance(app.screen, kind)

    def form_ready(kind: type) -> Callable[[], bool]:
        """The form is on screen with all its fields (a long one mounts its lower part after)."""
        return lambda: on_screen(kind) and app.screen.ready  # type: ignore[attr-defined]

    def dashboard_shown() -> bool:
        return shows_dashboard(app)

    await step("open", pilot.pause, dashboard_shown)
    monitor.longest = 0.0
    await asyncio.sleep(IDLE_S)  # the reference: what the machine alone does to the loop
    idle = monitor.longest * 1000
    owed = db.execute(  # the dashboard counts every finding and lists the most urgent
        "SELECT student_id FROM finding_store WHERE rule = 'arrange-parent-request'"
        " ORDER BY student_id LIMIT 1"
    ).fetchone()
    if owed is None:
        raise LookupError("the dashboard counts no parent request to arrange: nothing to walk")
    student = owed[0]
    before = app.dashboard_cache.per_rule["p1471/arrange-parent-request"]  # type: ignore[attr-defined]
    given, family = db.execute(
        "SELECT given, family FROM student WHERE id = ?", [student]
    ).fetchone()
    request = db.execute(
        "SELECT r.id FROM parent_request r WHERE r.student_id = ? AND NOT EXISTS"
        " (SELECT 1 FROM conference c WHERE c.request_id = r.id) ORDER BY r.requested_on",
        [student],
    ).fetchone()[0]

    await step("students", lambda: pilot.press("s"), lambda: bool(table_keys(app, "#students")))
    keys = ["space" if c == " " else c for c in f"{given} {family}"]
    await step(
        "search a name",
        lambda: pilot.press(*keys),
        lambda: student in table_keys(app, "#students"),
    )

    async def open_student() -> None:
        await pilot.press("enter")  # from the search box to the table, as in the flow tests
        table = app.screen.query_one("#students", LineTable)
        table.move_cursor(row=table_keys(app, "#students").index(student))
        await pilot.press("enter")

    await step(
        "open the student",
        open_student,
        lambda: on_screen(StudentScreen) and app.screen.detail is not None,
    )
    await step("new conference form", lambda: pilot.press("n"), form_ready(ConferenceForm))

    async def schedule() -> None:  # the request is what the finding owes; staff are optional
        form = app.screen
        form.query_one("#at", Input).value = f"{app.today}T07:10"  # type: ignore[attr-defined]
        form.query_one("#request", Input).value = request
        await pilot.pause()
        await pilot.press("ctrl+s")

    def conference_id() -> int | None:
        row = db.execute("SELECT id FROM conference WHERE request_id = ?", [request]).fetchone()
        return row and row[0]

    def scheduled() -> bool:
        return on_screen(StudentScreen) and str(conference_id()) in table_keys(app, "#conferences")

    await step("schedule it", schedule, scheduled)

    async def conduct() -> None:
        table = app.screen.query_one("#conferences", LineTable)
        table.move_cursor(row=table_keys(app, "#conferences").index(str(conference_id())))
        await pilot.press("h")

    await step("conduct form", conduct, form_ready(ConductScreen))

    async def held() -> None:
        app.screen.query_one("#held", Checkbox).value = True
        await pilot.press("ctrl+s")

    def recorded() -> bool:
        status = db.execute(
            "SELECT status FROM conference WHERE id = ?", [conference_id()]
        ).fetchone()[0]
        return status == "held" and on_screen(StudentScreen)

    await step("record it held", held, recorded)
    await step("back to the dashboard", lambda: pilot.press("d"), dashboard_shown)
    after = app.dashboard_cache.per_rule["p1471/arrange-parent-request"]  # type: ignore[attr-defined]
    cleared = (
        after == before - 1
        and not db.execute(
            "SELECT 1 FROM finding_store WHERE rule = 'arrange-parent-request' AND student_id = ?",
            [student],
        ).fetchone()
    )
    await event_screen(app, pilot, step)  # its bookings leave the dashboard's counts stale
    return {
        "student": student,
        "finding_cleared": cleared,
        "idle_stall_ms": idle,
        "step_stall_ms": step.stalls,
        "step_s": step.seconds,
    }


class Steps:
    """Runs the walk's steps: each one's longest event-loop stall (ms) and its time (s)."""

    def __init__(self, app: App, monitor: StallMonitor) -> None:
        self.app, self.monitor = app, monitor
        self.stalls: dict[str, float] = {}
        self.seconds: dict[str, float] = {}

    async def __call__(
        self, name: str, act: Callable[[], Awaitable[Any]], ready: Callable[[], bool]
    ) -> None:
        self.monitor.longest = 0.0
        start = time.perf_counter()
        await act()
        await until(self.app, ready)
        await settle(self.app)
        self.seconds[name] = time.perf_counter() - start
        self.stalls[name] = self.monitor.longest * 1000


EVENT_STEPS = (
    "event screen",
    "move through the timetable",
    "next day",
    "a family from the waiting list",
    "cancel a meeting",
    "phone booking",
)
CURSOR_MOVES = 12  # arrow keys across the timetable, and as many down
PHONE_KEYS = 3  # Enter for the family, its first meeting, the booking


async def event_screen(app: App, pilot: Pilot, step: Steps) -> None:
    """The event screen's flows at full size: each is a step of the walk."""
    from polterm.ui.screens.event import EventScreen
    from polterm.ui.screens.event_grid import SlotTable

    db = app.session.db  # type: ignore[attr-defined]

    def screen() -> EventScreen:
        assert isinstance(app.screen, EventScreen)
        return app.screen

    def screen_status() -> str:
        return str(screen().query_one("#event-status").render())

    def showing(day: int) -> Callable[[], bool]:
        def shown() -> bool:
            here = app.screen
            table = here.shown.table if isinstance(here, EventScreen) and here.shown else None
            return table is not None and table.day == here.shown.days[day]  # type: ignore[union-attr]

        return shown

    await step("event screen", lambda: pilot.press("e"), showing(0))
    grid = screen().query_one("#grid", SlotTable)
    table = screen().shown.table  # type: ignore[union-attr]
    assert table is not None
    moves = ["right"] * min(CURSOR_MOVES, len(table.slots) - 1)
    moves += ["down"] * min(CURSOR_MOVES, len(table.teachers) - 1)

    async def move() -> None:
        grid.focus()
        await pilot.press(*moves)

    def arrived() -> bool:
        said = screen_status()
        return said.startswith(table.slots[grid.cursor_column]) and not said.endswith("checking…")

    await step("move through the timetable", move, arrived)
    days = screen().shown.days  # type: ignore[union-attr]
    await step(
        "next day", lambda: pilot.press("right_square_bracket"), showing(1 if len(days) > 1 else 0)
    )

    async def serve_waiting() -> None:
        screen().query_one("#waiting").focus()
        await pilot.press("enter")

    def family_shown() -> bool:
        title = str(screen().query_one("#family-title").render())
        return screen().where.household is not None and "its meetings" in title

    if screen().shown.waiting:  # type: ignore[union-attr]
        await step("a family from the waiting list", serve_waiting, family_shown)
    shown = screen().shown.table  # type: ignore[union-attr]
    assert shown is not None
    held = None
    for (staff_id, slot), cell in sorted(shown.meetings.items()):
        row = db.execute(  # a guardian of the meeting's household whose name is theirs alone
            "SELECT g.name FROM event_meeting m JOIN conference c ON c.id = m.conference_id "
            "JOIN guardianship s ON s.student_id = c.student_id JOIN guardian g "
            "ON g.id = s.guardian_id WHERE m.conference_id = ? "
            "AND coalesce(g.household, 'guardian:' || g.id) = m.household "
            "AND (SELECT count(*) FROM guardian o WHERE o.name = g.name) = 1 LIMIT 1",
            [cell.conference_id],
        ).fetchone()
        if cell.label and row is not None:
            held = (staff_id, slot, cell.conference_id)
            break
    if held is not None:  # a planned day: a family cancels, and calls again to book
        staff_id, slot, conference_id = held

        async def cancel() -> None:
            grid.focus()
            grid.cursor_row = [t for t, _ in shown.teachers].index(staff_id)
            grid.cursor_column = slot
            await pilot.press("x")

        def cancelled() -> bool:
            status = db.execute(
                "SELECT status FROM conference WHERE id = ?", [conference_id]
            ).fetchone()[0]
            table = screen().shown.table  # type: ignore[union-attr]
            cells = table.meetings.values() if table else []
            return status == "cancelled" and all(c.conference_id != conference_id for c in cells)

        await step("cancel a meeting", cancel, cancelled)
    else:  # nothing booked yet: a family at the school shown
        row = db.execute(
            "SELECT g.name FROM student t JOIN guardianship s ON s.student_id = t.id "
            "JOIN guardian g ON g.id = s.guardian_id WHERE t.school_id = ? AND t.active "
            "ORDER BY t.id LIMIT 1",
            [shown.school_id],
        ).fetchone()
    booked = db.execute(
        "SELECT count(*) FROM event_meeting m JOIN conference c ON c.id = m.conference_id "
        "WHERE c.status = 'scheduled'"
    ).fetchone()[0]

    async def phone() -> None:
        await pilot.press("f", *["space" if c == " " else c for c in row[0]])
        for _ in range(PHONE_KEYS):  # each as soon as what it acts on is shown
            await settle(app)
            await pilot.press("enter")

    def phoned() -> bool:
        count = db.execute(
            "SELECT count(*) FROM event_meeting m JOIN conference c ON c.id = m.conference_id "
            "WHERE c.status = 'scheduled'"
        ).fetchone()[0]
        return isinstance(app.screen, EventScreen) and count > booked and family_shown()

    await step("phone booking", phone, phoned)


def main() -> None:
    from polterm.cli.state import State
    from polterm.ui import start_ui

    mode, db = sys.argv[1], Path(sys.argv[2])
    monitor = StallMonitor()
    app = start_ui(State(db_path=db))  # as `polterm --db DB` opens it
    result: dict[str, Any] = {}

    async def auto_pilot(pilot: Pilot) -> None:
        monitor.start()
        try:
            if mode == "search":
                result.update(await search(app, pilot, db))
            elif mode == "events":  # the event screen's steps alone
                await settle(app)
                step = Steps(app, monitor)
                await event_screen(app, pilot, step)
                result.update(step_stall_ms=step.stalls, step_s=step.seconds)
            else:
                result.update(await walk(app, pilot, monitor))
        finally:
            app.exit()

    app.run(headless=True, size=(120, 40), auto_pilot=auto_pilot)
    if not result:
        raise SystemExit(f"{mode} did not finish (return code {app.return_code})")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
