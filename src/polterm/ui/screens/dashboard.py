"""Today: what the policies say needs the actor now, and this week's conferences."""

from __future__ import annotations

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Header, LoadingIndicator, Static

from polterm.services.views import Dashboard
from polterm.ui.widgets.footer import Footer


class DashboardScreen(Screen[None]):
    """Findings most urgent first; Enter opens the student or conference a row concerns."""

    shown: Dashboard | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("What needs you now", classes="title")
        yield LoadingIndicator(id="loading")
        yield DataTable(id="findings", cursor_type="row", zebra_stripes=True)
        yield Static("", id="why", classes="muted")
        yield Static("Conferences today and this week", classes="title")
        yield DataTable(id="conferences", cursor_type="row")
        yield Static("", id="counts", classes="muted")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#findings", DataTable).add_columns(
            "Status", "Due", "Student", "School", "Rule", "What is owed"
        )
        self.query_one("#conferences", DataTable).add_columns(
            "When", "Student", "Kind", "Status", "Modality"
        )
        self.reload()

    def on_screen_resume(self) -> None:
        """Back on the dashboard after a write elsewhere: evaluate again."""
        if self.is_mounted and self.app.dashboard_cache is not self.shown:  # type: ignore[attr-defined]
            self.reload()

    def reload(self) -> None:
        cached = self.app.dashboard_cache  # type: ignore[attr-defined]
        if cached is not None:
            self.show(cached)
        else:
            self.query_one("#loading").display = True
            self.load()

    @work(exclusive=True, thread=True)
    def load(self) -> None:
        data = self.app.dashboard_data()  # type: ignore[attr-defined]
        self.app.call_from_thread(self.show, data)

    def show(self, data: Dashboard) -> None:
        self.app.dashboard_cache = self.shown = data  # type: ignore[attr-defined]
        self.query_one("#loading").display = False
        table = self.query_one("#findings", DataTable)
        table.clear()
        for i, f in enumerate(data.findings):
            kind, ident = (
                ("c", f.conference_id) if f.conference_id is not None else ("s", f.student_id)
            )
            table.add_row(
                f.status,
                f.due or "",
                f.student_id or "",
                f.school_id or "",
                f.rule,
                f.message,
                key=f"{kind}:{ident}:{i}",
            )
        confs = self.query_one("#conferences", DataTable)
        confs.clear()
        for row in data.today + data.week:
            confs.add_row(
                row["at"].replace("T", " "),
                row["student"],
                row["kind"],
                row["status"],
                row["modality"],
                key=f"c:{row['id']}",
            )
        schools = ", ".join(f"{k} {v}" for k, v in sorted(data.per_school.items()))
        rules = ", ".join(f"{k} {v}" for k, v in sorted(data.per_rule.items()))
        errors = f" · plugin errors: {'; '.join(data.errors)}" if data.errors else ""
        self.query_one("#counts", Static).update(
            f"{data.total} findings as of {data.as_of} · by school: {schools or 'none'}"
            f" · by rule: {rules or 'none'}{errors}"
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The whole message and its citation, which the table cuts short."""
        data = self.app.dashboard_cache  # type: ignore[attr-defined]
        if event.data_table.id != "findings" or data is None:
            return
        f = data.findings[int(str(event.row_key.value).rsplit(":", 1)[1])]
        self.query_one("#why", Static).update(escape(f"{f.message} — {f.citation}"))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        key = str(event.row_key.value)
        kind, ident = key.split(":")[:2]
        if ident == "None":
            return
        if kind == "s":
            self.app.open_student(ident)  # type: ignore[attr-defined]
        else:
            self.app.open_conference(int(ident))  # type: ignore[attr-defined]
