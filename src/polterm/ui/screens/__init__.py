"""The screens of polterm, one module each; `top_level` builds the ones the footer opens."""

from __future__ import annotations

import importlib

from textual.screen import Screen


def top_level(name: str) -> Screen:
    """A fresh instance of a top-level screen by its name (footer keys, command palette); its
    module is imported then, so start-up imports the dashboard's only."""
    module, cls = SCREENS[name].split(":")
    screen: type[Screen] = getattr(importlib.import_module(f"polterm.ui.screens.{module}"), cls)
    return screen()


SCREENS = {
    "dashboard": "dashboard:DashboardScreen",
    "students": "students:StudentsScreen",
    "policies": "policies:PoliciesScreen",
    "reports": "reports:ReportsScreen",
    "records": "district:DistrictScreen",
    "events": "event:EventScreen",
}
TOP_LEVEL = tuple(SCREENS)
