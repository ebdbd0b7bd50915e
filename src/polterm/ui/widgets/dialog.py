"""What polterm's forms share: Escape, ctrl+s and the help keys, which a modal would otherwise
block (a modal screen hides the app's own bindings)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.screen import ModalScreen

# One action, two keys: the footer shows the first key still active, so `?` normally and F1
# while a text field has focus (Textual drops `?` there: the field takes it as a character).
HELP_BINDINGS: list[BindingType] = [
    Binding("question_mark", "app.help", "Help", key_display="?"),
    Binding("f1", "app.help", "Help", key_display="F1"),
]


class FormDialog(ModalScreen[bool]):
    """A form that saves through a service: ctrl+s saves, Escape cancels (dismisses False).

    A form names its first field in AUTO_FOCUS: Textual's default focuses the first focusable
    widget, the scrolling dialog, whose focus and blur each restyle the whole form (~50 ms).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(False)", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
        *HELP_BINDINGS,
    ]
