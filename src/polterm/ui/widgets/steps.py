"""The escalation stage on screen: the policies' escalation checklists beside the student's open
actions, which say the step they are at (the UI knows no policy, so it shows both)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Static

from polterm.policy import Checklist, Finding
from polterm.services.views import checklists, open_actions
from polterm.ui.text import literal
from polterm.ui.widgets.worker import answer

STAGE = "escalation"


class EscalationSteps(Vertical):
    """Loaded in a worker (the actions need an evaluation); hidden when there is nothing to show.

    `always`: shown whenever a policy has escalation steps (the escalation and welfare-check
    forms); otherwise only while the student is at that stage (the conduct screen).
    """

    DEFAULT_CSS = "EscalationSteps { height: auto; display: none; }"

    def __init__(self, student_id: str, *, always: bool, id: str | None = None) -> None:
        super().__init__(id=id)
        self.student_id = student_id
        self.always = always
        self.steps = Static("", classes="steps")

    def compose(self) -> ComposeResult:
        yield Label("Escalation: where the student is, and the steps", classes="section")
        yield self.steps

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        app = self.app
        session = app.reader()  # type: ignore[attr-defined]
        pairs = checklists(session, None, (STAGE,))
        actions = open_actions(session, self.student_id, app.today)  # type: ignore[attr-defined]
        answer(self, self.show, pairs, actions)

    def show(self, pairs: list[tuple[str, Checklist]], actions: list[Finding]) -> None:
        self.display = bool(pairs) and (self.always or bool(actions))
        self.steps.update(render_steps(pairs, actions))


def render_steps(pairs: list[tuple[str, Checklist]], actions: list[Finding]) -> str:
    """Rich markup: the open actions (now), then each checklist's steps with its citation."""
    out = ["[b]Now[/b]"]
    out += [f"  ▶ {literal(f.message)} [i]({literal(f.citation)})[/i]" for f in actions] or [
        "  no step is owed for this student as of today"
    ]
    for _, checklist in pairs:
        out.append(f"[b]{literal(checklist.title)}[/b]\n  [i]{literal(checklist.citation)}[/i]")
        out += [f"  {n}. {literal(item.text)}" for n, item in enumerate(checklist.items, 1)]
    return "\n".join(out)
