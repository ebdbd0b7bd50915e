"""The footer of every screen: Textual's, rebuilt only when the keys it shows change, and laid
out so that `?` (the list of every key) is always in sight, however narrow the terminal."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

Shown = tuple[tuple[str, str, str, bool], ...]
HELP_ACTION = "app.help"
PALETTE_WIDTH = 13  # "^p palette" with its border and padding, docked right


def shown_keys(screen: Screen) -> Shown:
    """What a footer shows of a screen's bindings: key, its display, description, enabled."""
    app = screen.app
    return tuple(
        (binding.key, app.get_key_display(binding), binding.description, enabled)
        for _, binding, enabled, _ in screen.active_bindings.values()
        if binding.show
    )


def full_width(shown: Shown) -> int:
    """The columns Textual's footer takes for these keys (one per action), the palette's too."""
    firsts = {description: (display, description) for _, display, description, _ in shown}
    return PALETTE_WIDTH + sum(len(k) + len(d) + 3 for k, d in firsts.values())


class Footer(TextualFooter):
    """Textual's footer remounts all its keys whenever the bindings may have changed (each focus
    change, each screen shown over or under it): 10-50 ms a time, several times a screen.

    Each key is also born compact and told at once it is not, two restyles of it as it mounts
    (~30 ms for a screen's keys): here it is born with the footer's own compactness.

    Where the keys do not fit (Textual would cut off the last, the help and quit keys first),
    the footer turns compact and lists `?` Help first, then the screen's own keys, then the
    app's, without the palette's key: whatever is cut off still shows on `?`, which names
    ctrl+p too.
    """

    def __init__(self) -> None:
        super().__init__()
        self.composed: tuple[Shown, bool] | None = None

    def narrow(self, shown: Shown) -> bool:
        return full_width(shown) > self.app.size.width

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            yield from super().compose()
            return
        shown = shown_keys(self.screen)
        narrow = self.narrow(shown)
        self.composed = (shown, narrow)
        self.set_reactive(TextualFooter.compact, narrow)
        self.set_class(narrow, "-compact")
        if narrow:
            yield from self.narrow_keys()
            return
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                # the palette's key is not bound to the footer's: it stays compact, as in Textual
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    def narrow_keys(self) -> ComposeResult:
        """Help first, then the screen's keys (those of the field in focus among them), then
        the app's; one key per action."""
        app = self.app
        firsts: dict[str, tuple[int, Binding, bool, str]] = {}
        for node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in firsts:
                rank = 0 if binding.action == HELP_ACTION else 2 if node is app else 1
                firsts[binding.action] = (rank, binding, enabled, tooltip)
        for _, binding, enabled, tooltip in sorted(firsts.values(), key=lambda f: f[0]):
            key = FooterKey(
                binding.key,
                app.get_key_display(binding),
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
                classes="-compact",  # its watcher would set the class after a first restyle
            )
            key.set_reactive(FooterKey.compact, True)
            yield key

    def bindings_changed(self, screen: Screen) -> None:
        shown = shown_keys(screen)
        if self.composed is None or (shown, self.narrow(shown)) != self.composed:
            super().bindings_changed(screen)
            if self.app.app_focus:  # a recompose is on its way: the next signal may skip it
                self.composed = (shown, self.narrow(shown))

    def on_resize(self, event: events.Resize) -> None:
        """A terminal made narrower or wider may need the other layout."""
        if self.composed is not None and self.narrow(self.composed[0]) != self.composed[1]:
            self.call_after_refresh(self.recompose)
