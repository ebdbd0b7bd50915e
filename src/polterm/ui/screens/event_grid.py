"""The timetable of an event day: teachers down, slots across, a cell cursor moved by the arrows.

A LineTable with a column cursor too: each line is still a few styled strings, so a school's
fifty teachers by thirty slots draws as fast as the dashboard's tables.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from polterm.services.event_timetable import Timetable
from polterm.ui.widgets.lines import LineTable

FREE, AWAY, BUSY, OTHER = "·", "-", "busy", "other"
CELL = 8  # a slot column's width: HH:MM, or a name cut short ("*Valen B")


def cell_text(table: Timetable, staff_id: str, slot: int) -> str:
    """What a slot of a teacher shows: the student's name (* booked by hand), busy (a student
    outside the user's reach), other (a conference outside the event), away or free."""
    held = table.meetings.get((staff_id, slot))
    if held is not None:
        return ("*" if held.by_hand else "") + short(held.label) if held.label else BUSY
    if (staff_id, slot) in table.other:
        return OTHER
    return AWAY if (staff_id, slot) in table.away else FREE


def short(name: str) -> str:
    """A student's name in a slot's width: the given name's first letters and an initial."""
    words = name.split()
    return f"{words[0][:5]} {words[-1][0]}" if len(words) > 1 else name[:7]


class SlotTable(LineTable):
    """Rows are teachers, columns after the first are the day's slots."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "cursor_left", "Slot before", show=False),
        Binding("right", "cursor_right", "Slot after", show=False),
    ]

    cursor_column: reactive[int] = reactive(0, init=False)

    class CellHighlighted(Message):
        """The cell cursor moved to a teacher's slot."""

        def __init__(self, row: int, column: int) -> None:
            super().__init__()
            self.row = row
            self.column = column

    def show_day(self, table: Timetable) -> None:
        """Lay the day out: a column per slot, a row per teacher; the cursor stays if it fits."""
        row, column = self.cursor_row, self.cursor_column
        self._labels = ("Teacher", *table.slots)
        self._widths = [max(7, *(len(n) for _, n in table.teachers))] + [CELL] * len(table.slots)
        self._widths[0] = min(self._widths[0], 22)
        self.set_rows(
            (
                staff_id,
                (name, *(cell_text(table, staff_id, s) for s in range(len(table.slots)))),
            )
            for staff_id, name in table.teachers
        )
        self.cursor_row = row
        self.cursor_column = min(column, max(0, len(table.slots) - 1))
        self._show_column(self.cursor_column)

    def validate_cursor_column(self, column: int) -> int:
        return max(0, min(column, len(self._labels) - 2))

    def watch_cursor_row(self, row: int) -> None:
        super().watch_cursor_row(row)
        self.post_message(self.CellHighlighted(self.cursor_row, self.cursor_column))

    def watch_cursor_column(self, column: int) -> None:
        self.refresh()
        self._show_column(column)
        self.post_message(self.CellHighlighted(self.cursor_row, column))

    def _show_column(self, column: int) -> None:
        """Scroll sideways so the cursor's slot is in view beside the teacher's name."""
        left = column * (CELL + 2)
        view = self.scrollable_content_region.width - self._widths[0] - 2
        if left < self.scroll_x:
            self.scroll_to(x=left, animate=False)
        elif left + CELL + 2 > self.scroll_x + view:
            self.scroll_to(x=left + CELL + 2 - view, animate=False)

    def render_line(self, y: int) -> Strip:
        scroll_y = self.scroll_offset.y
        index = scroll_y + y - 1
        if y == 0:
            header = self.get_component_rich_style("line-table--header")
            return self._frozen(self._labels, [header] * len(self._labels), header)
        if index >= len(self._rows):
            return super().render_line(y)
        even = self._zebra and index % 2 == 0
        base = self.get_component_rich_style(("line-table--odd-row", "line-table--even-row")[even])
        cursor = self.get_component_rich_style("line-table--cursor")
        styles = [base] * len(self._widths)
        if index == self.cursor_row:
            styles[0] = styles[self.cursor_column + 1] = cursor
        return self._frozen(self._rows[index], styles, base)

    def _frozen(self, cells: tuple[str, ...], styles: list[Style], fill: Style) -> Strip:
        """A line whose first column (the teacher) stays put while the slots scroll under it."""
        segments = [
            Segment(f" {set_cell_size(c, w)} ", style)
            for c, w, style in zip(cells, self._widths, styles, strict=True)
        ]
        total = sum(w + 2 for w in self._widths)
        strip = Strip(segments, total)
        name = self._widths[0] + 2
        rest = strip.crop(name + round(self.scroll_x), total)
        return Strip.join([strip.crop(0, name), rest]).crop_extend(
            0, self.scrollable_content_region.width, fill
        )

    def action_cursor_left(self) -> None:
        self.cursor_column -= 1

    def action_cursor_right(self) -> None:
        self.cursor_column += 1
