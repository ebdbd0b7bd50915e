"""Conference days: one school's teachers × slots for a day, the family being served, the
waiting list; book, move and cancel meetings by keys, and plan the event.

Every read runs in a worker on the app's reader connection (the day of a school at 100,000
students reads a few thousand rows); the cursor's cell is checked there as it moves, so a
conflict is refused before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar

from rich.markup import escape
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, Static

from polterm.errors import PoltermError
from polterm.services import event_timetable as tt
from polterm.services.events import list_events
from polterm.services.session import Session
from polterm.ui import reader_session
from polterm.ui.screens.event_grid import SlotTable
from polterm.ui.widgets.footer import Footer
from polterm.ui.widgets.lines import LineTable
from polterm.ui.widgets.styled import KeepsStyles
from polterm.ui.widgets.worker import answer


@dataclass
class Where:
    """Which event, school and day the screen shows, and the family being served."""

    event: int = 0
    school: int = 0
    day: int = 0
    household: str | None = None


@dataclass
class Shown:
    """One read of everything on the screen."""

    events: list[dict[str, Any]]
    schools: list[str] = field(default_factory=list)
    days: list[str] = field(default_factory=list)
    table: tt.Timetable | None = None
    waiting: list[dict[str, Any]] = field(default_factory=list)
    needs: list[dict[str, Any]] = field(default_factory=list)


def read(session: Session, where: Where) -> Shown:
    """What the screen shows for `where` (indices wrap around)."""
    shown = Shown(list_events(session))
    if not shown.events:
        return shown
    event_id = shown.events[where.event % len(shown.events)]["id"]
    shown.schools = tt.visible_schools(session, event_id)
    shown.days = tt.event_days(session, event_id)
    if shown.schools and shown.days:
        school = shown.schools[where.school % len(shown.schools)]
        shown.table = tt.timetable(
            session, event_id, school, shown.days[where.day % len(shown.days)]
        )
    shown.waiting = tt.waiting_list(session, event_id)
    if where.household is not None:
        shown.needs = tt.family_needs(session, event_id, where.household)
    return shown


@contextmanager
def apart(app: App[Any]) -> Iterator[Session]:
    """A session on a connection of its own for a worker's writes, closed after (a booking's
    checks and audit, or a plan, never hold the event loop or the forms' connection)."""
    session = reader_session(app.session)  # type: ignore[attr-defined]
    try:
        yield session
    finally:
        if session is not app.session:  # type: ignore[attr-defined]
            session.db.close()


