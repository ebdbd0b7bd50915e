"""Styles: a screen shown again keeps its styles unless the theme changed while it was away."""

from __future__ import annotations

from collections.abc import Iterable

from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.widgets._footer import FooterKey

from polterm.ui.app import PoltermApp
from tests.ui.test_flows import drive, settle


def restyled_during(app: PoltermApp) -> list[DOMNode]:
    """Every node Textual restyles from now on (the list grows as the app runs)."""
    nodes: list[DOMNode] = []
    update = app.stylesheet.update_nodes

    def spy(batch: Iterable[DOMNode], animate: bool = False) -> None:
        batch = list(batch)
        nodes.extend(batch)
        update(batch, animate=animate)

    app.stylesheet.update_nodes = spy  # type: ignore[method-assign]
    return nodes


async def back_to(pilot: Pilot, screen: str) -> None:
    await pilot.app.run_action(f"open({screen!r})")
    await settle(pilot)


def test_a_screen_shown_again_is_not_restyled(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await pilot.press("s")
        await settle(pilot)
        restyled = restyled_during(app)
        await back_to(pilot, "dashboard")
        assert app.screen.query_one("#findings") not in restyled
        assert app.screen not in restyled

    drive(app, steps)


def test_a_screen_away_during_a_theme_change_comes_back_in_the_new_theme(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        dark = app.screen.query_one("#findings").styles.background
        app.open_student("S1")  # the dashboard's stack: the dashboard, the student over it
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        app.theme = "textual-light"
        await settle(pilot)
        light = app.screen.query_one("#students").styles.background
        assert light != dark
        await back_to(pilot, "dashboard")
        assert app.screen.query_one("#conferences").styles.background == light
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one("#findings").styles.background == light

    drive(app, steps)


def test_footer_keys_are_drawn_as_textuals_footer_draws_them(app: PoltermApp) -> None:
    """Each key is born as the footer is (not compact) and the palette's key compact."""

    async def steps(pilot: Pilot) -> None:
        keys = list(app.screen.query(FooterKey))
        palette = [key for key in keys if key.has_class("-command-palette")]
        assert len(palette) == 1 and palette[0].compact and palette[0].has_class("-compact")
        bound = [key for key in keys if key not in palette]
        assert bound and not any(key.compact or key.has_class("-compact") for key in bound)

    drive(app, steps)


def test_the_spy_sees_a_restyle(app: PoltermApp) -> None:
    """The first test's spy is where Textual restyles: a class added is seen there."""

    async def steps(pilot: Pilot) -> None:
        restyled = restyled_during(app)
        findings = app.screen.query_one("#findings")
        findings.add_class("marked")
        assert findings in restyled

    drive(app, steps)
