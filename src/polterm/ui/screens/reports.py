"""The involvement report of a school and year, as the report command builds it; ctrl+s saves it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, Select, Static

from polterm.reports.involvement import build_report, render_markdown
from polterm.services.schools import list_schools
from polterm.services.session import Session
from polterm.services.views import school_years
from polterm.ui.text import plain
from polterm.ui.widgets.footer import Footer
from polterm.ui.widgets.styled import KeepsStyles


def report_text(session: Session, school_id: str, year: str, as_of: date) -> str:
    """The report as `polterm report involvement` writes it (Markdown), for screen and file."""
    return render_markdown(build_report(session, school_id, year, as_of))


class ReportsScreen(KeepsStyles, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "save", "Save to file")]

    def compose(self) -> ComposeResult:
        session = self.app.session  # type: ignore[attr-defined]
        yield Header()
        with Horizontal(id="filters", classes="row"):
            yield Select(
                [(plain(r["name"]), r["id"]) for r in list_schools(session)],
                prompt="School",
                id="school",
            )
            yield Select(
                [(n, n) for n in school_years(session)],
                prompt="Year",
                id="year",
            )
            yield Input("involvement-report.md", id="path")
        with VerticalScroll(id="detail"):
            yield Static("Choose a school and a year.", id="report")
        yield Footer()

    @on(Select.Changed)
    def chosen(self) -> None:
        school, year = (
            self.query_one("#school", Select).value,
            self.query_one("#year", Select).value,
        )
        if isinstance(school, str) and isinstance(year, str):
            self.build(school, year)

    @work(exclusive=True, thread=True)
    def build(self, school: str, year: str) -> None:
        app = self.app
        try:
            text = report_text(app.reader(), school, year, app.today)  # type: ignore[attr-defined]
        except Exception as error:
            text = f"error: {error}"
        app.call_from_thread(self.show, text)

    def show(self, text: str) -> None:
        self.text = text
        self.query_one("#report", Static).update(Text(text))  # Markdown, not Rich markup

    def action_save(self) -> None:
        text = getattr(self, "text", None)
        if not text:
            self.notify("Choose a school and a year first", severity="warning")
            return
        path = Path(self.query_one("#path", Input).value)
        path.write_text(text + "\n")
        self.notify(f"Saved to {path}", markup=False)
