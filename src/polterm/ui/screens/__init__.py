"""The screens of polterm, one module each; `top_level` builds the ones the footer opens."""

from __future__ import annotations

import importlib

from textual._context import active_app
from textual.screen import Screen


def top_level(name: str) -> Screen:
    """A fresh instance of a top-level screen by its name (footer keys, command palette); its
    module is imported then, so start-up imports the dashboard's only.

    It is marked as styled by the app's current CSS, which it is from its first mount: else
    Textual's first switch to it re-parses every stylesheet and restyles the app (20-50 ms).
    """
    module, cls = SCREENS[name].split(":")
    screen: type[Screen] = getattr(importlib.import_module(f"polterm.ui.screens.{module}"), cls)
    instance = screen()
    instance._css_update_count = active_app.get()._css_update_count
    return instance


SCREENS = {
    "dashboard": "dashboard:DashboardScreen",
    "students": "students:StudentsScreen",
    "policies": "policies:PoliciesScreen",
    "reports": "reports:ReportsScreen",
    "records": "district:DistrictScreen",
}
TOP_LEVEL = tuple(SCREENS)
