"""The district's policies: which are in force and from when, each rule with its full
citation, dates and settings; IT staff switch policies on and off and set settings here."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from polterm.errors import PoltermError
from polterm.services.policies import (
    disable_policy,
    enable_policy,
    policy_states,
    policy_text,
    set_setting,
)
from polterm.services.validate import parse_date
from polterm.services.views import policy_rows
from polterm.ui.screens.fields_form import FieldsForm, TextScreen
from polterm.ui.text import literal
from polterm.ui.widgets.footer import Footer
from polterm.ui.widgets.styled import KeepsStyles

IT_ACTIONS = frozenset({"enable", "disable", "set_value"})


class PoliciesScreen(KeepsStyles, Screen[None]):
    """Highlighting a rule shows the policy sentence it implements and its settings' types."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "enable", "Enable"),
        Binding("x", "disable", "Disable"),
        Binding("v", "set_value", "Set a setting"),
        Binding("t", "text", "Policy text"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Policies", classes="title")
        yield DataTable(id="policies", cursor_type="row", zebra_stripes=True)
        yield Static("Rules of the policies in force", classes="title")
        yield DataTable(id="rules", cursor_type="row", zebra_stripes=True)
        yield Static("", id="sentence", classes="muted")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#policies", DataTable).add_columns(
            "Policy", "State", "Version", "Text", "Citation"
        )
        self.query_one("#rules", DataTable).add_columns(
            "Policy", "Rule", "Citation", "From", "To", "Settings"
        )
        self.reload()

    def reload(self) -> None:
        session = self.app.session  # type: ignore[attr-defined]
        self.states = policy_states(session, self.app.today)  # type: ignore[attr-defined]
        self.rows = policy_rows(session)
        policies = self.query_one("#policies", DataTable)
        policies.clear()
        for p in self.states:
            policies.add_row(
                p["policy"], p["state"], p["version"], p["source"], p["citation"], key=p["policy"]
            )
        table = self.query_one("#rules", DataTable)
        table.clear()
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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only IT staff change policies: the keys are not offered to anyone else."""
        if action in IT_ACTIONS:
            return self.app.session.actor.role == "it"  # type: ignore[attr-defined]
        return True

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id != "rules":
            return
        row = self.rows[int(str(event.row_key.value))]
        kinds = "; ".join(f"{k}: {v}" for k, v in row["kinds"].items())
        self.query_one("#sentence", Static).update(
            literal(
                f"{row['title']}: {row['sentence']}" + (f" (settings: {kinds})" if kinds else "")
            )
        )

    def _policy(self) -> dict[str, Any] | None:
        table = self.query_one("#policies", DataTable)
        if not table.row_count:
            return None
        return self.states[table.cursor_row]

    def _rule(self) -> dict[str, Any] | None:
        table = self.query_one("#rules", DataTable)
        if not table.row_count:
            return None
        return self.rows[table.cursor_row]

    def _change(self, verb: str) -> None:
        policy = self._policy()
        if policy is None:
            return
        session = self.app.session  # type: ignore[attr-defined]
        change = enable_policy if verb == "enable" else disable_policy

        def save(values: Any) -> None:
            change(session, policy["policy"], parse_date(values["from"].strip(), "From"))

        today = self.app.today.isoformat()  # type: ignore[attr-defined]
        form = FieldsForm(
            f"{verb.capitalize()} {policy['policy']}", [("from", "From", (), today)], save
        )
        self.app.push_screen(form, self.after_change)

    def action_enable(self) -> None:
        self._change("enable")

    def action_disable(self) -> None:
        self._change("disable")

    def action_set_value(self) -> None:
        rule = self._rule()
        if rule is None or not rule["settings"]:
            self.notify("This rule has no settings", severity="warning")
            return
        session = self.app.session  # type: ignore[attr-defined]
        keys = tuple(rule["settings"])

        def save(values: Any) -> None:
            set_setting(session, rule["policy"], rule["rule"], values["key"], values["value"])

        fields = [("key", "Setting", keys, keys[0]), ("value", "Value", (), "")]
        form = FieldsForm(f"Set a setting of {rule['policy']}/{rule['rule']}", fields, save)
        self.app.push_screen(form, self.after_change)

    def after_change(self, saved: bool | None) -> None:
        """Saved: this screen and the cached dashboard read again (`after_write`)."""
        self.app.after_write(saved)  # type: ignore[attr-defined]

    def action_text(self) -> None:
        policy = self._policy()
        if policy is None:
            return
        try:
            text = policy_text(self.app.session, policy["policy"])  # type: ignore[attr-defined]
        except PoltermError as error:
            self.notify(str(error), severity="warning")
            return
        self.app.push_screen(TextScreen(policy["title"], text))
