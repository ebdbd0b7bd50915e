"""`?` or F1: every key of the screen below and the app's own, as Textual knows them."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from polterm.ui.text import literal
from polterm.ui.widgets.styled import KeepsStyles


class HelpScreen(KeepsStyles, ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,f1", "dismiss", "Close")]

    def __init__(self, bindings: dict[str, Any]) -> None:
        super().__init__()
        self.shown = bindings

    def compose(self) -> ComposeResult:
        """The footer's keys first (F1 included), then the rest, which would bury them."""
        lines = ["[b]Keys[/b]  (ctrl+p: command palette — jump to a student, conference or screen)"]
        ordered = sorted(self.shown.values(), key=lambda a: not a.binding.show)
        for n, active in enumerate(ordered):
            b = active.binding
            if not b.show and (n == 0 or ordered[n - 1].binding.show):
                lines.append("[b]More keys[/b] (of the field in focus, and the screen's own)")
            what = b.tooltip or b.description  # a footer's short word has its sentence here
            lines.append(f"  {literal(b.key_display or b.key):<16} {literal(what)}")
        with VerticalScroll(classes="dialog"):
            yield Static("\n".join(lines), id="keys")
