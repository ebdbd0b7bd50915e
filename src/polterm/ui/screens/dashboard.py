"""Today: what the policies say needs the actor now, and this week's conferences."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Header, LoadingIndicator, Static

from polterm.policy import Finding
from polterm.services.views import Dashboard
from polterm.ui.text import literal
from polterm.ui.widgets.footer import Footer
from polterm.ui.widgets.lines import LineTable
from polterm.ui.widgets.styled import KeepsStyles
from polterm.ui.widgets.worker import answer


class DashboardScreen(KeepsStyles, Screen[None]):
    """Findings most urgent first; Enter opens the student or conference a row concerns."""

    shown: Dashboard | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("What needs you now", classes="title")
        failures = Static("", id="failures", classes="error")
        failures.display = False  # shown only while a rule fails
        yield failures
        yield LoadingIndicator(id="loading")
        yield LineTable("Status", "Due", "Student", "School", "Rule", "What is owed", id="findings")
        yield Static("", id="why", classes="muted")
        yield Static("Conferences today and this week", classes="title")
        yield LineTable(
            "When", "Student", "Kind", "Status", "Modality", zebra=False, id="conferences"
        )
        yield from _call_list()
        yield Static("", id="counts", classes="title")
        with Horizontal(id="tallies"):
            yield LineTable("Findings", "Rule", zebra=False, id="by-rule")
            yield LineTable("Findings", "School", zebra=False, id="by-school")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    @work(exclusive=True, thread=True, group="calls")
    def load_calls(self) -> None:
        """The office's call list: guardians to phone about a conference (no e-mail)."""
        from polterm.services.mail_queue import call_list

        answer(self, self.show_calls, call_list(self.app.reader()))  # type: ignore[attr-defined]

    def show_calls(self, rows: list[dict[str, Any]]) -> None:
        for widget in self.query(".calls"):
            widget.display = bool(rows)
        self.query_one("#calls", LineTable).set_rows(
            (
                f"s:{r['student_id']}:{r['id']}",
                (
                    r["conference_at"].replace("T", " "),
                    r["kind"],
                    r["student"],
                    r["guardian"],
                    r["phone"] or "no phone on file",
                    r["why"],
                ),
            )
            for r in rows
        )

    def on_screen_resume(self) -> None:
        """Back on the dashboard after a write elsewhere: evaluate again."""
        if self.is_mounted and self.app.dashboard_cache is not self.shown:  # type: ignore[attr-defined]
            self.reload()

    def reload(self) -> None:
        cached = self.app.dashboard_cache  # type: ignore[attr-defined]
        if cached is not None:
            self.show(cached)
        else:
            self.query_one("#loading").display = True
            self.load()
        if self.app.session.actor.role == "office":  # type: ignore[attr-defined]
            self.load_calls()

    @work(exclusive=True, thread=True)
    def load(self) -> None:
        data = self.app.dashboard_data()  # type: ignore[attr-defined]
        self.app.call_from_thread(self.show, data)

    def show(self, data: Dashboard) -> None:
        self.app.dashboard_cache = self.shown = data  # type: ignore[attr-defined]
        self.app.call_after_refresh(self.app.dashboard_painted)  # type: ignore[attr-defined]
        self.query_one("#loading").display = False
        findings = self.query_one("#findings", LineTable)
        findings.set_rows(
            (
                f"c:{f.conference_id}:{i}"
                if f.conference_id is not None
                else f"s:{f.student_id}:{i}",
                (
                    f"{whose(data, f)} (stale)" if i in data.stale else whose(data, f),
                    f.due or "",
                    data.names.get(f.student_id or "", f.student_id or ""),
                    f.school_id or "",
                    f.rule,
                    f.message,
                ),
            )
            for i, f in enumerate(data.findings)
        )
        failures = self.query_one("#failures", Static)
        failures.display = bool(data.failures)
        failures.update(literal("\n".join(f"Rule failed: {f}" for f in data.failures)))
        self.explain(findings.cursor_row)
        self.query_one("#conferences", LineTable).set_rows(
            (
                f"c:{row['id']}",
                (
                    row["at"].replace("T", " "),
                    row["student"],
                    row["kind"],
                    row["status"],
                    row["modality"],
                ),
            )
            for row in data.today + data.week
        )
        shown = [f.message for f in data.failures]  # a failing rule is above, not again here
        other = [e for e in data.errors if not any(e.endswith(m) for m in shown)]
        errors = f" · plugin errors: {'; '.join(other)}" if other else ""
        self.query_one("#counts", Static).update(
            literal(f"{data.total} findings as of {data.as_of}, by rule and by school{errors}")
        )
        for table, counts in (("#by-rule", data.per_rule), ("#by-school", data.per_school)):
            self.query_one(table, LineTable).set_rows(
                (name, (str(n), name)) for name, n in sorted(counts.items())
            )

    def on_line_table_row_highlighted(self, event: LineTable.RowHighlighted) -> None:
        if event.table.id == "findings":
            self.explain(event.cursor_row)

    def explain(self, row: int) -> None:
        """The whole message and its citation, which the table cuts short."""
        findings = self.shown.findings if self.shown is not None else []
        f = findings[row] if row < len(findings) else None
        text = ""
        if f is not None and self.shown is not None:
            role = other_role(self.shown, f)
            to_act = f"For the {role} to act on: " if role else ""
            text = f"{to_act}{f.message} — {f.citation}"
        self.query_one("#why", Static).update(literal(text))

    def on_line_table_row_selected(self, event: LineTable.RowSelected) -> None:
        if event.table.id not in ("findings", "conferences", "calls"):
            return  # a count: nothing to open
        kind, ident = event.key.split(":")[:2]
        if ident == "None":
            return
        if kind == "s":
            self.app.open_student(ident)  # type: ignore[attr-defined]
        else:
            self.app.open_conference(int(ident))  # type: ignore[attr-defined]


def other_role(data: Dashboard, f: Finding) -> str | None:
    """The role whose action this is, when it is an action and not the actor's."""
    return data.others.get(f"{f.policy}/{f.rule}") if f.status == "action" else None


def whose(data: Dashboard, f: Finding) -> str:
    """The status column: an action another role takes is marked as theirs ("principal's")."""
    role = other_role(data, f)
    return f"{role}'s" if role else f.status


def _call_list() -> ComposeResult:
    """Hidden until the office has someone to phone."""
    title = Static("Families to phone (no e-mail)", id="calls-title", classes="title calls")
    table = LineTable(
        "When", "About", "Student", "Guardian", "Phone", "Why", zebra=False, id="calls"
    )
    table.add_class("calls")
    for widget in (title, table):
        widget.display = False
        yield widget
