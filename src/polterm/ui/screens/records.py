"""Small record forms (attempt, escalation, welfare check, parent's call, remote period,
involvement activity): one field list each, saved through the matching service; the escalation
and welfare-check forms show the escalation stage's steps and where the student is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, Select, Static

from polterm.errors import PoltermError
from polterm.services import records, schools
from polterm.services.views import conference_context, filter_choices
from polterm.ui.screens.student import answers
from polterm.ui.text import plain
from polterm.ui.widgets.dialog import FormDialog, in_form_words
from polterm.ui.widgets.footer import Footer
from polterm.ui.widgets.people import staff_source
from polterm.ui.widgets.picker import PickField
from polterm.ui.widgets.steps import EscalationSteps

PRINCIPALS = ("principal", "designee")  # a choice of these roles: a staff picker of the school
SCHOOL = ("school",)  # a choice of the district's schools, by name
SCHOOL_OR_DISTRICT = ("school", "district")  # the same, or the whole district (the first choice)
Field = tuple[str, str, tuple[str, ...]]  # name, label, choices (empty: free text)
FLAGS = {"to_staff_id": "--to", "with_whom": "--with", "school_id": "--school"}  # the others:
# the name as a flag, as the command line (and the services' messages) call the field


def _count(text: str | None, label: str) -> int | None:
    """A number of people typed in a field; empty: none recorded."""
    if text is None or not text.strip():
        return None
    if not text.strip().isdigit():
        raise PoltermError(f"{label}: {text!r} is not a whole number")
    return int(text)


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
        [("on", "Date", ()), ("to_staff_id", "Reported to", PRINCIPALS)],
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
            session, records.next_request_id(session), subject, **kw
        ),
    ),
    "remote": (
        "Remote-learning period",
        [
            ("start", "Start", ()),
            ("end", "End (empty: ongoing)", ()),
            ("school_id", "School", SCHOOL_OR_DISTRICT),
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
            ("school_id", "School", SCHOOL),
            ("on", "Date", ()),
            ("kind", "Kind", schools.INVOLVEMENT_KINDS),
            ("attendance", "Attendance (people, empty: not counted)", ()),
            ("note", "Note", ()),
        ],
        lambda session, subject, attendance=None, **kw: schools.add_involvement(
            session, attendance=_count(attendance, "Attendance"), **kw
        ),
    ),
}


STEPS_SHOWN = ("escalation", "welfare")  # the forms where the escalation stage is acted on


class RecordForm(FormDialog):
    """Dismisses True once the service saved the record; its error is shown otherwise."""

    def __init__(self, kind: str, subject: str | None = None) -> None:
        super().__init__(f"#{FORMS[kind][1][0][0]}")  # its first field
        self.kind = kind
        self.subject = subject

    def compose(self) -> ComposeResult:
        title, fields, _ = FORMS[self.kind]
        today = self.app.today.isoformat()  # type: ignore[attr-defined]
        with VerticalScroll(classes="dialog"):
            yield Static(
                plain(f"{title}{' for ' + self.subject if self.subject else ''}"), classes="title"
            )
            for name, label, choices in fields:
                if choices is PRINCIPALS:
                    source = staff_source(self.school_of_subject(), PRINCIPALS)
                    yield PickField(label, source, blank="nobody named (Enter: pick one)", id=name)
                elif choices is SCHOOL_OR_DISTRICT:
                    district = [("The whole district", ""), *self.schools()]
                    yield Select(district, value="", allow_blank=False, prompt=label, id=name)
                elif choices is SCHOOL:
                    yield Select(self.schools(), prompt=label, id=name)
                elif choices:
                    yield Select([(c, c) for c in choices], prompt=label, id=name)
                else:
                    default = today if name in ("on", "start") else ""
                    yield Input(default, placeholder=label, id=name)
            if self.kind == "welfare" and self.subject:
                yield Static("", id="answers", markup=False)
            if self.kind in STEPS_SHOWN and self.subject:
                yield EscalationSteps(self.subject, always=True)
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
        yield Footer()

    def when_ready(self) -> None:
        self.show_answers()

    @on(Input.Changed, "#on")
    def show_answers(self) -> None:
        """A welfare check's form says which escalations a check dated so answers."""
        if self.kind != "welfare" or not self.ready:
            return
        session = self.app.session  # type: ignore[attr-defined]
        try:
            on = self.query_one("#on", Input).value
            found = records.escalations_answered(session, str(self.subject), on)
        except PoltermError as error:
            text = in_form_words(error, self.labels())
        else:
            text = f"This check answers {answers([e['made_on'] for e in found])}"
        self.query_one("#answers", Static).update(plain(text))

    def schools(self) -> list[tuple[Content, str]]:
        """The district's schools as the students list offers them: "name (id)", by name."""
        schools = filter_choices(self.app.session)["school"]  # type: ignore[attr-defined]
        return [(plain(label), value) for label, value in schools]

    def school_of_subject(self) -> str:
        """The school of the student the record is about, whose principals a picker offers."""
        school_id, _, _ = conference_context(self.app.session, str(self.subject))  # type: ignore[attr-defined]
        return school_id

    def labels(self) -> dict[str, str]:
        return {
            FLAGS.get(name, "--" + name.replace("_", "-")): label
            for name, label, _ in FORMS[self.kind][1]
        }

    def save(self) -> None:
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
            self.not_saved(error)
            return
        self.notify(f"{FORMS[self.kind][0]}: saved")
        self.dismiss(True)
