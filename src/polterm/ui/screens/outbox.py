"""E-mail to families, a student's or all those the actor reaches (their school's, for the
office): the messages, the highlighted one as the guardian reads it, and resend for one that
bounced, failed, is in doubt or was lost."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from polterm.errors import PoltermError
from polterm.services import mail_queue, mail_send
from polterm.ui.text import literal
from polterm.ui.widgets.footer import Footer
from polterm.ui.widgets.lines import LineTable
from polterm.ui.widgets.styled import KeepsStyles
from polterm.ui.widgets.worker import answer

SHOWN = 500  # a district's outbox runs to hundreds of thousands: the newest are the ones acted on


class OutboxScreen(KeepsStyles, Screen[None]):
    """Read in workers; resend writes through the outbox service with the app's session."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("r", "resend", "Resend"),
    ]

    def __init__(self, student_id: str | None = None) -> None:
        super().__init__()
        self.student_id = student_id

    def compose(self) -> ComposeResult:
        yield Header()
        title = (
            f"E-mail to the family of {literal(self.student_id)}"
            if self.student_id is not None
            else f"E-mail to families (the newest {SHOWN})"
        )
        yield Static(title, classes="title")
        yield LineTable(
            "Id", "Status", "Kind", "Conference", "Student", "Guardian", "Language", "Tries",
            "Reply",
            zebra=False, id="outbox",
        )  # fmt: skip
        with VerticalScroll(id="detail"):
            yield Static("", id="preview")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.load()

    @work(exclusive=True, thread=True, group="outbox")
    def load(self) -> None:
        try:
            rows = mail_queue.list_outbox(
                self.app.reader(),  # type: ignore[attr-defined]
                student_id=self.student_id,
                limit=SHOWN,
            )
        except PoltermError as error:
            rows = []
            answer(self, self.notify, str(error), severity="error")
        answer(self, self.show, rows)

    def show(self, rows: list[dict[str, Any]]) -> None:
        table = self.query_one("#outbox", LineTable)
        table.set_rows(
            (
                str(r["id"]),
                (
                    str(r["id"]),
                    r["status"],
                    r["kind"],
                    r["conference_at"].replace("T", " "),
                    r["student_id"],
                    r["guardian_id"],
                    r["language"]
                    + (f" (no {r['language_missing']})" if r["language_missing"] else ""),
                    str(r["attempts"]),
                    r["last_error"] or "",
                ),
            )
            for r in rows
        )
        if not rows:
            self.query_one("#preview", Static).update("No messages.")
        else:
            self.preview(int(table.row_keys[table.cursor_row]))

    def on_line_table_row_highlighted(self, event: LineTable.RowHighlighted) -> None:
        self.preview(int(event.key))

    @work(exclusive=True, thread=True, group="preview")
    def preview(self, outbox_id: int) -> None:
        try:
            shown = mail_send.preview(self.app.reader(), outbox_id)  # type: ignore[attr-defined]
        except PoltermError as error:
            answer(self, self.show_preview, str(error))
            return
        head = (
            f"Subject: {shown['subject']}\nCalendar: METHOD:{shown['method']}"
            f" SEQUENCE:{shown['sequence']} UID:{shown['uid']}\n\n"
        )
        answer(self, self.show_preview, head + shown["text"])

    def show_preview(self, text: str) -> None:
        self.query_one("#preview", Static).update(literal(text))

    def action_resend(self) -> None:
        table = self.query_one("#outbox", LineTable)
        if not table.row_count:
            return
        outbox_id = table.row_keys[table.cursor_row]
        try:
            mail_queue.resend(self.app.session, outbox_id)  # type: ignore[attr-defined]
        except PoltermError as error:
            self.notify(str(error), severity="error", title="Not queued")
            return
        self.notify(f"Message {outbox_id} queued again")
        self.reload()
