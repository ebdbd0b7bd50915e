"""The polterm application: one session, one as-of date, the screens of a school's day."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from concurrent.futures import Future
from datetime import date
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from polterm.display import visible
from polterm.engine import missing_policies
from polterm.services.session import Session
from polterm.services.views import Dashboard, dashboard
from polterm.ui import hangup, reader_session
from polterm.ui.collector import LOOK_S, IdleCollector
from polterm.ui.commands import JumpProvider
from polterm.ui.text import neutralise
from polterm.ui.widgets.dialog import HELP_BINDINGS


class PoltermApp(App[None]):
    """Dependencies come in through the constructor so tests run it on a small database."""

    # the dashboard's last answer; None when a write made it stale
    dashboard_cache: Dashboard | None = None
    # the school and year last chosen on the reports screen, kept for the session
    report_choice: tuple[str | None, str | None] = (None, None)

    CSS_PATH = "app.tcss"
    TITLE = "polterm"
    COMMANDS = App.COMMANDS | {JumpProvider}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "open('dashboard')", "Today"),
        Binding("s", "open('students')", "Students"),
        Binding("p", "open('policies')", "Policies"),
        Binding("r", "open('reports')", "Reports"),
        Binding("m", "open('records')", "Remote", tooltip="Remote learning and involvement"),
        Binding("e", "open('events')", "Events"),
        *HELP_BINDINGS,
        Binding("q", "quit", "Quit"),
    ]

    def __init__(
        self,
        session: Session,
        today: date | None = None,
        first_dashboard: Future[Dashboard] | None = None,
    ) -> None:
        from polterm.ui.screens import TOP_LEVEL, top_level

        super().__init__()
        for name in TOP_LEVEL:
            self.add_mode(name, partial(self.new_top_level, name, top_level))
        self.writes = 0  # saved writes so far: a top-level screen read before one is stale
        self.read_at: dict[str, int] = {}  # each top-level screen's data: as of that many writes
        self.session = session
        neutralise(session.db)
        self.today = today or date.today()
        self.first_dashboard = first_dashboard
        self._early_read = first_dashboard  # kept to be cancelled on quitting, once taken too
        self._readers = threading.local()
        self.collector = IdleCollector(lambda: any(w.is_running for w in self.workers))

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self.collector.touched()
        await super().on_event(event)

    def _exit_if_hung_up(self) -> None:
        """Nobody is at a terminal that has gone: end the session (every saved change is
        already committed; what a form held unsaved went with the person)."""
        if hangup.hung_up():
            self.exit(return_code=1)

    def on_mount(self) -> None:
        problems = missing_policies(self.session.db, self.session.registry)
        if problems:
            self.exit(return_code=2, message="; ".join(problems))
            return
        self.collector.start()
        self.set_interval(LOOK_S, self.collector.look)
        if not self.is_headless:
            self.set_interval(hangup.LOOK_S, self._exit_if_hung_up)
        actor = self.session.actor  # read before the connection showed controls
        self.sub_title = f"{visible(actor.name)} ({actor.role}) · {self.today}"
        first = self.first_dashboard
        if first is not None and first.done() and first.exception() is None:
            # read while Textual loaded: the dashboard shows it as it mounts, in its first layout,
            # with no worker and no loading indicator drawn meanwhile
            self.first_dashboard = None
            self.dashboard_cache = first.result()
        self.action_open("dashboard")

    def on_unmount(self) -> None:
        """Quitting: an early read still running is stopped, not waited for (`read_dashboard`)."""
        self.collector.stop()
        if self._early_read is not None:
            self._early_read.cancel()

    def dashboard_painted(self) -> None:
        """The dashboard has painted its data (it calls this after the refresh that shows them):
        the moment to prepare the next screen (see `preload`).
        Start-up ends here; the benchmark's app ends itself here."""
        self.preload(("students", "events"))

    @work(group="preload")
    async def preload(self, names: tuple[str, ...]) -> None:
        """Mount and style top-level screens while nobody waits (the students list costs Textual
        ~0.4 s the first time, the events screen as much). Textual mounts a mode's screen on a
        first switch to it and styles it on a switch once mounted, and has no other way: each is
        a switch there and back in one callback, which draws nothing."""
        here = self.current_mode
        for name in names:
            try:
                self.get_screen_stack(name)
                continue
            except KeyError:
                mounted = self.switch_mode(name)
                self.switch_mode(here)
            await mounted
            if self.current_mode == here:  # nobody went there meanwhile
                self.switch_mode(name)
                self.switch_mode(here)
        gc.freeze()  # start-up's objects live as long as the app: no full collection walks them

    def reader(self) -> Session:
        """This worker thread's own session on the database file, for reads (`reader_session`)."""
        session = getattr(self._readers, "session", None)
        if session is None:
            session = self._readers.session = reader_session(self.session)
        return session

    def dashboard_data(self) -> Dashboard:
        """From a worker thread: the dashboard's data; the first time, the read begun with the
        app (`polterm.ui.start_ui`)."""
        first, self.first_dashboard = self.first_dashboard, None
        if first is not None:
            return first.result()
        return dashboard(self.reader(), self.today)

    def new_top_level(self, name: str, build: Callable[[str], Screen]) -> Screen:
        """A top-level screen as its mode first shows it, reading the data as of now."""
        self.read_at[name] = self.writes
        return build(name)

    def action_open(self, name: str) -> None:
        """Show a top-level screen, current: each is a Textual mode, with its own stack and
        state, but a key never brings back a student page or form left open on that stack
        (acting on an old page could book twice), nor data read before a write since."""
        if self.current_mode != name:
            self.switch_mode(name)
        while len(self.screen_stack) > 1:
            self.pop_screen()
        if self.read_at.get(name, self.writes) != self.writes:
            self.read_at[name] = self.writes
            reload = getattr(self.screen, "reload", None)
            if reload is not None and name != "dashboard":  # it follows `dashboard_cache`
                reload()

    def action_help(self) -> None:
        """The keys of the screen in front, a modal form's included."""
        from polterm.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.screen.active_bindings))

    def open_student(self, student_id: str) -> None:
        from polterm.ui.screens.student import StudentScreen

        self.push_screen(StudentScreen(student_id))

    def open_conference(self, conference_id: int) -> None:
        """The conference's form, if the user may read it; otherwise one line saying so."""
        from polterm.services.views import conference_hit
        from polterm.ui.screens.conference import ConferenceForm

        if conference_hit(self.session, conference_id) is None:
            self.notify(f"No conference {conference_id} that you may see", severity="error")
            return
        self.push_screen(ConferenceForm(conference_id=conference_id), self.after_write)

    def new_conference(self, student_id: str) -> None:
        from polterm.ui.screens.conference import ConferenceForm

        self.push_screen(ConferenceForm(student_id=student_id), self.after_write)

    def export_calendar(
        self, *, staff_id: str | None = None, student_id: str | None = None
    ) -> None:
        """Ask where, then write the conferences of a student or a staff member as ICS."""
        from polterm.ui.widgets.savefile import SaveFileDialog, safe_name

        whose = student_id or staff_id or ""

        def write(path: Path) -> None:
            from polterm.exporters.ics import write_calendar  # icalendar: slow to import

            write_calendar(self.session, path, staff_id=staff_id, student_id=student_id)

        self.push_screen(
            SaveFileDialog(
                f"Export the conferences of {whose} as a calendar (ICS) to",
                safe_name(f"conferences-{whose}.ics"),
                write,
            )
        )

    def after_write(self, saved: object = None) -> None:
        """Something was written: the cached findings are stale, screens reload."""
        if saved:
            self.writes += 1
            if len(self.screen_stack) == 1:  # the top-level screen itself reloads, now
                self.read_at[self.current_mode] = self.writes
            self.dashboard_cache = None
            refresh = getattr(self.screen, "reload", None)
            if refresh is not None:
                refresh()
