"""The footer of every screen: Textual's, rebuilt only when the keys it shows change."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter

Shown = tuple[tuple[str, str, str, bool], ...]


def shown_keys(screen: Screen) -> Shown:
    """What a footer shows of a screen's bindings: key, its display, description, enabled."""
    app = screen.app
    return tuple(
        (binding.key, app.get_key_display(binding), binding.description, enabled)
        for _, binding, enabled, _ in screen.active_bindings.values()
        if binding.show
    )


class Footer(TextualFooter):
    """Textual's footer remounts all its keys whenever the bindings may have changed (each focus
    change, each screen shown over or under it): 10-50 ms a time, several times a screen."""

    def __init__(self) -> None:
        super().__init__()
        self.composed: Shown | None = None

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self.composed = shown_keys(self.screen)
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        shown = shown_keys(screen)
        if shown != self.composed:
            super().bindings_changed(screen)
            if self.app.app_focus:  # a recompose is on its way: the next signal may skip it
                self.composed = shown
