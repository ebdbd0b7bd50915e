"""A family on the phone: type a name, Enter takes the first family, Enter the first meeting it
still needs at its first free slot, Enter books it. Three keys after the name."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from polterm.errors import PoltermError
from polterm.services import event_timetable as tt
from polterm.ui.widgets.dialog import HELP_BINDINGS
from polterm.ui.widgets.picker import DEBOUNCE_S
from polterm.ui.widgets.styled import KeepsStyles
from polterm.ui.widgets.worker import answer


class PhoneBooking(KeepsStyles, ModalScreen["tt.Booking | None"]):
    """Dismissed with the booking made, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Close"),
        *HELP_BINDINGS,
    ]
    AUTO_FOCUS = "#name"

    def __init__(self, event_id: str) -> None:
        super().__init__()
        self.event_id = event_id
        self.families: list[dict[str, str]] = []
        self.answered = ""  # the text the families shown were found for
        self.take_first = False  # Enter came before the families did
        self.offers: list[tt.Booking] = []
        self.chosen: tt.Booking | None = None
        self.timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="phone"):
            yield Static("A family on the phone: its name, then Enter three times", classes="title")
            yield Input(placeholder="Guardian's or family name", id="name")
            yield OptionList(id="families")
            yield Static("", id="phone-family", classes="muted")
            yield OptionList(id="offers")
            yield Button("Book", id="book", disabled=True)
            yield Static("", id="phone-status", classes="muted")

    @on(Input.Changed, "#name")
    def typed(self, event: Input.Changed) -> None:
        if self.timer is not None:
            self.timer.stop()
        self.timer = self.set_timer(DEBOUNCE_S, lambda: self.search(event.value))

    @work(thread=True, exclusive=True, group="phone-search")
    def search(self, text: str) -> None:
        found = tt.find_families(self.app.reader(), text)  # type: ignore[attr-defined]
        answer(self, self.found, text, found)

    def found(self, text: str, families: list[dict[str, str]]) -> None:
        self.families, self.answered = families, text
        options = self.query_one("#families", OptionList)
        options.clear_options()
        options.add_options(
            Option(escape(f"{f['guardians']} — {f['students']}"), id=f["household"])
            for f in families
        )
        if families:
            options.highlighted = 0
        if self.take_first:  # Enter was pressed for this text: take its first family, if any
            self.take_first = False
            if families:
                self.choose(families[0]["household"])
            else:
                self.status(f"No family in your reach is called {text!r}")

    @on(Input.Submitted, "#name")
    def enter_on_name(self, event: Input.Submitted) -> None:
        if self.families and self.answered == event.value:
            index = self.query_one("#families", OptionList).highlighted or 0
            self.choose(self.families[index]["household"])
        else:
            self.take_first = True
            if self.timer is not None:
                self.timer.stop()
            self.search(event.value)

    @on(OptionList.OptionSelected, "#families")
    def family_selected(self, event: OptionList.OptionSelected) -> None:
        self.choose(str(event.option.id))

    def choose(self, household: str) -> None:
        family = next((f for f in self.families if f["household"] == household), None)
        who = f"{family['guardians']} ({household})" if family else household
        self.query_one("#phone-family", Static).update(
            escape(f"{who}: finding free slots…"), layout=False
        )
        self.propose(household)

    @work(thread=True, exclusive=True, group="phone-offers")
    def propose(self, household: str) -> None:
        try:
            offers = tt.proposals(self.app.reader(), self.event_id, household)  # type: ignore[attr-defined]
        except PoltermError as error:
            answer(self, self.status, f"Refused: {error}")
            return
        answer(self, self.proposed, household, offers)

    def proposed(self, household: str, offers: list[tt.Booking]) -> None:
        self.offers = offers
        self.query_one("#phone-family", Static).update(
            escape(f"Household {household}, to book at the first free slots: {len(offers)}"),
            layout=False,
        )
        options = self.query_one("#offers", OptionList)
        options.clear_options()
        options.add_options(
            Option(escape(f"{o.label} · {o.at.replace('T', ' ')}"), id=str(i))
            for i, o in enumerate(offers)
        )
        if not offers:
            self.status("Nothing to book: every meeting is booked, or no slot is free")
            return
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected, "#offers")
    def offer_selected(self, event: OptionList.OptionSelected) -> None:
        self.chosen = self.offers[int(str(event.option.id))]
        button = self.query_one("#book", Button)
        button.label = escape(f"Book {self.chosen.label} at {self.chosen.at.replace('T', ' ')}")
        button.disabled = False
        button.focus()

    @on(Button.Pressed, "#book")
    def book(self) -> None:
        if self.chosen is not None:
            self.status("Booking…")
            self.save(self.chosen)

    @work(thread=True, exclusive=True, group="phone-book")
    def save(self, chosen: tt.Booking) -> None:
        from polterm.ui.screens.event import apart

        with apart(self.app) as session:
            try:
                booked = tt.book_proposal(session, self.event_id, chosen)
            except PoltermError as error:
                answer(self, self.status, f"Refused: {error}")
                return
        answer(self, self.booked, booked)

    def booked(self, booked: tt.Booking) -> None:
        self.notify(f"Booked {booked.label} at {booked.at.replace('T', ' ')}")
        self.dismiss(booked)

    def status(self, text: str) -> None:
        self.query_one("#phone-status", Static).update(escape(text), layout=False)
