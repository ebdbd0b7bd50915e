"""Searchable pickers paged from SQLite: type to narrow, arrows and Enter to choose, no ids typed.

A `Source` answers one page for the text typed; it runs in a worker on the app's reader
connection, so a district's thousands of staff or guardians never load at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from polterm.errors import PoltermError
from polterm.services.session import Session
from polterm.services.views import PICK_PAGE
from polterm.ui.text import plain
from polterm.ui.widgets.dialog import HELP_BINDINGS
from polterm.ui.widgets.footer import Footer
from polterm.ui.widgets.styled import KeepsStyles
from polterm.ui.widgets.worker import answer

Source = Callable[[Session, str, int, int], list[tuple[str, str]]]
"""(session, text typed, offset, limit) -> one page of (value, label), in a stable order; a
first page may hold an extra entry of its own (such as "the text typed, as a name")."""

DEBOUNCE_S = 0.15
CHOSEN = "✓ "


class Results(OptionList):
    """Up from the first option goes back to the search box, as in a browser's suggestions."""

    def action_cursor_up(self) -> None:
        if not self.highlighted:
            self.screen.set_focus(self.parent.box if isinstance(self.parent, Picker) else None)
            return
        super().action_cursor_up()


class Picker(Vertical):
    """One value, or several: the chosen ones stay on top (✓) and Enter toggles one.

    Enter in the search box takes the first match, so "type, Enter, type, Enter" picks fast.
    """

    DEFAULT_CSS = """
    Picker { height: auto; }
    Picker > Results { height: 6; border: none; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "results", "To the list", show=False),
    ]

    class Changed(Message):
        """The chosen values changed (added, removed, or the single one replaced)."""

        def __init__(self, picker: Picker) -> None:
            super().__init__()
            self.picker = picker

        @property
        def control(self) -> Picker:
            return self.picker

    def __init__(
        self,
        source: Source,
        *,
        placeholder: str,
        chosen: Iterable[tuple[str, str]] = (),
        multiple: bool = True,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.source = source
        self.chosen: dict[str, str] = dict(chosen)
        self.multiple = multiple
        self.text = ""
        self.rows: list[tuple[str, str]] = []
        self.next_offset = 0
        self.exhausted = False
        self._debounce: Timer | None = None
        self._take_first = False
        self.box = Input(placeholder=placeholder)
        self.results = Results(markup=False)  # held, not queried: a late page may outlive it

    def compose(self) -> ComposeResult:
        yield self.box
        yield self.results

    def on_mount(self) -> None:
        self.search("")

    @property
    def values(self) -> list[str]:
        return list(self.chosen)

    @on(Input.Changed)
    def typed(self, event: Input.Changed) -> None:
        event.stop()  # the search text is not a field of the form around the picker
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE_S, lambda: self.search(event.value))

    def search(self, text: str) -> None:
        self.text = " ".join(text.split())
        self.rows = []
        self.next_offset = 0
        self.exhausted = False
        self.fetch(self.text, 0)

    @work(thread=True, exclusive=True, group="picker")
    def fetch(self, text: str, offset: int) -> None:
        """One page from the reader connection; a newer search cancels this one."""
        app = self.app
        try:
            rows = self.source(app.reader(), text, offset, PICK_PAGE)  # type: ignore[attr-defined]
        except PoltermError as error:  # PermissionDenied: say so in the list, never crash
            rows, failed = [], str(error)
        else:
            failed = ""
        answer(self, self.show, text, offset, rows, failed)

    def show(self, text: str, offset: int, rows: list[tuple[str, str]], failed: str) -> None:
        if text != self.text or offset != self.next_offset:
            return  # a page for an older search
        self.rows += rows
        self.next_offset = offset + PICK_PAGE
        self.exhausted = len(rows) < PICK_PAGE
        current = self.results.highlighted_option
        self.render_options(current.id if current is not None and offset else None)
        if failed:
            self.results.add_option(Option(plain(failed), disabled=True))
        if self._take_first and offset == 0:
            self.take_first()

    def render_options(self, keep: str | None) -> None:
        """Chosen values pinned on top, then the matches; the highlight stays on `keep`."""
        results = self.results
        pinned = list(self.chosen.items()) if self.multiple else []
        matches = [(v, label) for v, label in dict(self.rows).items() if v not in self.chosen]
        results.set_options(
            [Option(plain(CHOSEN + label), id=v) for v, label in pinned]
            + [Option(plain(label), id=v) for v, label in matches]
        )
        ids = [v for v, _ in pinned + matches]
        if keep in ids:
            results.highlighted = ids.index(keep)
        elif ids:
            results.highlighted = len(pinned) if self.text and matches else 0

    def action_results(self) -> None:
        if self.results.option_count:
            self.results.focus()

    @on(Input.Submitted)
    def take_first_match(self, event: Input.Submitted) -> None:
        """Enter in the search box: the first match, once the matches for this text are in."""
        event.stop()
        text = " ".join(event.value.split())
        if not text:
            return
        if self._debounce is not None:
            self._debounce.stop()
        if text != self.text:
            self._take_first = True
            self.search(text)
        elif self.next_offset == 0:  # its first page is still on its way: taken as it comes
            self._take_first = True
        else:
            self.take_first()

    def take_first(self) -> None:
        self._take_first = False
        first = next((v for v, _ in self.rows if v not in self.chosen), None)
        if first is not None:
            self.toggle(first)
            if self.multiple:  # ready for the next name; a single picker's work is done
                self.box.value = ""

    @on(OptionList.OptionSelected)
    def selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.toggle(event.option.id)

    @on(OptionList.OptionHighlighted)
    def near_the_end(self, event: OptionList.OptionHighlighted) -> None:
        """The next page loads while the highlight nears the last option loaded."""
        event.stop()
        if not self.exhausted and event.option_index >= event.option_list.option_count - 5:
            self.exhausted = True  # one page in flight at a time
            self.fetch(self.text, self.next_offset)

    def toggle(self, value: str) -> None:
        """Choose a value (replacing the one chosen, in a single picker) or un-choose it."""
        label = self.chosen.get(value) or dict(self.rows).get(value, value)
        if value in self.chosen and self.multiple:
            del self.chosen[value]
        elif self.multiple:
            self.chosen[value] = label
        else:
            self.chosen = {value: label}
        self.render_options(value)
        self.post_message(self.Changed(self))


class PickerScreen(KeepsStyles, ModalScreen[tuple[str, str] | None]):
    """A single picker over the screen: dismisses with (value, label), or None on Escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel"),
        *HELP_BINDINGS,
    ]

    def __init__(self, title: str, source: Source, placeholder: str) -> None:
        super().__init__()
        self.title_text = title
        self.source = source
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="title")
            yield Picker(self.source, placeholder=self.placeholder, multiple=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Picker).box.focus()

    @on(Picker.Changed)
    def picked(self, event: Picker.Changed) -> None:
        self.dismiss(next(iter(event.picker.chosen.items())))


class PickField(Button):
    """A field holding one value chosen from many: Enter opens a picker, Backspace clears it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("backspace,delete", "clear", "Clear", key_display="⌫"),
    ]

    class Changed(Message):
        """The field's value was chosen or cleared."""

        def __init__(self, field: PickField) -> None:
            super().__init__()
            self.field = field

        @property
        def control(self) -> PickField:
            return self.field

    def __init__(self, title: str, source: Source, *, blank: str, id: str | None = None) -> None:
        super().__init__(f"{title}: {blank}", id=id)
        self.caption = title
        self.source = source
        self.blank = blank
        self.value: str | None = None

    @on(Button.Pressed)
    def open_picker(self, event: Button.Pressed) -> None:
        event.stop()
        screen = PickerScreen(f"{self.caption}: type a name, Enter", self.source, "Search…")
        self.app.push_screen(screen, self.set_value)

    def set_value(self, pick: tuple[str, str] | None) -> None:
        if pick is None:
            return
        self.value, label = pick
        self.label = plain(f"{self.caption}: {label}")
        self.post_message(self.Changed(self))

    def action_clear(self) -> None:
        if self.value is not None:
            self.value = None
            self.label = f"{self.caption}: {self.blank}"
            self.post_message(self.Changed(self))
