"""Small record forms (attempt, escalation, welfare check, parent's call, remote period,
involvement activity): one field list each, saved through the matching service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Select, Static

from polterm.errors import PoltermError
from polterm.services import records, schools
from polterm.services.session import Session
from polterm.ui.widgets.labels import label_fields

Field = tuple[str, str, tuple[str, ...]]  # name, label, choices (empty: free text)


def _request_id(session: Session) -> str:
    """The next free request id, `R` and a number, as the office does not invent one."""
    (n,) = session.db.execute("SELECT count(*) + 1 FROM parent_request").fetchone()
    return f"R{n}"


FORMS: dict[str, tuple[str, list[Field], Callable[..., Any]]] = {
    "attempt": (
        "Log a contact attempt",
        [
            ("on", "Date", ()),
            ("method", "Method", records.METHODS),
            ("outcome", "Outcome", records.OUTCOMES),
            ("purpose", "Purpose", records.PURPOSES),
            ("note", "Note", ()),
        ],
        records.add_attempt,
    ),
    "escalation": (
        "Report to the principal or designee",
        [("on", "Date", ()), ("to_staff_id", "To staff id", ())],
        records.add_escalation,
    ),
    "welfare": (
        "Welfare check through the emergency contact",
        [("on", "Date", ()), ("outcome", "Outcome", ())],
        records.add_welfare_check,
    ),
    "request": (
        "Take a parent's call: a request for a conference",
        [
            ("on", "Date", ()),
            ("with_whom", "With", records.REQUEST_WITH),
            ("topic", "Topic", ()),
            ("caller", "Caller", ()),
        ],
        lambda session, subject, **kw: records.add_request(
            session, _request_id(session), subject, **kw
        ),
    ),
    "remote": (
        "Remote-learning period",
        [
            ("start", "Start", ()),
            ("end", "End (empty: ongoing)", ()),
            ("school_id", "School id (empty: district-wide)", ()),
        ],
        lambda session, subject, **kw: schools.add_remote_period(session, **kw),
    ),
    "end-remote": (
        "End a remote-learning period",
        [("on", "Last day", ())],
        lambda session, subject, **kw: schools.end_remote_period(session, subject, **kw),
    ),
    "involvement": (
        "Involvement activity",
        [
            ("school_id", "School id", ()),
            ("on", "Date", ()),
            ("kind", "Kind", schools.INVOLVEMENT_KINDS),
            ("note", "Note", ()),
        ],
        lambda session, subject, **kw: schools.add_involvement(session, **kw),
    ),
}


class RecordForm(ModalScreen[bool]):
    """Dismisses True once the service saved the record; its error is shown otherwise."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(False)", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
    ]

    def __init__(self, kind: str, subject: str | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.subject = subject

    def compose(self) -> ComposeResult:
        title, fields, _ = FORMS[self.kind]
        today = self.app.today.isoformat()  # type: ignore[attr-defined]
        with VerticalScroll(classes="dialog"):
            yield Static(
                f"{title}{' for ' + self.subject if self.subject else ''}", classes="title"
            )
            for name, label, choices in fields:
                if choices:
                    yield Select([(c, c) for c in choices], prompt=label, id=name)
                else:
                    default = today if name in ("on", "start") else ""
                    yield Input(default, placeholder=label, id=name)
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
        yield Footer()

    def on_mount(self) -> None:
        label_fields(self)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        _, fields, save = FORMS[self.kind]
        values: dict[str, Any] = {}
        for name, label, _ in fields:
            v = self.query_one(f"#{name}").value  # type: ignore[attr-defined]
            if v is Select.NULL:
                self.notify(f"{label}: choose one", severity="error")
                return
            values[name] = v or None
        try:
            save(self.app.session, self.subject, **values)  # type: ignore[attr-defined]
        except PoltermError as error:
            self.notify(str(error), severity="error", title="Not saved")
            return
        self.notify(f"{FORMS[self.kind][0]}: saved")
        self.dismiss(True)
