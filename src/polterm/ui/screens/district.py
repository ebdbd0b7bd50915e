"""Remote-learning periods and involvement activities: the district's and schools' records."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from polterm.services.schools import list_remote_periods
from polterm.ui.widgets.footer import Footer


class DistrictScreen(Screen[None]):
    """Lists both records; the keys add a period, end the highlighted one, add an activity."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "record('remote')", "Add remote period"),
        Binding("x", "end_period", "End period"),
        Binding("i", "record('involvement')", "Add activity"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Remote-learning periods", classes="title")
        yield DataTable(id="remote", cursor_type="row")
        yield Static("Involvement activities", classes="title")
        yield DataTable(id="involvement", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#remote", DataTable).add_columns("Id", "School", "Start", "End", "Days")
        self.query_one("#involvement", DataTable).add_columns(
            "School", "Held on", "Kind", "Attendance", "Note"
        )
        self.reload()

    @work(exclusive=True, thread=True)
    def reload(self) -> None:
        session = self.app.reader()  # type: ignore[attr-defined]
        remote = list_remote_periods(session)
        activities = list(
            session.db.query(
                "SELECT school_id, held_on, kind, attendance, note FROM involvement_activity"
                " ORDER BY held_on DESC, id DESC LIMIT 500"
            )
        )
        self.app.call_from_thread(self.show, remote, activities)

    def show(self, remote: list[dict], activities: list[dict]) -> None:
        table = self.query_one("#remote", DataTable)
        table.clear()
        for r in remote:
            table.add_row(
                str(r["id"]),
                r["school"] or "district-wide",
                r["start"],
                r["end"] or "ongoing",
                str(r["days"]),
                key=str(r["id"]),
            )
        table = self.query_one("#involvement", DataTable)
        table.clear()
        for a in activities:
            table.add_row(
                a["school_id"],
                a["held_on"],
                a["kind"],
                str(a["attendance"] or ""),
                a["note"] or "",
            )

    def action_record(self, kind: str, subject: str | None = None) -> None:
        from polterm.ui.screens.records import RecordForm

        self.app.push_screen(RecordForm(kind, subject), self.app.after_write)  # type: ignore[attr-defined]

    def action_end_period(self) -> None:
        table = self.query_one("#remote", DataTable)
        if table.row_count == 0:
            self.notify("No remote-learning period to end", severity="warning")
            return
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key
        self.action_record("end-remote", str(key.value))
