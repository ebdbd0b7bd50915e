"""Remote-learning periods and involvement activities: the district's and schools' records."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, Static

from polterm.services.schools import list_remote_periods
from polterm.services.views import involvement_activities
from polterm.ui.widgets.footer import Footer
from polterm.ui.widgets.lines import LineTable
from polterm.ui.widgets.styled import KeepsStyles


class DistrictScreen(KeepsStyles, Screen[None]):
    """Lists both records; the keys add a period, end the highlighted one, add an activity."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "record('remote')", "Add remote period"),
        Binding("x", "end_period", "End period"),
        Binding("i", "record('involvement')", "Add activity"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Remote-learning periods", classes="title")
        yield LineTable("Id", "School", "Start", "End", "Days", id="remote")
        yield Static("Involvement activities", classes="title")
        yield LineTable("School", "Held on", "Kind", "Attendance", "Note", id="involvement")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    @work(exclusive=True, thread=True)
    def reload(self) -> None:
        session = self.app.reader()  # type: ignore[attr-defined]
        remote = list_remote_periods(session)
        activities = involvement_activities(session)
        self.app.call_from_thread(self.show, remote, activities)

    def show(self, remote: list[dict], activities: list[dict]) -> None:
        """Both lists as LineTables: a DataTable measured 500 activities' cells (~100 ms)."""
        self.query_one("#remote", LineTable).set_rows(
            (
                str(r["id"]),
                (
                    str(r["id"]),
                    r["school"] or "district-wide",
                    r["start"],
                    r["end"] or "ongoing",
                    str(r["days"]),
                ),
            )
            for r in remote
        )
        self.query_one("#involvement", LineTable).set_rows(
            (
                str(i),
                (
                    a["school_id"],
                    a["held_on"],
                    a["kind"],
                    str(a["attendance"] or ""),
                    a["note"] or "",
                ),
            )
            for i, a in enumerate(activities)
        )

    def action_record(self, kind: str, subject: str | None = None) -> None:
        from polterm.ui.screens.records import RecordForm

        self.app.push_screen(RecordForm(kind, subject), self.app.after_write)  # type: ignore[attr-defined]

    def action_end_period(self) -> None:
        table = self.query_one("#remote", LineTable)
        if table.row_count == 0:
            self.notify("No remote-learning period to end", severity="warning")
            return
        self.action_record("end-remote", table.row_keys[table.cursor_row])
