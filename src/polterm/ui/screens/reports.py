"""The involvement report of a school and year: each active policy's section, saved on ctrl+s."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Select, Static

from polterm.engine import report_sections
from polterm.policy import ReportRequest


def report_text(session, school_id: str, year: str, as_of: date) -> str:  # type: ignore[no-untyped-def]
    """The report as plain text, built from the policies' `polterm_report_sections`."""
    session.authorize("report.read", school_id=school_id)
    start, end = session.db.execute(
        "SELECT start, end FROM school_year WHERE name = ?", [year]
    ).fetchone()
    request = ReportRequest(
        school_id, year, date.fromisoformat(start), date.fromisoformat(end), as_of
    )
    out = [f"Parental involvement report · {school_id} · {year} · as of {as_of}"]
    sections, errors = report_sections(session.db, session.registry, request)
    for section in sections:
        out.append(f"\n{section.title} ({section.policy})")
        out += [f"  {k}: {v}" for k, v in section.facts.items()]
        for name, rows in section.tables.items():
            out.append(f"  {name}:")
            out += ["    " + ", ".join(f"{k}={v}" for k, v in r.items()) for r in rows]
    out += [f"error: {e}" for e in errors]
    return "\n".join(out)


class ReportsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "save", "Save to file")]

    def compose(self) -> ComposeResult:
        db = self.app.session.db  # type: ignore[attr-defined]
        yield Header()
        with Horizontal(id="filters"):
            yield Select(
                [(n, i) for i, n in db.execute("SELECT id, name FROM school ORDER BY name")],
                prompt="School",
                id="school",
            )
            yield Select(
                [(n, n) for (n,) in db.execute("SELECT name FROM school_year ORDER BY start DESC")],
                prompt="Year",
                id="year",
            )
            yield Input("involvement-report.txt", id="path")
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
        self.query_one("#report", Static).update(text)

    def action_save(self) -> None:
        text = getattr(self, "text", None)
        if not text:
            self.notify("Choose a school and a year first", severity="warning")
            return
        path = Path(self.query_one("#path", Input).value)
        path.write_text(text + "\n")
        self.notify(f"Saved to {path}")
