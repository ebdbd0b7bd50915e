"""LineTable: keys and clicks move and select like DataTable's row cursor, a new page resets
the view, columns widen to their longest text and never shrink."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from polterm.ui.widgets.lines import LineTable

ROWS = [(f"k{i}", (f"Family{i}", "Given", f"k{i}")) for i in range(50)]


class Host(App[None]):
    """A table alone on a 20-line screen, keeping every message it posts."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, int, str]] = []

    def compose(self) -> ComposeResult:
        yield LineTable("Family", "Given", "Id", id="t")

    def on_mount(self) -> None:
        table = self.query_one(LineTable)
        table.set_rows(ROWS)
        table.focus()

    def on_line_table_row_highlighted(self, event: LineTable.RowHighlighted) -> None:
        self.seen.append(("highlighted", event.cursor_row, event.key))

    def on_line_table_row_selected(self, event: LineTable.RowSelected) -> None:
        self.seen.append(("selected", event.cursor_row, event.key))


def drive(steps: Callable[[Pilot, LineTable], Awaitable[None]]) -> Host:
    app = Host()

    async def main() -> None:
        async with app.run_test(size=(40, 20)) as pilot:
            await pilot.pause()
            await steps(pilot, app.query_one(LineTable))

    asyncio.run(main())
    return app


def shown(table: LineTable) -> list[str]:
    """The screen lines of the table as text."""
    return [table.render_line(y).text.rstrip() for y in range(table.size.height)]


def test_keys_move_the_cursor_and_keep_it_in_view() -> None:
    async def steps(pilot: Pilot, table: LineTable) -> None:
        await pilot.press("down", "down")
        assert table.cursor_row == 2
        await pilot.press("pagedown")
        assert table.cursor_row == 2 + table.size.height - 1
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == 49
        assert shown(table)[-1].split() == ["Family49", "Given", "k49"]
        assert shown(table)[0].split() == ["Family", "Given", "Id"]  # the header stays on top
        await pilot.press("down", "home", "up")
        assert table.cursor_row == 0

    app = drive(steps)
    assert app.seen[:2] == [("highlighted", 1, "k1"), ("highlighted", 2, "k2")]
    assert ("highlighted", 0, "k0") in app.seen


def test_enter_and_a_click_select_the_row_under_them() -> None:
    async def steps(pilot: Pilot, table: LineTable) -> None:
        await pilot.press("down", "enter")
        await pilot.click(LineTable, offset=(2, 4))  # line 4: the fourth row under the header
        await pilot.click(LineTable, offset=(2, 0))  # the header selects nothing
        await pilot.pause()

    app = drive(steps)
    selected = [s for s in app.seen if s[0] == "selected"]
    assert selected == [("selected", 1, "k1"), ("selected", 3, "k3")]


def test_a_new_page_starts_at_the_top_and_more_rows_append() -> None:
    async def steps(pilot: Pilot, table: LineTable) -> None:
        await pilot.press("end")
        await pilot.pause()
        table.set_rows([("a", ("Ng", "Bo", "a")), ("b", ("A much longer family", "Li", "b"))])
        await pilot.pause()
        assert (table.cursor_row, table.scroll_y, table.row_keys) == (0, 0, ["a", "b"])
        assert shown(table)[2].split() == ["A", "much", "longer", "family", "Li", "b"]
        table.add_rows([("c", ("Ode", "Al", "c"))])
        table.set_rows([("d", ("Ng", "Bo", "d"))])
        await pilot.pause()
        assert table.row_keys == ["d"] and table.get_row_at(0) == ("Ng", "Bo", "d")
        assert shown(table)[1].startswith(" Ng" + " " * 20 + "Bo")  # the column kept its width

    drive(steps)


def test_a_row_must_fill_every_column() -> None:
    with pytest.raises(ValueError, match="1 cells for 2 columns"):
        LineTable("A", "B").add_rows([("x", ("only one",))])
