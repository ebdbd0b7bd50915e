"""A table of text rows drawn a line at a time, for a list that changes on every key.

DataTable measures every cell it is given and renders each through Rich: 40-100 ms for a page
of students, more than the whole keystroke may take. Here a column is as wide as the widest
text it has held, and a line is one styled string.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


class LineTable(ScrollView, can_focus=True):
    """Rows under a fixed header with a row cursor and (unless `zebra` is off) stripes, styled as
    DataTable is; Enter or a click selects the row."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "line-table--header",
        "line-table--cursor",
        "line-table--even-row",
        "line-table--odd-row",
    }
    DEFAULT_CSS = """
    LineTable {
        height: 1fr;
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .line-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .line-table--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark > .line-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .line-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .line-table--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .line-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First row", show=False),
        Binding("end", "last", "Last row", show=False),
    ]

    cursor_row: reactive[int] = reactive(0, init=False)

    class RowHighlighted(Message):
        """The cursor moved to a row."""

        def __init__(self, table: LineTable, cursor_row: int, key: str) -> None:
            super().__init__()
            self.table = table
            self.cursor_row = cursor_row
            self.key = key

        @property
        def control(self) -> LineTable:
            return self.table

    class RowSelected(RowHighlighted):
        """Enter or a click on a row."""

    def __init__(self, *labels: str, zebra: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self._labels = labels
        self._zebra = zebra
        self._widths = [cell_len(label) for label in labels]
        self._keys: list[str] = []
        self._rows: list[tuple[str, ...]] = []

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def row_keys(self) -> list[str]:
        return list(self._keys)

    def get_row_at(self, index: int) -> tuple[str, ...]:
        return self._rows[index]

    def set_rows(self, rows: Iterable[tuple[str, Sequence[str]]]) -> None:
        """Replace the rows, cursor and view back at the top; columns keep their widths, so a page
        of the same size needs no new layout."""
        self._keys.clear()
        self._rows.clear()
        self.cursor_row = 0
        self.scroll_to(0, 0, animate=False)
        self.add_rows(rows)

    def add_rows(self, rows: Iterable[tuple[str, Sequence[str]]]) -> None:
        """Append (key, cells) rows, widening a column to its longest text."""
        widths = self._widths
        for key, cells in rows:
            row = tuple(cells)
            if len(row) != len(widths):
                raise ValueError(f"row {key!r} has {len(row)} cells for {len(widths)} columns")
            self._keys.append(key)
            self._rows.append(row)
            for i, cell in enumerate(row):
                widths[i] = max(widths[i], cell_len(cell))
        self._rows_changed()

    def move_cursor(self, *, row: int) -> None:
        self.cursor_row = row

    def _rows_changed(self) -> None:
        """The scrollable size follows the rows and column widths; everything is redrawn.

        A ScrollView keeps its own virtual size (the layout never computes it), so a table whose
        size is not its content's (`auto`) takes a new one without the screen-wide layout the
        reactive asks for (10-20 ms a keystroke at 120 columns): only a scrollbar shown or
        hidden by it still lays the screen out."""
        size = Size(sum(w + 2 for w in self._widths), len(self._rows) + 1)
        if self.styles.auto_dimensions:
            self.virtual_size = size
        elif size != self.virtual_size:
            self.set_reactive(LineTable.virtual_size, size)
            self._scroll_update(size)
        self.refresh()

    def validate_cursor_row(self, row: int) -> int:
        return max(0, min(row, len(self._rows) - 1))

    def watch_cursor_row(self, row: int) -> None:
        self.refresh()
        if row < len(self._rows):
            self._show_row(row)
            self.post_message(self.RowHighlighted(self, row, self._keys[row]))

    def _page(self) -> int:
        """Rows in view under the header."""
        return max(1, self.scrollable_content_region.height - 1)

    def _show_row(self, row: int) -> None:
        top = round(self.scroll_y)
        if row < top:
            self.scroll_to(y=row, animate=False)
        elif row >= top + self._page():
            self.scroll_to(y=row - self._page() + 1, animate=False)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y - 1
        if y == 0:
            cells, part = self._labels, "header"
        elif index < len(self._rows):
            cells = self._rows[index]
            even = self._zebra and index % 2 == 0
            part = "cursor" if index == self.cursor_row else ("odd-row", "even-row")[even]
        else:
            return Strip.blank(width, self.get_component_rich_style("line-table--odd-row"))
        style = self.get_component_rich_style(f"line-table--{part}")
        text = "".join(f" {set_cell_size(c, w)} " for c, w in zip(cells, self._widths, strict=True))
        return Strip([Segment(text, style)], cell_len(text)).crop_extend(
            scroll_x, scroll_x + width, style
        )

    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    def action_page_up(self) -> None:
        self.cursor_row -= self._page()

    def action_page_down(self) -> None:
        self.cursor_row += self._page()

    def action_first(self) -> None:
        self.cursor_row = 0

    def action_last(self) -> None:
        self.cursor_row = len(self._rows) - 1

    def action_select_cursor(self) -> None:
        if self._rows:
            row = self.cursor_row
            self.post_message(self.RowSelected(self, row, self._keys[row]))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return
        row = round(self.scroll_y) + offset.y - 1
        if row < len(self._rows):
            self.cursor_row = row
            self.action_select_cursor()
