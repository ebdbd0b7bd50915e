"""The engine, storage, services and policy API never import Textual (scripts start fast)."""

from __future__ import annotations

import ast
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
    "polterm.planning.run",
    "polterm.services.event_plan",
]


def loaded_after(imports: str, prefix: str) -> list[str]:
    """The modules named `prefix...` that a fresh interpreter holds after `imports`."""
    code = (
        f"import sys\n{imports}\n"
        f"print(sorted(m for m in sys.modules if (m + '.').startswith({prefix!r} + '.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return ast.literal_eval(out.strip())


def test_core_modules_import_no_textual() -> None:
    imports = "import importlib\n" + f"for name in {MODULES!r}:\n    importlib.import_module(name)"
    assert loaded_after(imports, "textual") == []


def test_the_command_line_imports_a_command_module_only_when_the_command_is_asked_for() -> None:
    """Opening the UI (`polterm` with no command) pays for no command's imports."""
    assert loaded_after("import polterm.cli", "polterm.cli") == [
        "polterm.cli",
        "polterm.cli.state",
        "polterm.cli.stdout",
    ]


def test_sqlite_utils_comes_without_pandas_and_numpy_which_stay_importable() -> None:
    """Every command imports sqlite-utils; pandas and numpy (OR-Tools') cost more than the rest
    of a command's start, and only the planner, which imports them itself, needs them."""
    imports = "import polterm.cli.state, polterm.engine, sqlite_utils"
    assert loaded_after(imports, "pandas") == []
    assert loaded_after(imports, "numpy") == []
    assert loaded_after(f"{imports}\nimport pandas", "pandas") != []


def test_dateutils_parser_loads_only_when_something_parses() -> None:
    """sqlite-utils imports it for recipes polterm never calls: it waits until used."""
    imports = "import polterm.cli.state, polterm.engine, sqlite_utils"
    assert loaded_after(imports, "dateutil.parser._parser") == []
    assert loaded_after(imports, "dateutil.tz") == []
    used = f"{imports}\nfrom sqlite_utils.recipes import parsedate\nparsedate('3 Dec 2026')"
    assert loaded_after(used, "dateutil.parser._parser") == ["dateutil.parser._parser"]