class EventScreen(KeepsStyles, Screen[None]):
    """Arrows move over teachers and slots; the status line says what the cell allows."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "phone", "Phone"),
        Binding("b", "book", "Book"),
        Binding("v", "move", "Move"),
        Binding("x", "cancel", "Cancel"),
        Binding("2", "double", "Double"),
        Binding("i", "interpreter", "Interpreter"),
        Binding("left_square_bracket", "day(-1)", "Day", key_display="["),
        Binding("right_square_bracket", "day(1)", "Next day", key_display="]", show=False),
        Binding("t", "school", "School"),
        Binding("o", "event", "Next event", show=False),
        Binding("P", "plan", "Plan", key_display="P"),
        Binding("escape", "clear", "Clear", show=False),
    ]

    where = Where()
    shown: Shown | None = None
    moving: int | None = None  # the meeting being moved (conference id)
    jump: tuple[str, str] | None = None  # (teacher, at): the cell cursor goes there next
    double: bool | None = None  # the booking's length: None as the requests ask, else chosen
    pick: int = 0  # which of the free interpreters of the family's language (0: the first)

    def __init__(self) -> None:
        super().__init__()
        self.where = Where()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Conference days", id="event-title", classes="title")
        yield SlotTable("Teacher", zebra=False, id="grid")
        yield Static("", id="event-status", classes="muted")
        with Horizontal(id="event-lower"):
            with Vertical():
                yield Static("Family", id="family-title", classes="title")
                yield LineTable("When", "Teacher", "Student", zebra=False, id="family")
            with Vertical():
                yield Static("Waiting list", id="waiting-title", classes="title")
                yield LineTable("Student", "Teacher", "Priority", "Prefers", id="waiting")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#grid").focus()
        self.reload()

    def reload(self) -> None:
        self.load(Where(**vars(self.where)))

    @work(thread=True, exclusive=True, group="event-read")
    def load(self, where: Where) -> None:
        try:
            shown = read(self.app.reader(), where)  # type: ignore[attr-defined]
        except PoltermError as error:
            answer(self, self.say, f"[b]Refused:[/] {escape(str(error))}")
            return
        answer(self, self.show, shown)

    def show(self, shown: Shown) -> None:
        self.shown = shown
        table = shown.table
        title = self.query_one("#event-title", Static)
        if table is None:
            title.update("No conference event in your reach (`polterm event add` makes one)")
            return
        event = shown.events[self.where.event % len(shown.events)]
        title.update(
            escape(
                f"{event['name']} · school {table.school_id} · {table.day} "
                f"(day {self.where.day % len(shown.days) + 1} of {len(shown.days)}) · "
                f"{table.slot_minutes}-minute slots · {len(table.meetings)} meetings"
            )
        )
        grid = self.query_one("#grid", SlotTable)
        grid.show_day(table)
        if self.jump is not None and self.jump[1][:10] == table.day:
            staff_id, at = self.jump
            rows = [t for t, _ in table.teachers]
            if staff_id in rows and at[11:16] in table.slots:
                grid.cursor_row = rows.index(staff_id)
                grid.cursor_column = table.slots.index(at[11:16])
        self.jump = None
        self.query_one("#waiting", LineTable).set_rows(
            (
                str(r["id"]),
                (r["student"], r["teacher"], str(r["priority"]), r["prefer"]),
            )
            for r in shown.waiting
        )
        self.query_one("#waiting-title", Static).update(
            f"Waiting list: {len(shown.waiting)}"
            f"{' or more' if len(shown.waiting) >= tt.WAITING_PAGE else ''} requests not booked"
        )
        self.show_family()
        self.check()

    def show_family(self) -> None:
        shown = self.shown
        needs = shown.needs if shown else []
        title = "Family: none chosen (f finds one by name)"
        if self.where.household is not None:
            title = f"Family {self.where.household}: its meetings at the event ({len(needs)})"
        self.query_one("#family-title", Static).update(escape(title))
        self.query_one("#family", LineTable).set_rows(
            (
                f"{n['student_id']}:{n['staff_id']}",
                ((n["at"] or "not booked").replace("T", " "), n["teacher"], n["student"]),
            )
            for n in needs
        )

    def say(self, text: str) -> None:
        """The status line, said again at each cursor move: its height is fixed, so the
        screen is not laid out again (a layout of this screen takes tens of ms at 100k)."""
        self.query_one("#event-status", Static).update(text, layout=False)

    def cursor(self) -> tuple[str, int] | None:
        """The teacher and slot under the cell cursor."""
        table = self.shown.table if self.shown else None
        grid = self.query_one("#grid", SlotTable)
        if table is None or not table.teachers or not table.slots:
            return None
        return table.teachers[grid.cursor_row][0], grid.cursor_column

    def need_for(self, staff_id: str) -> dict[str, Any] | None:
        """The family's first meeting with this teacher not yet booked."""
        needs = self.shown.needs if self.shown else []
        return next((n for n in needs if n["staff_id"] == staff_id and not n["at"]), None)

    def on_slot_table_cell_highlighted(self, _: SlotTable.CellHighlighted) -> None:
        self.check()

    def check(self) -> None:
        """Say what the cell under the cursor holds and whether the pending booking fits."""
        here = self.cursor()
        if here is None or self.shown is None or self.shown.table is None:
            return
        table = self.shown.table
        staff_id, slot = here
        held = table.meetings.get(here)
        when = table.slots[slot]
        need = self.need_for(staff_id)
        if self.moving is not None or (held is None and need is not None):
            self.say(f"{when}: checking…")
            self.judge(table, staff_id, slot, None if self.moving else need, self.moving)
        elif held is not None and held.label:
            how = "booked by hand" if held.by_hand else "planned"
            self.say(
                escape(f"{when} {held.label} (conference {held.conference_id}, {how})")
                + " · v move · x cancel"
            )
        elif held is not None:
            self.say(f"{when} busy: a meeting about a student outside your reach")
        elif here in table.other:
            self.say(f"{when}: the teacher is in a conference outside the event")
        else:
            self.say(f"{when} {'free' if here not in table.away else 'teacher unavailable'}")

    @work(thread=True, exclusive=True, group="event-check")
    def judge(
        self,
        table: tt.Timetable,
        staff_id: str,
        slot: int,
        need: dict[str, Any] | None,
        moving: int | None,
    ) -> None:
        """In a worker: may the family's meeting (or the one being moved) take this slot?"""
        session = self.app.reader()  # type: ignore[attr-defined]
        try:
            if moving is not None:
                household, student_id, what = tt.meeting_party(session, moving)
                label = f"move {what} here"
                key = "v drops it here · Escape leaves it"
                why = tt.why_not(session, table, staff_id, slot, household, student_id, moving)
            else:
                assert need is not None and self.where.household is not None
                household, student_id = self.where.household, need["student_id"]
                length = self.length(need)
                interpreter = self.interpreter(session, table, slot, length, student_id)
                label = f"book {need['student']} with {need['teacher']}" + (
                    ", double" if length == 2 else ""
                )
                key = "b books · 2 double or single"
                if interpreter is not None:
                    label += f", interpreter {interpreter}"
                    key += " · i another interpreter"
                why = tt.why_not(
                    session, table, staff_id, slot, household, student_id, None, length,
                    interpreter,
                )  # fmt: skip
        except PoltermError as error:
            why, label, key = str(error), "", ""
        text = f"{table.slots[slot]}: " + (
            f"[b]refused[/]: {escape(why)}" if why else f"{escape(label)} · {key}"
        )
        answer(self, self.say, text)

    def length(self, need: dict[str, Any]) -> int:
        """The slots the booking takes: as chosen with `2`, else as the requests ask."""
        return 2 if (need["double"] if self.double is None else self.double) else 1

    def interpreter(
        self, session: Session, table: tt.Timetable, slot: int, length: int, student_id: str
    ) -> str | None:
        """The interpreter `i` has come to among those free then (None: none needed or free)."""
        assert self.where.household is not None
        language = tt.interpreter_language(session, self.where.household, student_id)
        if language is None:
            return None
        free = tt.free_interpreters(session, table, slot, length, language)
        return free[self.pick % len(free)] if free else None

    def action_book(self) -> None:
        here = self.cursor()
        if here is None or self.shown is None or self.shown.table is None:
            return
        need = self.need_for(here[0])
        household = self.where.household
        if household is None or need is None:
            self.say("Choose a family first (f); its meetings with this teacher are all booked")
            return
        staff_id, slot = here
        length = self.length(need)

        def book(session: Session, table: tt.Timetable) -> None:
            interpreter = self.interpreter(session, table, slot, length, need["student_id"])
            tt.book(session, table, staff_id, slot, household, need["student_id"], length,
                    interpreter)  # fmt: skip

        self.write(
            book,
            f"Booked {need['student']} with {need['teacher']} at {self.shown.table.slots[slot]}",
        )

    def action_double(self) -> None:
        """The next booking takes two slots in a row, or one (pressed again)."""
        need = self.need_for(self.cursor()[0]) if self.cursor() else None
        self.double = not (need and self.length(need) == 2)
        self.check()

    def action_interpreter(self) -> None:
        """The next free interpreter of the family's language interprets the next booking."""
        self.pick += 1
        self.check()

    def action_move(self) -> None:
        here = self.cursor()
        if here is None or self.shown is None or self.shown.table is None:
            return
        if self.moving is None:
            held = self.shown.table.meetings.get(here)
            if held is None or not held.label:
                self.say("No meeting of yours here to move")
                return
            self.moving = held.conference_id
            self.say(f"Moving conference {held.conference_id}: arrows to a slot, v drops it")
            return
        moving, self.moving = self.moving, None
        self.write(
            lambda s, t: tt.move(s, t, moving, here[1]),
            f"Moved conference {moving} to {self.shown.table.slots[here[1]]}",
        )

    def action_cancel(self) -> None:
        here = self.cursor()
        table = self.shown.table if self.shown else None
        held = table.meetings.get(here) if table and here else None
        if held is None or not held.label:
            self.say("No meeting of yours here to cancel")
            return
        self.write(
            lambda s, t: tt.cancel(s, t.event_id, held.conference_id),
            f"Cancelled conference {held.conference_id}",
        )

    def write(self, change: Any, done: str) -> None:
        """Make a change through the services, in a worker; a refusal is said, never raised."""
        assert self.shown is not None and self.shown.table is not None
        self.say("Saving…")
        self.save(change, done, self.shown.table)

    @work(thread=True, exclusive=True, group="event-write")
    def save(self, change: Any, done: str, table: tt.Timetable) -> None:
        with apart(self.app) as session:
            try:
                change(session, table)
            except PoltermError as error:
                answer(self, self.say, f"[b]Refused:[/] {escape(str(error))}")
                return
        answer(self, self.written, done)

    def written(self, done: str) -> None:
        self.double, self.pick = None, 0
        self.notify(done)
        self.say(escape(done))
        self.app.after_write(True)  # type: ignore[attr-defined]

    def action_clear(self) -> None:
        self.moving, self.double, self.pick = None, None, 0
        self.check()

    def action_day(self, step: int) -> None:
        self.where.day += step
        self.reload()

    def action_school(self) -> None:
        self.where.school += 1
        self.reload()

    def action_event(self) -> None:
        self.where = Where(event=self.where.event + 1)
        self.reload()

    def event_id(self) -> str | None:
        shown = self.shown
        return (
            shown.events[self.where.event % len(shown.events)]["id"]
            if shown and shown.events
            else None
        )

    def action_phone(self) -> None:
        from polterm.ui.screens.event_phone import PhoneBooking

        event_id = self.event_id()
        if event_id is not None:
            self.app.push_screen(PhoneBooking(event_id), self.phoned)

    def phoned(self, booked: tt.Booking | None) -> None:
        """Back from a phone call: show the family and the day and school of its meeting."""
        if booked is None:
            return
        self.where.household = booked.household
        self.jump = (booked.staff_id, booked.at)
        shown = self.shown
        if shown is not None:
            if booked.school_id in shown.schools:
                self.where.school = shown.schools.index(booked.school_id)
            if booked.at[:10] in shown.days:
                self.where.day = shown.days.index(booked.at[:10])
        self.app.after_write(True)  # type: ignore[attr-defined]

    def action_plan(self) -> None:
        from polterm.ui.screens.event_run import PlanRun

        event_id = self.event_id()
        if event_id is not None:
            self.app.push_screen(PlanRun(event_id), lambda _: self.reload())

    def on_line_table_row_selected(self, event: LineTable.RowSelected) -> None:
        """Enter on the waiting list serves that student's family."""
        if event.table.id != "waiting" or self.shown is None:
            return
        row = self.shown.waiting[event.cursor_row]
        self.pick_family(row["student_id"])

    @work(thread=True, exclusive=True, group="event-read")
    def pick_family(self, student_id: str) -> None:
        household = tt.household_of(self.app.reader(), student_id)  # type: ignore[attr-defined]
        if household is None:
            answer(self, self.say, "The student has no guardian to invite")
            return
        self.where.household = household
        answer(self, self.reload)
