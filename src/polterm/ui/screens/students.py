"""Students: search as you type, filter, and page from SQLite a hundred rows at a time; the
teacher filter is a picker that pages too (a district has thousands of teachers)."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Checkbox, DataTable, Footer, Header, Input, Select, Static

from polterm.services.session import Session
from polterm.services.views import (
    PAGE_SIZE,
    StudentFilter,
    filter_choices,
    open_students,
    student_page,
)
from polterm.ui.widgets.people import staff_source
from polterm.ui.widgets.picker import PickField
from polterm.ui.widgets.worker import answer

DEBOUNCE_S = 0.25


class StudentsScreen(Screen[None]):
    """Never holds the district: each query asks for one page; more loads near the end."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search", key_display="/"),
        Binding("pagedown", "more", "More", show=False, priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.loaded = 0
        self.exhausted = False
        self.school_id: str | None = None
        self._debounce: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Search name, id or guardian (prefix)…", id="search")
        with Horizontal(id="filters"):
            yield Select([], prompt="School", id="school")
            yield Select([], prompt="Grade", id="grade")
            yield PickField("Teacher", self.teachers, blank="any", id="teacher")
            yield Checkbox("Has open findings", id="open")
        yield DataTable(id="students", cursor_type="row", zebra_stripes=True)
        yield Static("", id="status", classes="muted")
        yield Footer()

    def on_mount(self) -> None:
        choices = filter_choices(self.app.session)  # type: ignore[attr-defined]
        for name in ("school", "grade"):
            self.query_one(f"#{name}", Select).set_options(choices[name])
        self.query_one("#students", DataTable).add_columns(
            "Family", "Given", "Id", "Grade", "School", "Teacher"
        )
        self.query_one("#search", Input).focus()
        self.reload()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def school(self) -> str | None:
        v = self.query_one("#school", Select).value
        return v if isinstance(v, str) else None

    def wanted(self, only_ids: Any = None) -> StudentFilter:
        grade = self.query_one("#grade", Select).value
        return StudentFilter(
            search=self.query_one("#search", Input).value,
            school_id=self.school(),
            grade=grade if isinstance(grade, str) else None,
            teacher_id=self.query_one("#teacher", PickField).value,
            only_ids=only_ids,
        )

    def teachers(
        self, session: Session, text: str, offset: int, limit: int
    ) -> list[tuple[str, str]]:
        """The teacher picker's pages: of the school filtered on, when one is."""
        return staff_source(self.school_id, ("teacher",))(session, text, offset, limit)

    @on(Input.Changed, "#search")
    def search_changed(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE_S, self.reload)

    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(PickField.Changed)
    def filter_changed(self) -> None:
        self.school_id = self.school()  # read by the teacher picker's worker
        self.reload()

    @on(Input.Submitted, "#search")
    def to_table(self) -> None:
        self.query_one("#students", DataTable).focus()

    def reload(self) -> None:
        self.loaded = 0
        self.exhausted = False
        self.query_one("#status", Static).update("Searching…")
        self.fetch(self.wanted(), 0, self.query_one("#open", Checkbox).value)

    def action_more(self) -> None:
        table = self.query_one("#students", DataTable)
        if not self.exhausted:
            self.fetch(self.wanted(), self.loaded, self.query_one("#open", Checkbox).value)
        table.action_page_down()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        table = event.data_table
        if not self.exhausted and event.cursor_row >= table.row_count - 10:
            self.fetch(self.wanted(), self.loaded, self.query_one("#open", Checkbox).value)

    @work(exclusive=True, thread=True, group="students")
    def fetch(self, wanted: StudentFilter, offset: int, open_only: bool) -> None:
        app = self.app
        if open_only:
            ids = open_students(app.reader(), app.today)  # type: ignore[attr-defined]
            wanted = StudentFilter(**{**wanted.__dict__, "only_ids": ids})
        rows = student_page(app.reader(), wanted, offset)  # type: ignore[attr-defined]
        answer(self, self.show, rows, offset)

    def show(self, rows: list[dict[str, Any]], offset: int) -> None:
        table = self.query_one("#students", DataTable)
        if offset == 0:
            table.clear()
        elif offset != self.loaded:
            return  # a page for an older query
        for r in rows:
            table.add_row(
                r["family"],
                r["given"],
                r["id"],
                r["grade"],
                r["school_id"],
                r["teacher"] or "",
                key=r["id"],
            )
        self.loaded = offset + len(rows)
        self.exhausted = len(rows) < PAGE_SIZE
        more = "" if self.exhausted else "+ (PageDown for more)"
        self.query_one("#status", Static).update(f"{table.row_count}{more} students shown")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.app.open_student(str(event.row_key.value))  # type: ignore[attr-defined]
