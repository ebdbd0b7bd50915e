"""The screens of polterm, one module each; `top_level` builds the ones the footer opens."""

from __future__ import annotations

from textual.screen import Screen


def top_level(name: str) -> Screen:
    """A fresh instance of a top-level screen by its name (footer keys, command palette)."""
    from polterm.ui.screens.dashboard import DashboardScreen
    from polterm.ui.screens.district import DistrictScreen
    from polterm.ui.screens.policies import PoliciesScreen
    from polterm.ui.screens.reports import ReportsScreen
    from polterm.ui.screens.students import StudentsScreen

    screens: dict[str, type[Screen]] = {
        "dashboard": DashboardScreen,
        "students": StudentsScreen,
        "policies": PoliciesScreen,
        "reports": ReportsScreen,
        "records": DistrictScreen,
    }
    return screens[name]()


TOP_LEVEL = ("dashboard", "students", "policies", "reports", "records")
