"""Schedule or edit a conference, with the policies' warnings and clashes shown while typing;
staff and attendees are chosen from pickers, never typed as ids."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from polterm.errors import PoltermError
from polterm.policy import ConferenceDraft
from polterm.services.conferences import (
    INITIATORS,
    MODALITIES,
    STATUSES,
    HeldAheadError,
    conference_draft,
    conference_kinds,
    default_staff,
    get_conference,
    schedule_conference,
    staffing_warnings,
    update_conference,
)
from polterm.services.views import conference_context, conflicts, draft_warnings
from polterm.ui.text import literal, plain
from polterm.ui.widgets.confirm import ask_held_today
from polterm.ui.widgets.dialog import FormDialog, in_form_words
from polterm.ui.widgets.footer import Footer
from polterm.ui.widgets.people import (
    attendee_choice,
    attendee_of,
    attendee_source,
    staff_choices,
    staff_source,
)
from polterm.ui.widgets.picker import Picker
from polterm.ui.widgets.worker import answer


class ConferenceForm(FormDialog):
    """Dismisses True when saved; a stale version (ConflictError) is a notification."""

    def __init__(self, student_id: str | None = None, conference_id: int | None = None) -> None:
        super().__init__("#at")
        self.conference_id = conference_id
        self.student_id = student_id
        self.version: int | None = None
        self.original: ConferenceDraft | None = None

    def compose(self) -> ComposeResult:
        session = self.app.session  # type: ignore[attr-defined]
        if self.conference_id is not None:
            self.original = conference_draft(session, self.conference_id)
            self.student_id = self.original.student_id
            self.version = get_conference(session, self.conference_id)["version"]
        d = self.original
        kinds = conference_kinds(session)
        self.school_id, level, self.own = conference_context(session, str(self.student_id))
        self.school_level = level
        self.extra = {
            f.name: f
            for kind in kinds.values()
            for f in kind.fields
            if level in f.levels and f.name != "initiated_by"
        }
        title = f"Conference {self.conference_id}" if d else "New conference"
        with VerticalScroll(classes="dialog"):
            yield Static(plain(f"{title} for {self.student_id}"), classes="title")
            with Horizontal(classes="row"):
                yield Select(
                    [(k.title, k.id) for k in kinds.values()],
                    value=d.kind if d else next(iter(kinds), Select.NULL),
                    allow_blank=False,
                    id="kind",
                )
                yield Input(
                    d.at if d else f"{self.app.today}T15:00",
                    placeholder="YYYY-MM-DDTHH:MM",
                    id="at",
                )  # type: ignore[attr-defined]
            with Horizontal(classes="row"):
                yield Select(
                    [(m, m) for m in MODALITIES],
                    value=d.modality if d else "in-person",
                    allow_blank=False,
                    id="modality",
                )
                yield Select(
                    [(i, i) for i in INITIATORS],
                    value=(d.initiated_by if d and d.initiated_by else Select.NULL),
                    prompt="Initiated by",
                    id="initiated_by",
                )
                yield Select(
                    [(x, x) for x in STATUSES],
                    value=d.status if d else "scheduled",
                    allow_blank=False,
                    id="status",
                )
        yield Footer()

    def later(self) -> list[Widget]:
        """Attendees, the request, the kinds' own fields, the warnings and the buttons."""
        d = self.original
        session = self.app.session  # type: ignore[attr-defined]
        extras: list[Widget] = []
        for f in self.extra.values():
            current = getattr(d, f.name, None) if d else None
            if f.choices:
                extras.append(
                    Select(
                        [(c, c) for c in f.choices],
                        value=current or Select.NULL,
                        prompt=f.title,
                        id=f"x-{f.name}",
                    )
                )
            else:
                extras.append(Input(current or "", placeholder=f.title, id=f"x-{f.name}"))
        self.warnings = Static("", id="warnings", classes="warnings")
        return [
            Horizontal(
                Picker(
                    staff_source(self.school_id),
                    placeholder="Staff attending: type a name",
                    chosen=staff_choices(session, d.staff_ids if d else default_staff(session)),
                    id="staff",
                ),
                Picker(
                    attendee_source(self.student_id),
                    placeholder="Other attendees: guardian or any name",
                    chosen=[attendee_choice(a, a.guardian_id in self.own) for a in d.attendees]
                    if d
                    else (),
                    id="attendees",
                ),
                classes="row",
            ),
            Horizontal(  # the checkbox here leaves the selects above their words' width
                Input(
                    d.request_id or "" if d else "",
                    placeholder="Linked parent request id",
                    id="request",
                ),
                Checkbox(
                    "Remote attendance offered", d.remote_offered if d else False, id="remote"
                ),
                classes="row",
            ),
            *extras,
            Vertical(  # docked: in sight however far the fields scroll, at 80x24 too
                Label("Warnings", classes="section"),
                self.warnings,
                Horizontal(
                    Button("Save (ctrl+s)", variant="primary", id="save"),
                    Button("Cancel", id="cancel"),
                    classes="buttons",
                ),
                id="outcome",
            ),
        ]

    def labels(self) -> dict[str, str]:
        fixed = {
            "--kind": "Kind",
            "--at": "Date and time",
            "--modality": "Modality",
            "--initiated-by": "Initiated by",
            "--status": "Status",
            "--request": "Linked parent request",
        }
        return fixed | {"--" + n.replace("_", "-"): f.title for n, f in self.extra.items()}

    def when_ready(self) -> None:
        self.refresh_warnings()

    def draft(self) -> ConferenceDraft:
        """The conference as the fields hold it now (no query: the school was read on compose)."""

        def value(wid: str) -> Any:
            v = self.query_one(f"#{wid}").value  # type: ignore[attr-defined]
            return None if v is Select.NULL or v == "" else v

        extras = {
            n: value(f"x-{n}") for n in self.extra if n in ConferenceDraft.__dataclass_fields__
        }
        base = self.original
        fields = dict(
            student_id=self.student_id,
            kind=value("kind"),
            at=value("at") or "",
            school_id=self.school_id,
            school_level=self.school_level,
            modality=value("modality"),
            status=value("status"),
            remote_offered=bool(value("remote")),
            initiated_by=value("initiated_by"),
            staff_ids=tuple(self.query_one("#staff", Picker).values),
            attendees=tuple(map(attendee_of, self.query_one("#attendees", Picker).values)),
            request_id=value("request"),
            **extras,
        )
        if base is not None:
            return replace(base, **fields)
        return ConferenceDraft(**fields)

    def details(self) -> dict[str, Any]:
        out = {}
        for n in self.extra:
            if n not in ConferenceDraft.__dataclass_fields__:
                v = self.query_one(f"#x-{n}").value  # type: ignore[attr-defined]
                out[n] = None if v is Select.NULL else v
        return out

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(Picker.Changed)
    def refresh_warnings(self) -> None:
        """Ask again whenever a field or the attendees change; the answer comes from a worker."""
        if self.ready:
            self.warn(self.draft())

    @work(thread=True, exclusive=True, group="warnings")
    def warn(self, draft: ConferenceDraft) -> None:
        """Policies' warnings and clashes for the draft, on the worker's reader connection."""
        app = self.app
        session = app.reader()  # type: ignore[attr-defined]
        try:
            lines = staffing_warnings(draft)
            lines += draft_warnings(session, draft, app.today)  # type: ignore[attr-defined]
            if len(draft.at) >= 16:
                lines += conflicts(session, draft)
        except Exception as error:  # an unfinished date while typing
            lines = [f"(incomplete: {in_form_words(error, self.labels())})"]
        answer(self, self.show_warnings, lines)

    def show_warnings(self, lines: list[str]) -> None:
        self.warnings.update(literal("\n".join(f"• {w}" for w in lines)) or "none")

    def save(self) -> None:
        session = self.app.session  # type: ignore[attr-defined]
        try:
            draft = self.draft()
            if self.conference_id is None:
                new_id = schedule_conference(
                    session,
                    draft,
                    today=self.app.today,
                    **self.details(),  # type: ignore[attr-defined]
                )
                self.notify(f"Conference {new_id} scheduled")
            else:
                changes = {
                    k: getattr(draft, k)
                    for k in (
                        "kind",
                        "at",
                        "status",
                        "modality",
                        "remote_offered",
                        "initiated_by",
                        "staff_ids",
                        "attendees",
                        "request_id",
                        "group_size",
                        "planning",
                    )
                }
                update_conference(
                    session,
                    self.conference_id,
                    {**changes, **self.details()},
                    expected_version=self.version,
                    today=self.app.today,  # type: ignore[attr-defined]
                )
                self.notify(f"Conference {self.conference_id} saved")
        except HeldAheadError as error:
            ask_held_today(self, error, draft.at, self.save_moved)
            return
        except PoltermError as error:
            self.not_saved(error)
            return
        self.dismiss(True)

    def save_moved(self, at: str) -> None:
        """Held today after all: the date field says so, and the form saves again."""
        self.query_one("#at", Input).value = at
        self.save()

    @on(Button.Pressed, "#cancel")
    def cancel(self) -> None:
        self.dismiss(False)
