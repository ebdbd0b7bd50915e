"""The Textual face of polterm. Imported only when the UI opens, never by the engine."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from polterm.cli.state import State


def run_ui(state: State) -> None:
    """Open the terminal UI on the state's database as its acting person."""
    from polterm.ui.app import PoltermApp

    session = state.session()
    PoltermApp(session).run()
