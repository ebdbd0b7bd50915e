"""A short form of plain fields saved by one service call: a policy change, a setting, a
plugin's record. Dismisses True once saved; the service's error is shown otherwise."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from polterm.errors import PoltermError
from polterm.ui.text import literal
from polterm.ui.widgets.dialog import FormDialog
from polterm.ui.widgets.footer import Footer
from polterm.ui.widgets.styled import KeepsStyles

# name, label, choices (empty: free text), default
Field = tuple[str, str, tuple[str, ...], str]


class FieldsForm(FormDialog):
    """Each field an Input, or a Select when it has choices; `save` gets {name: text}."""

    def __init__(
        self, title: str, fields: list[Field], save: Callable[[Mapping[str, str]], Any]
    ) -> None:
        super().__init__(f"#f-{fields[0][0]}")
        self.title_text = title
        self.fields = fields
        self.saver = save

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(literal(self.title_text), classes="title")
            for name, label, choices, default in self.fields:
                if choices:
                    options = [(c, c) for c in choices]
                    yield Select(options, value=default or choices[0], allow_blank=False,
                                 prompt=label, id=f"f-{name}")  # fmt: skip
                else:
                    yield Input(default, placeholder=label, id=f"f-{name}")
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
        yield Footer()

    def save(self) -> None:
        values = {
            name: str(self.query_one(f"#f-{name}").value)  # type: ignore[attr-defined]
            for name, *_ in self.fields
        }
        try:
            self.saver(values)
        except PoltermError as error:
            self.notify(str(error), severity="error", title="Not saved")
            return
        self.notify(f"{self.title_text}: saved")
        self.dismiss(True)


class TextScreen(KeepsStyles, ModalScreen[None]):
    """A long text to read (a policy's own wording); Escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", "Close")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="text"):
            yield Static(literal(self.title_text), classes="title")
            yield Static(literal(self.text), id="body")
        yield Footer()
