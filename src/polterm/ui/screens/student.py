"""One student: family, contacts, history, and each finding with the sentence that owes it."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, LoadingIndicator, Static

from polterm.policy import RecordForm as PolicyRecordForm
from polterm.services.plugin_records import record_forms, save_record
from polterm.services.views import student_detail
from polterm.ui.screens.fields_form import FieldsForm
from polterm.ui.text import literal
from polterm.ui.widgets.footer import Footer
from polterm.ui.widgets.lines import LineTable
from polterm.ui.widgets.styled import KeepsStyles
from polterm.ui.widgets.worker import answer


class StudentScreen(KeepsStyles, Screen[None]):
    """Read in a worker; the keys open the forms that write through the services."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", show=False),  # room for x at 80 columns
        # short words, so that every key fits the footer at 80 columns; `?` lists the tooltips
        Binding("n", "schedule", "Schedule", tooltip="New conference"),
        Binding("h", "conduct", "Conduct", tooltip="Conduct the conference under the cursor"),
        Binding("a", "attempt", "Attempt", tooltip="Log a contact attempt"),
        Binding("f", "policy_record", "Record", tooltip="A policy's own record form"),
        Binding("e", "escalation", "Escalate", tooltip="Report to the principal or designee"),
        Binding("w", "welfare", "Welfare", tooltip="Welfare check"),
        Binding("c", "call", "Call", tooltip="Take a parent's call (a request)"),
        Binding("x", "calendar", "ICS", tooltip="Export the conferences as a calendar (ICS)"),
        Binding("o", "outbox", "E-mail", tooltip="The e-mail outbox of the family"),
    ]

    def __init__(self, student_id: str) -> None:
        super().__init__()
        self.student_id = student_id
        self.detail: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="name", classes="title")
        yield LoadingIndicator(id="loading")
        yield Static("Conferences (Enter: edit · h: conduct)", classes="section")
        yield LineTable("Id", "When", "Kind", "Status", "Modality", zebra=False, id="conferences")
        with VerticalScroll(id="detail"):
            yield Static("", id="body")
        yield Footer()

    def on_mount(self) -> None:
        self.forms = record_forms(self.app.session)  # type: ignore[attr-defined]
        self.refresh_bindings()
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The policies' record key only when a policy in force defines a record form."""
        if action == "policy_record":
            return bool(getattr(self, "forms", None))
        return True

    def action_policy_record(self) -> None:
        """A policy's own record for this student; with several forms, which one first."""
        if len(self.forms) == 1:
            self._policy_form(*self.forms[0])
            return
        titles = {form.title: (policy, form) for policy, form in self.forms}
        chosen: list[str] = []
        which = FieldsForm(
            "Which policy record?",
            [("form", "Record", tuple(titles), next(iter(titles)))],
            lambda values: chosen.append(values["form"]),
        )
        self.app.push_screen(which, lambda ok: ok and self._policy_form(*titles[chosen[-1]]))

    def _policy_form(self, policy: str, form: PolicyRecordForm) -> None:
        session = self.app.session  # type: ignore[attr-defined]
        today = self.app.today.isoformat()  # type: ignore[attr-defined]
        fields = [
            (f.name, f.title, f.choices, today if f.kind == "date" else "") for f in form.fields
        ]

        def save(values: Any) -> None:
            save_record(session, policy, form.id, self.student_id, values)

        self.app.push_screen(
            FieldsForm(f"{form.title} for {self.student_id}", fields, save),
            self.app.after_write,  # type: ignore[attr-defined]
        )

    def reload(self) -> None:
        self.load()

    @work(exclusive=True, thread=True)
    def load(self) -> None:
        app = self.app
        try:
            detail = student_detail(app.reader(), self.student_id, app.today)  # type: ignore[attr-defined]
        except Exception as error:  # PoltermError, PermissionDenied: shown, not raised
            app.call_from_thread(app.notify, str(error), severity="error", markup=False)
            return
        answer(self, self.show, detail)  # dropped if the screen was closed meanwhile

    def show(self, d: dict[str, Any]) -> None:
        self.detail = d
        self.query_one("#loading").display = False
        self.query_one("#name", Static).update(
            literal(f"{d['given']} {d['family']} · {d['id']} · grade {d['grade']} · {d['school']}")
        )
        table = self.query_one("#conferences", LineTable)
        selected = self.selected_conference()  # a reload after a write keeps the cursor on it
        table.set_rows(
            (
                str(c["id"]),
                (str(c["id"]), c["at"].replace("T", " "), c["kind"], c["status"], c["modality"]),
            )
            for c in d["conferences"]
        )
        if selected is not None and str(selected) in table.row_keys:
            table.move_cursor(row=table.row_keys.index(str(selected)))
        self.query_one("#body", Static).update(render_detail(d))

    def on_line_table_row_selected(self, event: LineTable.RowSelected) -> None:
        self.app.open_conference(int(event.key))  # type: ignore[attr-defined]

    def selected_conference(self) -> int | None:
        table = self.query_one("#conferences", LineTable)
        if table.row_count == 0:
            return None
        return int(table.row_keys[table.cursor_row])

    def action_schedule(self) -> None:
        self.app.new_conference(self.student_id)  # type: ignore[attr-defined]

    def action_calendar(self) -> None:
        self.app.export_calendar(student_id=self.student_id)  # type: ignore[attr-defined]

    def action_conduct(self) -> None:
        from polterm.ui.screens.conduct import ConductScreen

        conference_id = self.selected_conference()
        if conference_id is None:
            self.notify("No conference to conduct: schedule one with n", severity="warning")
            return
        self.app.push_screen(ConductScreen(conference_id), self.app.after_write)  # type: ignore[attr-defined]

    def _record(self, kind: str) -> None:
        from polterm.ui.screens.records import RecordForm

        self.app.push_screen(RecordForm(kind, self.student_id), self.app.after_write)  # type: ignore[attr-defined]

    def action_attempt(self) -> None:
        self._record("attempt")

    def action_escalation(self) -> None:
        self._record("escalation")

    def action_welfare(self) -> None:
        self._record("welfare")

    def action_call(self) -> None:
        self._record("request")

    def action_outbox(self) -> None:
        from polterm.ui.screens.outbox import OutboxScreen

        self.app.push_screen(OutboxScreen(self.student_id))


