"""The district's active policies: each rule with its citation, dates and settings in force."""

from __future__ import annotations

import json

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from polterm.services.views import policy_rows
from polterm.ui.widgets.footer import Footer
from polterm.ui.widgets.styled import KeepsStyles


class PoliciesScreen(KeepsStyles, Screen[None]):
    """Highlighting a rule shows the policy sentence it implements."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Active policies and their rules", classes="title")
        yield DataTable(id="rules", cursor_type="row", zebra_stripes=True)
        yield Static("", id="sentence", classes="muted")
        yield Footer()

    def on_mount(self) -> None:
        self.rows = policy_rows(self.app.session)  # type: ignore[attr-defined]
        table = self.query_one("#rules", DataTable)
        table.add_columns("Policy", "Rule", "Citation", "From", "To", "Settings")
        for i, r in enumerate(self.rows):
            table.add_row(
                r["policy"],
                r["rule"],
                r["citation"],
                r["from"],
                r["to"],
                json.dumps(r["settings"]),
                key=str(i),
            )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        row = self.rows[int(str(event.row_key.value))]
        self.query_one("#sentence", Static).update(f"{row['title']}: {row['sentence']}")
