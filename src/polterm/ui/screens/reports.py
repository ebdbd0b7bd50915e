"""The involvement report of a school and year, as the report command builds it, rendered as
Markdown; ctrl+s asks where to save it. The choice of school and year lasts the session."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Markdown, Select

from polterm.exporters.files import atomic_output
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


def write_text(path: Path, text: str) -> None:
    """The report's file, whole or not at all."""
    with atomic_output(path) as f:
        f.write(text + "\n")  # type: ignore[attr-defined]


class ReportsScreen(KeepsStyles, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "save", "Save to file")]

    text = ""  # the report shown, as Markdown

    def compose(self) -> ComposeResult:
        session = self.app.session  # type: ignore[attr-defined]
        school, year = self.app.report_choice  # type: ignore[attr-defined]
        schools = [(plain(r["name"]), r["id"]) for r in list_schools(session)]
        years = [(n, n) for n in school_years(session)]
        yield Header()
        with Horizontal(id="filters", classes="row"):
            yield Select(
                schools,
                prompt="School",
                value=school if school in dict(schools).values() else Select.NULL,
                id="school",
            )
            yield Select(
                years,
                prompt="Year",
                value=year if year in dict(years) else Select.NULL,
                id="year",
            )
        with VerticalScroll(id="detail"):
            yield Markdown("Choose a school and a year.", id="report")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def chosen(self) -> tuple[str, str] | None:
        school = self.query_one("#school", Select).value
        year = self.query_one("#year", Select).value
        if isinstance(school, str) and isinstance(year, str):
            return school, year
        return None

    @on(Select.Changed)
    def reload(self) -> None:
        """Build the report of the school and year chosen, which the app keeps for the session."""
        choice = self.chosen()
        if choice is not None:
            self.app.report_choice = choice  # type: ignore[attr-defined]
            self.build(*choice)

    @work(exclusive=True, thread=True)
    def build(self, school: str, year: str) -> None:
        app = self.app
        try:
            text = report_text(app.reader(), school, year, app.today)  # type: ignore[attr-defined]
        except Exception as error:
            text = ""
            app.call_from_thread(self.notify, str(error), severity="error", title="No report")
        app.call_from_thread(self.show, text)

    def show(self, text: str) -> None:
        self.text = text
        self.query_one("#report", Markdown).update(text or "No report.")

    def action_save(self) -> None:
        from polterm.ui.widgets.savefile import SaveFileDialog, safe_name

        choice = self.chosen()
        if not self.text or choice is None:
            self.notify("Choose a school and a year first", severity="warning")
            return
        text = self.text
        school, year = choice
        self.app.push_screen(
            SaveFileDialog(
                "Save the involvement report to",
                safe_name(f"involvement-report-{school}-{year}.md"),
                lambda path: write_text(path, text),
            )
        )
