"""A yes-or-no question over the screen, and the one the conference forms ask."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Static

from polterm.services.conferences import HeldAheadError
from polterm.ui.widgets.dialog import HELP_BINDINGS
from polterm.ui.widgets.footer import Footer
from polterm.ui.widgets.styled import KeepsStyles


class Confirm(KeepsStyles, ModalScreen[bool]):
    """Dismisses True on `y` (or Yes), False on `n`, Escape (or No)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "dismiss(True)", "Yes"),
        Binding("n,escape", "dismiss(False)", "No", key_display="n"),
        *HELP_BINDINGS,
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="title", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Yes (y)", variant="primary", id="yes")
                yield Button("No (n)", id="no")
        yield Footer()

    @on(Button.Pressed)
    def answered(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")


def ask_held_today(
    screen: Screen, error: HeldAheadError, at: str, then: Callable[[str], None]
) -> None:
    """A conference dated after today cannot be held yet: ask whether it was held today, and
    on yes call `then` with its date-time moved to today (the time of day kept)."""
    today = screen.app.today  # type: ignore[attr-defined]
    question = f"This conference is dated {error.day}; record it held today and change its date?"
    screen.app.push_screen(
        Confirm(question), lambda yes: then(f"{today.isoformat()}{at[10:]}") if yes else None
    )
