"""Searching as you type repaints the search box and the list, and lays out no screen: a
layout of a full screen costs 10-20 ms of each keystroke. A scrollbar still comes and goes
with the rows."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult
from textual.screen import Screen

from polterm.ui.widgets.lines import LineTable
from polterm.ui.widgets.search import SearchBox


def rows(count: int, family: str = "Family") -> list[tuple[str, tuple[str, str]]]:
    return [(f"k{i}", (f"{family}{i}", f"k{i}")) for i in range(count)]


class Host(App[None]):
    """A search box over a table on a 20-line screen, counting the screen's layouts."""

    def __init__(self) -> None:
        super().__init__()
        self.layouts = 0

    def compose(self) -> ComposeResult:
        yield SearchBox(placeholder="Search", id="search")
        yield LineTable("Family", "Id", id="t")

    def on_mount(self) -> None:
        screen: Screen[None] = self.screen
        lay_out = screen._refresh_layout

        def counted(*args: object, **kwargs: object) -> None:
            self.layouts += 1
            lay_out(*args, **kwargs)  # type: ignore[arg-type]

        screen._refresh_layout = counted  # type: ignore[method-assign]
        self.query_one(LineTable).set_rows(rows(3))
        self.query_one(SearchBox).focus()


def test_typing_and_new_pages_lay_out_nothing_until_a_scrollbar_is_needed() -> None:
    app = Host()

    async def main() -> None:
        async with app.run_test(size=(60, 20)) as pilot:
            await pilot.pause()
            table = app.query_one(LineTable)
            box = app.query_one(SearchBox)
            before = app.layouts
            for key, count in zip("smith", (9, 5, 2, 7, 1), strict=True):
                await pilot.press(key)
                table.set_rows(rows(count))
                await pilot.pause()
                assert table.row_keys[-1] == f"k{count - 1}"
            assert box.value == "smith"
            assert app.layouts == before  # only the box and the table were repainted
            assert not table.show_vertical_scrollbar
            table.set_rows(rows(50))
            await pilot.pause()
            assert table.show_vertical_scrollbar and table.virtual_size.height == 51
            assert app.layouts > before  # the scrollbar took its column
            table.focus()
            await pilot.press("end")
            await pilot.pause()
            assert table.scroll_y == table.max_scroll_y > 0

    asyncio.run(main())


def test_text_longer_than_the_box_scrolls_within_it() -> None:
    app = Host()

    async def main() -> None:
        async with app.run_test(size=(30, 20)) as pilot:
            await pilot.pause()
            box = app.query_one(SearchBox)
            await pilot.press(*"abcdefghijklmnopqrstuvwxyzabcdefghij")
            await pilot.pause()
            assert box.virtual_size.width > box.scrollable_content_region.width
            assert box.scroll_x > 0  # the cursor, at the end, stays in view

    asyncio.run(main())
