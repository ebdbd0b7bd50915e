"""The footer of every screen: Textual's, rebuilt only when the keys it shows change."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

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
    change, each screen shown over or under it): 10-50 ms a time, several times a screen.

    Each key is also born compact and told at once it is not, two restyles of it as it mounts
    (~30 ms for a screen's keys): here it is born with the footer's own compactness.
    """

    def __init__(self) -> None:
        super().__init__()
        self.composed: Shown | None = None

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self.composed = shown_keys(self.screen)
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                # the palette's key is not bound to the footer's: it stays compact, as in Textual
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        shown = shown_keys(screen)
        if shown != self.composed:
            super().bindings_changed(screen)
            if self.app.app_focus:  # a recompose is on its way: the next signal may skip it
                self.composed = shown
