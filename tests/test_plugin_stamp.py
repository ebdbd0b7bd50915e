"""The finding store's stamp covers the plugin's code: an edit in place means a new evaluation."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from polterm.services import views
from polterm.services.session import SYSTEM, Session
from polterm.testing import District

DAY = date(2025, 10, 15)
PLUGIN = """
from polterm import hookimpl
from polterm.policy import PolicyInfo, Rule

MESSAGE = "{message}"


def every_student(ctx):
    for (student_id,) in ctx.db.execute("SELECT id FROM student"):
        yield ctx.finding("due", MESSAGE, student_id=student_id)


@hookimpl
def polterm_policy():
    return PolicyInfo("edited_0001", "Edited in place", "Policy 1")


@hookimpl
def polterm_register_rules(register):
    register(Rule("every-student", "Everyone", "§ 1", every_student))
"""


@pytest.fixture
def package(tmp_path: Path) -> Iterator[Path]:
    """A plugin package on sys.path, as an editable install leaves it."""
    root = tmp_path / "polterm_edited_0001"
    root.mkdir()
    (root / "__init__.py").write_text(PLUGIN.format(message="old code"))
    sys.path.insert(0, str(tmp_path))
    yield root
    sys.path.remove(str(tmp_path))
    sys.modules.pop("polterm_edited_0001", None)


def test_editing_an_installed_plugins_code_makes_the_next_dashboard_evaluate_again(
    package: Path,
) -> None:
    module = importlib.import_module("polterm_edited_0001")
    d = District(policies=["edited_0001"], plugins=[module])
    d.student()

    def dashboard() -> list[str]:
        """What the dashboard shows, from a session of a new polterm process."""
        session = Session(d.db, SYSTEM, d.registry())
        return [f.message for f in views.dashboard(session, DAY).findings]

    assert dashboard() == ["old code"]
    (package / "__init__.py").write_text(PLUGIN.format(message="new code"))
    d.plugins = [importlib.reload(module)]  # a new polterm process imports the edited code
    assert dashboard() == ["new code"]
