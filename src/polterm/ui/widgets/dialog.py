"""What polterm's forms share: Escape, ctrl+s and the help keys, which a modal would otherwise
block (a modal screen hides the app's own bindings)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import ClassVar

from textual import events, on
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button

from polterm.errors import FieldError, PoltermError
from polterm.ui.widgets.labels import label_fields
from polterm.ui.widgets.styled import KeepsStyles

# One action, two keys: the footer shows the first key still active, so `?` normally and F1
# while a text field has focus (Textual drops `?` there: the field takes it as a character).
HELP_BINDINGS: list[BindingType] = [
    Binding("question_mark", "app.help", "Help", key_display="?"),
    Binding("f1", "app.help", "Help", key_display="F1"),
]


def in_form_words(error: Exception, labels: Mapping[str, str]) -> str:
    """A service's error as a form says it: a bad field by the form's label (`labels`, by the
    command-line flag the services name it with), not by the flag."""
    return error.labelled(labels) if isinstance(error, FieldError) else str(error)


class FormDialog(KeepsStyles, ModalScreen[bool]):
    """A form that saves through a service: ctrl+s saves, Escape cancels (dismisses False).

    A form names the field that has focus first (`first`, a selector); Textual's auto focus is
    off, as it would focus the scrolling dialog, whose focus and blur each restyle the whole
    form (~50 ms).
    A long form puts its lower part in `later`: each of its parts is mounted once what is above
    it has painted, so no paint holds the event loop for long (the whole conference form took
    ~170 ms; its lower part in one turn, 90-136 ms at 100,000 students under load).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(False)", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
        *HELP_BINDINGS,
    ]

    AUTO_FOCUS = ""
    ready = False  # the lower part is mounted: every field can be read

    def __init__(self, first: str) -> None:
        super().__init__()
        self.first = first

    def later(self) -> list[Widget]:
        """The widgets that end the form's `.dialog`, mounted after its first paint."""
        return []

    def on_mount(self) -> None:
        label_fields(self)
        self.query_one(self.first).focus(scroll_visible=False)
        self.call_after_refresh(self.complete)

    async def complete(self, parts: Iterator[Widget] | None = None) -> None:
        """Mount the next part of `later`, and the one after once it has painted."""
        parts = iter(self.later()) if parts is None else parts
        part = next(parts, None)
        if part is None:
            self.ready = True
            self.when_ready()
            return
        await self.query_one(".dialog").mount(part)
        label_fields(part)
        self.call_after_refresh(self.complete, parts)

    def on_resize(self, event: events.Resize) -> None:
        """Textual follows a form's first layout with a Resize to the size it was just laid out
        at, which lays out and paints it and the screen beneath again (~30-80 ms): skipped."""
        if event.size == self.outer_size:  # the size of its last layout
            event.prevent_default()

    def when_ready(self) -> None:
        """What a form does once all its fields are there."""

    def action_save(self) -> None:
        if self.ready:  # a key pressed in the first instant waits for nothing: it is dropped
            self.save()

    @on(Button.Pressed, "#save")
    def save_pressed(self) -> None:
        self.save()

    def labels(self) -> dict[str, str]:
        """The form's fields' labels by the command-line flag the services name them with."""
        return {}

    def not_saved(self, error: PoltermError) -> None:
        """Say why the service refused, in the form's words."""
        self.notify(
            in_form_words(error, self.labels()), severity="error", title="Not saved", markup=False
        )

    def save(self) -> None:
        """Write the form through its service; dismiss True on success."""
        raise NotImplementedError
