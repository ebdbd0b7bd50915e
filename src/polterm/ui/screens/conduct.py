"""Conduct a conference: the policies' checklists, the record of the problem, and mark it held;
a student at the escalation stage shows that stage's steps too."""

from __future__ import annotations

import json
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Static, TextArea

from polterm.errors import PoltermError
from polterm.services.conferences import (
    HeldAheadError,
    conference_draft,
    get_conference,
    update_conference,
)
from polterm.services.records import add_progress_report
from polterm.services.views import checklists
from polterm.ui.widgets.confirm import ask_held_today
from polterm.ui.widgets.dialog import FormDialog
from polterm.ui.widgets.footer import Footer
from polterm.ui.widgets.steps import EscalationSteps

NOTES = ("problem", "solutions", "plan")


class ConductScreen(FormDialog):
    """Ticks go to conference.checklist as {"policy:item": true}; saving can mark it held.

    The notes on the problem are shown and written only for a role that may read them (office
    staff record ticks and mark the conference held)."""

    def __init__(self, conference_id: int) -> None:
        super().__init__("#problem")
        self.conference_id = conference_id

    def compose(self) -> ComposeResult:
        session = self.app.session  # type: ignore[attr-defined]
        self.conference = draft = conference_draft(session, self.conference_id)
        self.stored = get_conference(session, self.conference_id)  # notes only if readable
        self.with_notes = "notes" in self.stored
        if not self.with_notes:
            self.first = ".dialog"
        self.version = self.stored["version"]
        ticked = json.loads(self.stored["checklist"] or "{}")
        with VerticalScroll(classes="dialog"):
            yield Static(
                f"Conduct conference {self.conference_id} · {draft.kind} · {draft.at}",
                classes="title",
            )
            for policy, checklist in checklists(session, draft, ("before", "conduct")):
                yield Label(f"{checklist.title} ({checklist.citation})", classes="section")
                for item in checklist.items:
                    key = f"{policy}:{item.id}"
                    yield Checkbox(item.text, bool(ticked.get(key)), name=key, classes="tick")
            yield EscalationSteps(draft.student_id, always=False)
            if self.with_notes:
                yield from self.note(NOTES[0])
            else:
                yield Static("The notes on the problem are not shown to you.", classes="muted")
        yield Footer()

    def note(self, name: str) -> list[Widget]:
        """One of the notes on the problem: its heading and its text box."""
        text = self.stored.get(name) or ""
        return [
            Label(name.capitalize(), classes="section"),
            TextArea(text, id=name, tab_behavior="focus"),
        ]

    def later(self) -> list[Widget]:
        """The other notes, support, the progress report, held, and the button."""
        draft = self.conference
        notes: list[Widget] = []
        if self.with_notes:
            notes = [
                *(part for name in NOTES[1:] for part in self.note(name)),
                Input(
                    ",".join(draft.support),
                    placeholder="Support: parent,school,student",
                    id="support",
                ),
                Input(self.stored.get("notes") or "", placeholder="Notes", id="notes"),
            ]
        return [
            *notes,
            Input(
                "", placeholder="Progress report handed over: period id (optional)", id="progress"
            ),
            Checkbox("Mark held", draft.status == "held", id="held"),
            Horizontal(Button("Save (ctrl+s)", variant="primary", id="save"), classes="buttons"),
        ]

    def labels(self) -> dict[str, str]:
        return {"--support": "Support", "--period": "Progress report handed over"}

    def save(self) -> None:
        changes: dict[str, Any] = {}
        if self.with_notes:
            changes = {n: self.query_one(f"#{n}", TextArea).text or None for n in NOTES}
            support = self.query_one("#support", Input).value
            changes["support"] = tuple(p.strip() for p in support.split(",") if p.strip())
            changes["notes"] = self.query_one("#notes", Input).value or None
        if self.query_one("#held", Checkbox).value:
            changes["status"] = "held"
        self.record(changes)

    def record(self, changes: dict[str, Any]) -> None:
        """Write the conference, its ticks and the progress report in one transaction; a
        conference dated ahead, marked held, first asks to be moved to today."""
        session = self.app.session  # type: ignore[attr-defined]
        ticks = {str(c.name): True for c in self.query(".tick").results(Checkbox) if c.value}
        try:
            with session.transaction():
                after = update_conference(
                    session,
                    self.conference_id,
                    changes,
                    expected_version=self.version,
                    today=self.app.today,  # type: ignore[attr-defined]
                )
                session.update(
                    "conference",
                    self.conference_id,
                    {"checklist": json.dumps(ticks, sort_keys=True)},
                    student_id=after["student_id"],
                )
                period = self.query_one("#progress", Input).value.strip()
                if period:
                    add_progress_report(
                        session,
                        after["student_id"],
                        period,
                        after["at"][:10],
                        conference_id=self.conference_id,
                    )
        except HeldAheadError as error:
            at = self.conference.at
            ask_held_today(self, error, at, lambda moved: self.record({**changes, "at": moved}))
            return
        except PoltermError as error:
            self.not_saved(error)
            return
        self.notify(f"Conference {self.conference_id} recorded")
        self.dismiss(True)
