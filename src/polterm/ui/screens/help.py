"""`?`: every key of the screen below and the app's own, as Textual knows them."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark", "dismiss", "Close")]

    def __init__(self, bindings: dict[str, Any]) -> None:
        super().__init__()
        self.shown = bindings

    def compose(self) -> ComposeResult:
        lines = ["[b]Keys[/b]  (ctrl+p: command palette — jump to a student, conference or screen)"]
        for active in self.shown.values():
            b = active.binding
            lines.append(f"  {b.key_display or b.key:<14} {b.description}")
        with VerticalScroll(classes="dialog"):
            yield Static("\n".join(lines), id="keys")
