"""The start-up benchmark's reference: Header, a one-row DataTable, Footer, exit once painted."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header


class Minimal(App[None]):
    """The smallest real screen: what any Textual app pays to paint."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("student", "school")
        table.add_row("Sam Example", "Demo Elementary")
        self.call_after_refresh(self.exit)
