"""A search box whose typing repaints the box alone, not the screen's layout."""

from __future__ import annotations

from textual.geometry import Size
from textual.widgets import Input


class SearchBox(Input):
    """Textual's Input sets its scrollable width to its text's on every key, and each new width
    lays out the whole screen (10-20 ms at 120 columns, a third of a keystroke's budget on a
    list that searches as you type). Held at least as wide as the box, it changes only when
    the text outgrows the box, where scrolling needs it."""

    def validate_virtual_size(self, size: Size) -> Size:
        return Size(max(size.width, self.scrollable_content_region.width), size.height)

    def on_resize(self) -> None:
        """Widened to the box's size as it is laid out, not at the first key."""
        self.virtual_size = Size(self.content_width, 1)
