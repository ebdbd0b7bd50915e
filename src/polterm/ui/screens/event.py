"""A conference event's day at one school: teachers × slots; book, cancel, plan by keys."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Header, Input, Static

from polterm.errors import PoltermError
from polterm.services import events
from polterm.services.conferences import update_conference
from polterm.services.session import Session
from polterm.ui.widgets.footer import Footer
from polterm.ui.widgets.styled import KeepsStyles

PLAN_SECONDS = 20.0  # a plan run from the screen: short, the command line takes longer ones


class EventScreen(KeepsStyles, Screen[None]):
    """The timetable is read in a worker; the plan runs in one, on a connection of its own."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "day(-1)", "Day before"),
        Binding("right_square_bracket", "day(1)", "Day after"),
        Binding("less_than_sign", "school(-1)", "School before"),
        Binding("greater_than_sign", "school(1)", "School after"),
        Binding("b", "book", "Book"),
        Binding("x", "cancel_meeting", "Cancel meeting"),
        Binding("R", "plan", "Plan the event"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self, event_id: str) -> None:
        super().__init__()
        self.event_id = event_id
        self.days: list[str] = []
        self.schools: list[str] = []
        self.day = self.school = 0
        self.cells: dict[tuple[int, int], int] = {}  # (row, column) -> conference id
        self.table: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="title")
        yield DataTable(id="timetable", cursor_type="cell", zebra_stripes=True)
        yield Static(id="quality")
        yield Footer()

    def on_mount(self) -> None:
        session = self.app.session  # type: ignore[attr-defined]
        self.days = [
            d
            for (d,) in session.db.execute(
                "SELECT day FROM event_day WHERE event_id = ? ORDER BY day", [self.event_id]
            )
        ]
        self.schools = events.event_schools(session, self.event_id)
        self.reload()

    def reload(self) -> None:
        """Read the timetable of the day and school shown."""
        if self.days and self.schools:
            self.read(self.schools[self.school], self.days[self.day])

    @work(exclusive=True, thread=True, group="timetable")
    def read(self, school: str, day: str) -> None:
        app = self.app
        table = events.timetable(app.reader(), self.event_id, school, day)  # type: ignore[attr-defined]
        app.call_from_thread(self.show, table)

    def show(self, table: dict[str, Any]) -> None:
        self.table = table
        booked = sum(len(r["cells"]) for r in table["rows"])
        self.query_one("#title", Static).update(
            f"Event {self.event_id} · school {table['school']} · {table['day']} · "
            f"{len(table['rows'])} teachers · {booked} slots booked"
        )
        grid = self.query_one("#timetable", DataTable)
        at_row, at_column = grid.cursor_coordinate  # kept across a reload where it still fits
        grid.clear(columns=True)
        grid.add_columns("Teacher", *table["slots"])
        self.cells = {}
        for r, row in enumerate(table["rows"]):
            cells = []
            for c, slot in enumerate(table["slots"], start=1):
                meeting = row["cells"].get(slot)
                if meeting is not None:
                    self.cells[(r, c)] = meeting[0]
                cells.append(meeting[1] if meeting else "·")
            grid.add_row(row["name"], *cells)
        grid.move_cursor(row=at_row, column=at_column)

    def action_day(self, step: int) -> None:
        if self.days:
            self.day = (self.day + step) % len(self.days)
            self.reload()

    def action_school(self, step: int) -> None:
        if self.schools:
            self.school = (self.school + step) % len(self.schools)
            self.reload()

    def action_cancel_meeting(self) -> None:
        """Cancel the meeting under the cursor (audited); its slot is free for the next plan."""
        grid = self.query_one("#timetable", DataTable)
        conference_id = self.cells.get(tuple(grid.cursor_coordinate))
        if conference_id is None:
            self.notify("No meeting in this slot", severity="warning")
            return
        try:
            update_conference(self.app.session, conference_id, {"status": "cancelled"})  # type: ignore[attr-defined]
        except PoltermError as error:
            self.notify(error.message, severity="error")
            return
        self.notify(f"Conference {conference_id} cancelled")
        self.app.after_write(True)  # type: ignore[attr-defined]
        self.reload()

    def action_book(self) -> None:
        """Book a student with the teacher of the row at the slot of the column, by hand."""
        grid = self.query_one("#timetable", DataTable)
        row, column = grid.cursor_coordinate
        if not self.table.get("rows") or column == 0 or (row, column) in self.cells:
            self.notify("Choose a free slot of a teacher", severity="warning")
            return
        staff = self.table["rows"][row]
        at = f"{self.table['day']}T{self.table['slots'][column - 1]}"
        prompt = f"Book with {staff['name']} at {at}: the student's id"

        def chosen(student: str | None) -> None:
            if student:
                self.book(student.strip(), staff["staff_id"], at)

        self.app.push_screen(AskDialog(prompt), chosen)

    @work(exclusive=True, thread=True, group="book")
    def book(self, student: str, staff_id: str, at: str) -> None:
        from polterm.services.event_plan import book_meeting

        def write(session: Session) -> str:
            return (
                f"Booked: conference {book_meeting(session, self.event_id, student, staff_id, at)}"
            )

        message, failed = self.written(write)
        self.app.call_from_thread(self.booked, message, "error" if failed else "information")

    def booked(self, message: str, severity: str) -> None:
        self.notify(message, severity=severity)  # type: ignore[arg-type]
        self.app.after_write(True)  # type: ignore[attr-defined]
        self.reload()

    def action_plan(self) -> None:
        self.query_one("#quality", Static).update("Planning …")
        self.plan()

    @work(exclusive=True, thread=True, group="plan")
    def plan(self) -> None:
        from polterm.services.event_plan import plan_event

        def write(session: Session) -> str:
            return summary(plan_event(session, self.event_id, time_limit=PLAN_SECONDS).contract())

        text, failed = self.written(write)
        self.app.call_from_thread(self.planned, f"Not planned: {text}" if failed else text)

    def planned(self, text: str) -> None:
        self.query_one("#quality", Static).update(text)
        self.app.after_write(True)  # type: ignore[attr-defined]
        self.reload()

    def written(self, write: Callable[[Session], str]) -> tuple[str, bool]:
        """From a worker: a write on a connection of its own (the forms keep the app's); its
        message, and whether it was refused."""
        from polterm.ui import reader_session

        app = self.app
        session = reader_session(app.session)  # type: ignore[attr-defined]
        try:
            return write(session), False
        except PoltermError as error:
            return error.message, True
        finally:
            if session is not app.session:  # type: ignore[attr-defined]
                session.db.close()


class AskDialog(ModalScreen[str | None]):
    """One line asked for: Enter gives it, Escape gives nothing."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", "Cancel")]
    DEFAULT_CSS = "AskDialog { align: center middle; } AskDialog > Input { width: 60; }"

    def __init__(self, prompt: str) -> None:
        super().__init__()
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self.prompt)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)


def summary(data: dict[str, Any]) -> str:
    """The plan's quality in a few lines, as the command prints it in full."""
    solver, base = data["solver"], data["baseline"]
    wait, base_wait = data["family_wait_minutes"], base["family_wait_minutes"]
    gap = "unknown" if solver["gap"] is None else f"{solver['gap']:.1%}"
    reasons = Counter(u["reason"] for u in data["unplaced"])
    waiting = ", ".join(f"{n} {r}" for r, n in reasons.items()) or "none"
    return (
        f"Placed {data['placed']} of {data['requested']} (first come, first served: "
        f"{base['placed']}) · waiting mean {wait['mean']:g} min, p95 {wait['p95']:g} "
        f"(FCFS {base_wait['mean']:g}, {base_wait['p95']:g}) · solver {solver['status']}, "
        f"gap {gap} · {data['written']} written · waiting list: {waiting}"
    )
