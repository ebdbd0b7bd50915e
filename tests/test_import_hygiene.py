"""The engine, storage, services and policy API never import Textual (scripts start fast)."""

from __future__ import annotations

import subprocess
import sys

MODULES = [
    "polterm.engine",
    "polterm.plugins",
    "polterm.hookspecs",
    "polterm.policy",
    "polterm.config",
    "polterm.testing",
    "polterm.storage",
    "polterm.services.session",
    "polterm.services.authz",
    "polterm.services.views",
    "polterm.cli.policy",
]


def test_core_modules_import_no_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(loaded)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_the_command_line_imports_a_command_module_only_when_the_command_is_asked_for() -> None:
    """Opening the UI (`polterm` with no command) pays for no command's imports."""
    code = (
        "import sys, polterm.cli\n"
        "print(sorted(m for m in sys.modules if m.startswith('polterm.cli.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "['polterm.cli.state']"
