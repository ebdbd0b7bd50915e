"""Students: search as you type, filter, and page from SQLite (a screenful first, then a hundred
rows at a time); the teacher filter is a picker that pages too (a district has thousands of
teachers)."""

from __future__ import annotations

import sqlite3
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Checkbox, Header, Input, Select, Static
from textual.worker import get_current_worker

from polterm.services.session import Session
from polterm.services.views import (
    PAGE_SIZE,
    StudentFilter,
    filter_choices,
    student_page,
)
from polterm.storage.progress import stop_when
from polterm.ui import STEPS_PER_LOOK
from polterm.ui.text import plain
from polterm.ui.widgets.footer import Footer
from polterm.ui.widgets.lines import LineTable
from polterm.ui.widgets.people import staff_source
from polterm.ui.widgets.picker import PickField
from polterm.ui.widgets.search import SearchBox
from polterm.ui.widgets.styled import KeepsStyles
from polterm.ui.widgets.worker import answer


def first_page_rows(height: int) -> int:
    """How many students the first page of a search holds on a terminal `height` rows tall: a
    screenful and a few more, so a keystroke's query looks for no more than it shows (for a
    first letter at a million students, about half the time of a hundred rows); PageDown and
    the cursor bring the rest a hundred at a time."""
    return min(PAGE_SIZE, height + 10)


class StudentsScreen(KeepsStyles, Screen[None]):
    """Never holds the district: each query asks for one page; more loads near the end.
    Every key searches at once: the query it replaces is abandoned where it is."""

    DEFAULT_CSS = "StudentsScreen #status { height: 1; }"  # its updates need no layout
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search", key_display="/"),
        Binding("pagedown", "more", "More", show=False, priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.loaded = 0
        self.exhausted = False
        self.asked = 0  # the offset of the page last asked for
        self.school_id: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="search-row"):  # the checkbox here leaves the school its name's width
            yield SearchBox(placeholder="Search name, id or guardian (prefix)…", id="search")
            yield Checkbox("Has open findings", id="open")
        with Horizontal(id="filters"):
            yield Select([], prompt="School", id="school")
            yield Select([], prompt="Grade", id="grade")
            yield PickField("Teacher", self.teachers, blank="any", id="teacher")
        yield LineTable("Family", "Given", "Id", "Grade", "School", "Teacher", id="students")
        yield Static("", id="status", classes="muted")
        yield Footer()

    def on_mount(self) -> None:
        choices = filter_choices(self.app.session)  # type: ignore[attr-defined]
        for name in ("school", "grade"):
            self.query_one(f"#{name}", Select).set_options(
                [(plain(label), value) for label, value in choices[name]]
            )
        self.query_one("#search", Input).focus()
        self.reload()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def school(self) -> str | None:
        v = self.query_one("#school", Select).value
        return v if isinstance(v, str) else None

    def wanted(self) -> StudentFilter:
        grade = self.query_one("#grade", Select).value
        open_only = self.query_one("#open", Checkbox).value
        return StudentFilter(
            search=self.query_one("#search", Input).value,
            school_id=self.school(),
            grade=grade if isinstance(grade, str) else None,
            teacher_id=self.query_one("#teacher", PickField).value,
            open_on=self.app.today if open_only else None,  # type: ignore[attr-defined]
        )

    def teachers(
        self, session: Session, text: str, offset: int, limit: int
    ) -> list[tuple[str, str]]:
        """The teacher picker's pages: of the school filtered on, when one is."""
        return staff_source(self.school_id, ("teacher",))(session, text, offset, limit)

    @on(Input.Changed, "#search")
    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(PickField.Changed)
    def narrowed(self) -> None:
        self.school_id = self.school()  # read by the teacher picker's worker
        self.reload()

    @on(Input.Submitted, "#search")
    def to_table(self) -> None:
        self.query_one("#students", LineTable).focus()

    def reload(self) -> None:
        self.loaded = self.asked = 0
        self.exhausted = False
        self.query_one("#status", Static).update("Searching…", layout=False)
        self.fetch(self.wanted(), 0)

    def ask_more(self) -> None:
        """Ask for the next page once: a key while it is on its way would restart its query."""
        if not self.exhausted and self.asked != self.loaded:
            self.asked = self.loaded
            self.fetch(self.wanted(), self.loaded)

    def action_more(self) -> None:
        self.ask_more()
        self.query_one("#students", LineTable).action_page_down()

    def on_line_table_row_highlighted(self, event: LineTable.RowHighlighted) -> None:
        if event.cursor_row >= event.table.row_count - 10:
            self.ask_more()

    @work(exclusive=True, thread=True, group="students")
    def fetch(self, wanted: StudentFilter, offset: int) -> None:
        app = self.app
        reader = app.reader()  # type: ignore[attr-defined]
        worker = get_current_worker()
        limit = PAGE_SIZE if offset else first_page_rows(app.size.height)
        try:
            with stop_when(reader.db, lambda: worker.is_cancelled, STEPS_PER_LOOK):
                rows = student_page(reader, wanted, offset, limit)
        except sqlite3.OperationalError:
            if worker.is_cancelled:
                return  # interrupted: a newer key or filter asked again
            raise
        answer(self, self.show, rows, offset, limit)

    def show(self, rows: list[dict[str, Any]], offset: int, limit: int) -> None:
        if offset not in (0, self.loaded):
            return  # a page for an older query
        table = self.query_one("#students", LineTable)
        cells = (
            (
                r["id"],
                (r["family"], r["given"], r["id"], r["grade"], r["school_id"], r["teacher"] or ""),
            )
            for r in rows
        )
        if offset:
            table.add_rows(cells)
        else:
            table.set_rows(cells)
        self.loaded = offset + len(rows)
        self.exhausted = len(rows) < limit
        more = "" if self.exhausted else "+ (PageDown for more)"
        status = f"{table.row_count}{more} students shown"
        self.query_one("#status", Static).update(status, layout=False)

    def on_line_table_row_selected(self, event: LineTable.RowSelected) -> None:
        self.app.open_student(event.key)  # type: ignore[attr-defined]
