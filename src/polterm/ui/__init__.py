"""The Textual face of polterm. Imported only when the UI opens, never by the engine."""

from __future__ import annotations

import gc
import os
import threading
from concurrent.futures import Future, InvalidStateError
from datetime import date
from typing import TYPE_CHECKING

from polterm.services.session import Session
from polterm.storage import open_database
from polterm.storage.db import database_file
from polterm.storage.progress import stop_when

# Textual draws a changed screen on a timer that, after a quiet spell, waits one to two of its
# periods: at its 60 a second, a search's page, read in 5 ms, reached the screen 30 ms after the
# key (median over 50 keys). At 120 it does in 20; TEXTUAL_FPS set by the user is kept. Set
# here, as Textual reads it once when imported: this package comes first, and imports it later.
FRAMES_PER_SECOND = "120"
os.environ.setdefault("TEXTUAL_FPS", FRAMES_PER_SECOND)

# SQLite steps between two looks at whether a worker's read was cancelled or replaced (a few ms
# of work; each look takes the GIL, which the event loop drawing the keystroke needs too)
STEPS_PER_LOOK = 100_000

if TYPE_CHECKING:
    from polterm.cli.state import State
    from polterm.services.views import Dashboard
    from polterm.ui.app import PoltermApp


def run_ui(state: State) -> None:
    """Open the terminal UI on the state's database as its acting person."""
    start_ui(state).run()


def start_ui(state: State) -> PoltermApp:
    """The app, its first screen's data already being read: the query runs while Textual is
    imported and mounts the dashboard (~0.3 s), not after.

    What each import step made (modules, classes, plugins) lives as long as the process: frozen,
    the collector's passes during start-up and at exit no longer walk it (~0.1 s of CPU).
    """
    session = state.session()
    gc.freeze()
    today = date.today()
    first = read_dashboard(session, today)
    from polterm.ui.app import PoltermApp

    gc.freeze()
    return PoltermApp(session, today, first)


def read_dashboard(session: Session, today: date) -> Future[Dashboard]:
    """The dashboard's data, read on a connection and a thread of their own. Cancelling the
    future (quitting does) stops the query in progress at its next look, so that a worker waiting
    for the answer, which quitting does wait for, is let go at once."""
    from polterm.services.views import dashboard

    reader = reader_session(session)
    future: Future[Dashboard] = Future()

    def read() -> None:
        try:
            with stop_when(reader.db, future.cancelled, STEPS_PER_LOOK):
                future.set_result(dashboard(reader, today))
        except InvalidStateError:
            pass  # cancelled meanwhile: nobody waits for it
        except BaseException as error:
            if not future.cancelled():
                future.set_exception(error)
        finally:
            if reader is not session:
                reader.db.close()

    threading.Thread(target=read, name="polterm-dashboard", daemon=True).start()
    return future


def reader_session(session: Session) -> Session:
    """A session of its own on the same database file, for reads in another thread.

    The engine's read-only guard and time limit are set per connection, so a worker's
    evaluation must never share the connection the forms write through.
    """
    path = database_file(session.db)
    if not path:  # an in-memory database has one connection only
        return session
    from polterm.ui.text import neutralise

    return Session(neutralise(open_database(path)), session.actor, session.registry)
