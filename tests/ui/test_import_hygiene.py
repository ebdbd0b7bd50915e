"""The engine, services and read models run without the UI: importing them loads no Textual."""

from __future__ import annotations

import subprocess
import sys


def test_read_models_and_engine_import_without_textual() -> None:
    code = (
        "import sys, polterm.services.views, polterm.engine, polterm.cli;"
        "print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_event_screen_and_booking_by_hand_import_no_solver() -> None:
    """Importing OR-Tools holds the interpreter for 130-310 ms, even in a worker: only a plan
    run may need it, never opening the event screen, its plan dialog or a booking."""
    code = (
        "import sys, polterm.ui.screens.event, polterm.ui.screens.event_run,"
        " polterm.ui.screens.event_phone, polterm.services.event_timetable;"
        "print('ortools' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
