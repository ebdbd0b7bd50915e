"""Screens that keep the styles they were given as they mounted."""

from __future__ import annotations

from typing import Any

from textual import events
from textual._context import active_app
from textual.app import App


class KeepsStyles:
    """Mixed into every polterm screen, before Textual's screen class.

    Textual restyles a screen's every node each time it is pushed or switched to (20-50 ms at
    each step of the daily walk), and re-parses every stylesheet on the first switch to a mode's
    screen, for the case where the app's CSS changed while it was away. Each node is styled as
    it mounts, and a class or pseudo-class change restyles what it touches; the CSS itself
    changes only with the theme, which Textual counts. A screen is marked as styled by the count
    it is built under; resumed under that count it is skipped, and one whose CSS changed
    (another theme chosen while it was away) is restyled as before. polterm's CSS is the app's,
    so a screen's first push loads none of its own, which would need the screen node styled
    again.
    """

    app: App[Any]
    _css_update_count: int

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._css_update_count = active_app.get()._css_update_count

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if self._css_update_count == self.app._css_update_count:
            event.refresh_styles = False