def render_detail(d: dict[str, Any]) -> str:
    """The student's record as Rich markup, section by section."""
    out: list[str] = ["[b]Findings — why is this owed?[/b]"]
    out += [f"  [b]Rule failed:[/b] {literal(failure)}" for failure in d.get("failures", [])]
    for f in d["findings"]:
        stale = " [i](stale: its rule fails now)[/i]" if f.get("stale") else ""
        out.append(
            f"  [b]{f['status']}[/b]{stale} {literal(f['message'])} (due {f['due'] or '—'})\n"
            f"    [i]{literal(first_paragraph(f['sentence']))}[/i]\n"
            f"    {literal(f['citation'])}"
        )
    if not d["findings"]:
        out.append("  nothing owed as of today")
    for panel in d.get("panels", []):
        out.append(f"[b]{literal(panel['title'])}[/b] ({literal(panel['policy'])})")
        out += [f"  {literal(line)}" for line in panel["lines"]] or ["  none"]
    out += [f"[b]Panel failed:[/b] {literal(error)}" for error in d.get("panel_errors", [])]
    out.append("[b]Guardians[/b]")
    for g in d["guardians"]:
        contact = " ".join(x for x in (g.get("phone"), g.get("email")) if x)
        if not contact:
            contact = "no phone or e-mail on file" if "phone" in g else "contact hidden"
        needs = f"language {g['language']}" + (", needs an interpreter" if g["interpreter"] else "")
        out.append(f"  {literal(g['name'])} ({literal(g['id'])}) · {literal(contact)} · {needs}")
    ec = d["emergency_contact"]
    out.append("[b]Emergency contact[/b]")
    if ec:
        out.append(
            f"  {literal(ec.get('name') or '—')} {literal(ec.get('phone') or '')}"
            f" · on file {ec.get('set_on') or '—'} · requested {ec.get('requested_on') or '—'}"
        )
    else:
        out.append("  none on file")
    records = [
        (
            "Contact attempts",
            [
                f"  {a['made_on']} {a['method']} {a['outcome']} ({a['purpose']})"
                for a in d["attempts"]
            ],
        ),
        (
            "Escalations to the principal or designee",
            [
                f"  {e['made_on']}{by(e)} to {literal(named(e['to_name'], e['to_staff_id']))} · "
                + (
                    f"welfare check {e['answered_on']}"
                    if e["answered_on"]
                    else "no welfare check yet"
                )
                for e in d["escalations"]
            ],
        ),
        (
            "Welfare checks",
            [
                f"  {w['made_on']}{by(w)}: {literal(w['outcome'])}"
                f" · answers {answers(w['answers'])}"
                for w in d["welfare_checks"]
            ],
        ),
        (
            "Requests",
            [
                f"  {literal(r['id'])} {r['requested_on']} with the {r['with_whom']}: "
                f"{literal(r['topic'] or '')} · "
                + (f"conference {r['conference_id']}" if r["conference_id"] else "not arranged")
                for r in d["requests"]
            ],
        ),
        (
            "Progress reports",
            [
                f"  {p['period_id']} issued {p['issued_on']}"
                + (f" at conference {p['conference_id']}" if p["conference_id"] else "")
                for p in d["progress_reports"]
            ],
        ),
        (
            "Remote learning",
            [
                f"  {r['start']} – {r['end'] or 'ongoing'} ({r['school_id'] or 'district-wide'})"
                for r in d["remote"]
            ],
        ),
    ]
    for title, lines in records:
        out += section(title, lines)
    return "\n".join(out)


def section(title: str, lines: list[str]) -> list[str]:
    """A heading of the record and its lines, or that there are none."""
    return [f"[b]{title}[/b]", *(lines or ["  none"])]


def by(record: dict[str, Any]) -> str:
    """ " by NAME" for a record of who acted, when the person is known."""
    return f" by {literal(record['by_name'])}" if record["by_name"] else ""


def named(name: str | None, staff_id: str | None) -> str:
    """A staff member as the page names them: name and id, or that nobody was named."""
    return f"{name} ({staff_id})" if staff_id else "nobody named"


def answers(days: list[str]) -> str:
    """Which escalations a welfare check answers, by date."""
    if not days:
        return "no open escalation"
    return f"the escalation{'s' if len(days) > 1 else ''} of {', '.join(days)}"


def first_paragraph(text: str) -> str:
    """The policy sentence without the rule's notes on how it reads it."""
    return " ".join(text.split("\n\n")[0].split())
