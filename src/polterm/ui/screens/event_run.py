"""A plan run from the terminal: the planner in a worker, its progress by school, then the
quality table beside first come, first served's figures."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from polterm.errors import PoltermError
from polterm.planning.quality import Quality
from polterm.services.events import event_schools
from polterm.ui.widgets.dialog import HELP_BINDINGS
from polterm.ui.widgets.lines import LineTable
from polterm.ui.widgets.styled import KeepsStyles
from polterm.ui.widgets.worker import answer

if TYPE_CHECKING:  # the planner imports OR-Tools: only a plan run needs it
    from polterm.services.event_plan import Report


def _figures(q: Quality) -> list[str]:
    return [
        str(q.total_placed),
        *(f"{q.placed.get(p, 0)} of {q.requested.get(p, 0)}" for p in (1, 2, 3)),
        f"{q.wait_mean:g} / {q.wait_p95:g} / {q.wait_max:g}",
        f"{q.visits_per_family:g}",
        str(sum(q.interpreters.values())),
    ]


def quality_rows(report: Report) -> list[tuple[str, str, str]]:
    """(figure, the plan's, first come first served's), as `event plan` prints them."""
    names = [
        "Meetings placed",
        "Priority 1 placed",
        "Priority 2 placed",
        "Priority 3 placed",
        "Family waiting minutes (mean / p95 / max)",
        "Visits per family",
        "Meetings with an interpreter",
    ]
    out = report.outcome
    rows = [("Meetings requested", str(report.requested), str(report.requested))]
    rows += list(zip(names, _figures(out.quality), _figures(out.baseline), strict=True))
    gap = "unknown" if out.gap is None else f"{out.gap:.1%}"
    rows += [
        ("Unplaced", str(len(report.unplaced)), ""),
        ("Solver status", out.status, ""),
        ("Objective / bound", f"{out.objective} / {out.bound}", ""),
        ("Gap to the bound", gap, ""),
        ("Seconds", f"{out.seconds:g}", ""),
        ("Meetings written", "none (dry run)" if report.dry_run else str(report.written), ""),
    ]
    return rows


class PlanRun(KeepsStyles, ModalScreen[bool]):
    """`d` plans without writing, ctrl+s plans and writes the meetings; Escape closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "run(True)", "Dry run"),
        Binding("ctrl+s", "run(False)", "Plan and write"),
        Binding("escape", "dismiss(True)", "Close"),
        *HELP_BINDINGS,
    ]
    TIME_LIMIT = 30.0

    def __init__(self, event_id: str) -> None:
        super().__init__()
        self.event_id = event_id
        self.report: Report | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="plan-run"):
            yield Static(escape(f"Plan event {self.event_id}"), classes="title")
            yield Static(
                "d: a dry run (nothing written) · ctrl+s: plan and write the meetings · "
                f"at most {self.TIME_LIMIT:g} s",
                id="plan-progress",
            )
            yield LineTable("Figure", "Plan", "First come, first served", id="quality")

    def action_run(self, dry_run: bool) -> None:
        if any(w.group == "plan" and w.is_running for w in self.workers):
            return
        self.progress("Planning: reading the event…")
        self.plan(dry_run)

    @work(thread=True, group="plan")
    def plan(self, dry_run: bool) -> None:
        """On a connection of its own: the solver holds no lock the screen's reads wait for."""
        from polterm.services.event_plan import plan_event  # OR-Tools: here, not on opening
        from polterm.ui.screens.event import apart

        with apart(self.app) as session:
            total = len(event_schools(session, self.event_id))
            done: list[str] = []

            def progress(school_id: str) -> None:
                done.append(school_id)
                answer(
                    self,
                    self.progress,
                    f"Planning: school {school_id} solved ({len(done)} of {total})",
                )

            try:
                report = plan_event(
                    session,
                    self.event_id,
                    dry_run=dry_run,
                    time_limit=self.TIME_LIMIT,
                    progress=progress,
                )
            except PoltermError as error:
                answer(self, self.progress, f"Refused: {error}")
                return
        answer(self, self.show, report)

    def progress(self, text: str) -> None:
        self.query_one("#plan-progress", Static).update(escape(text))

    def show(self, report: Report) -> None:
        self.report = report
        done = "planned (dry run: nothing written)" if report.dry_run else "planned and written"
        self.progress(f"Event {report.event_id} {done}; the quality table:")
        self.query_one("#quality", LineTable).set_rows(
            (name, (name, plan, fcfs)) for name, plan, fcfs in quality_rows(report)
        )
        if not report.dry_run:
            self.app.after_write(True)  # type: ignore[attr-defined]
