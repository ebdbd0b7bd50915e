"""A third district policy written outside polterm, with its own table, command and panel,
pip-installed and switched on in an existing district; p1471 switched off on the same day."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot

from polterm.plugins import build_registry
from polterm.services import views
from polterm.services.identity import resolve_actor
from polterm.services.session import Session
from polterm.storage import open_database
from polterm.ui.app import PoltermApp

from .conftest import Polterm
from .test_scaffold import python
from .ui.test_flows import at_student, cells, drive, text_of
from .ui.test_policies_screen import save_form

CHANGE, BEFORE, AFTER = "2026-11-01", "2026-10-15", "2026-11-23"

PYPROJECT = """
[build-system]
requires = ["hatchling>=1.25"]
build-backend = "hatchling.build"

[project]
name = "polterm-pine-3300"
version = "1.0.0"
dependencies = ["polterm"]

[project.entry-points.polterm]
pine_3300 = "polterm_pine_3300"

[tool.hatch.build.targets.wheel]
packages = ["src/polterm_pine_3300"]
"""

PLUGIN = '''
"""Pine Valley Board Policy 3300: a notice home for a student at risk of failing."""

from __future__ import annotations

from datetime import date, timedelta

import click
from sqlite_utils import Database, Migrations

from polterm import hookimpl
from polterm import plugin_api as api
from polterm.policy import FormField, Panel, PolicyInfo, RecordForm, Rule, Setting

POLICY = PolicyInfo("pine_3300", "Notice of possible failure", "Pine Valley Board Policy 3300")
TABLE = "pine_3300_at_risk"
migrations = Migrations("polterm_pine_3300")


@migrations()
def m001_at_risk(db: Database) -> None:
    db[TABLE].create(
        {"id": int, "student_id": str, "flagged_on": str, "notice_on": str},
        pk="id", not_null={"student_id", "flagged_on"},
    )


def failure_notice(ctx):
    """A student flagged at risk of failing gets a notice home within `lead_days`."""
    where, params = ctx.scope.sql("s")
    rows = ctx.db.execute(
        f"SELECT r.student_id, s.school_id, r.flagged_on FROM {TABLE} r"
        " JOIN student s ON s.id = r.student_id"
        f" WHERE r.flagged_on <= ? AND (r.notice_on IS NULL OR r.notice_on > ?) AND {where}",
        [ctx.as_of_iso, ctx.as_of_iso, *params],
    )
    for student_id, school_id, flagged in rows:
        due = date.fromisoformat(flagged) + timedelta(days=ctx.settings["lead_days"])
        yield ctx.finding(
            "overdue" if ctx.as_of > due else "due",
            "No notice of possible failure has gone home yet.",
            student_id=student_id, school_id=school_id, due=due,
        )


@hookimpl
def polterm_policy():
    return POLICY


@hookimpl
def polterm_register_rules(register):
    register(Rule("failure-notice", "A notice of possible failure", "para. 4", failure_notice,
                  settings={"lead_days": Setting(14, min=1)}))


@hookimpl
def polterm_migrations():
    return migrations


@hookimpl
def polterm_per_student_tables():
    return [TABLE]


@hookimpl
def polterm_student_panel(student_id, ctx):
    rows = ctx.db.execute(
        f"SELECT flagged_on, notice_on FROM {TABLE} WHERE student_id = ? ORDER BY flagged_on",
        [student_id],
    ).fetchall()
    lines = tuple(f"flagged {f}, notice {n or 'not sent'}" for f, n in rows)
    return Panel("At risk of failing", lines) if rows else None


@hookimpl
def polterm_register_record_forms(register):
    register(RecordForm("at-risk", "Flag at risk of failing", TABLE,
                        (FormField("flagged_on", "Flagged on", "date"),)))


@hookimpl
def polterm_register_commands(cli):
    @cli.group("pine-3300")
    def group():
        """Pine Valley 3300's records."""

    @group.command("at-risk")
    @click.option("--student", required=True, help="The student's id.")
    @click.option("--on", "day", required=True, help="The day they were flagged.")
    @api.pass_session
    def at_risk(session, student, day):
        """Flag a student at risk of failing."""
        api.authorize(session, "student.write", student_id=student)
        flagged = api.parse_date(day, "--on").isoformat()
        api.insert(session, TABLE, {"student_id": student, "flagged_on": flagged},
                   student_id=student)
'''


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package built in a temporary folder and pip-installed (offline) into a site dir."""
    root = tmp_path_factory.mktemp("pine")
    package = root / "polterm-pine-3300"
    (package / "src/polterm_pine_3300").mkdir(parents=True)
    (package / "pyproject.toml").write_text(PYPROJECT)
    (package / "src/polterm_pine_3300/__init__.py").write_text(textwrap.dedent(PLUGIN))
    site = root / "site"
    install = python("-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                     "--target", str(site), str(package), cwd=root)  # fmt: skip
    assert install.returncode == 0, install.stderr
    return site


@pytest.fixture
def run(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plugins_asked_again: None
) -> Iterator[Polterm]:
    """polterm in this process, finding the installed plugins as it would on the server."""
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delenv("POLTERM_DB", raising=False)
    monkeypatch.delenv("POLTERM_LOAD_PLUGINS", raising=False)
    run = Polterm(tmp_path / "demo.db")
    assert run("demo", "--no-tui", "--students", "40", "--seed", "3").code == 0
    yield run
    sys.modules.pop("polterm_pine_3300", None)


def findings(run: Polterm, as_of: str) -> list[dict]:
    result = run("check", "--as-of", as_of, "--format", "json")
    assert result.code == 0, result.err
    return result.json()["findings"]


def test_a_third_policy_is_enabled_p1471_disabled_and_earlier_days_keep_the_old_set(
    run: Polterm,
) -> None:
    before, after = findings(run, BEFORE), findings(run, AFTER)
    assert {f["policy"] for f in after} == {"clinton_6310", "p1471"}
    plugins = {p["name"]: p for p in run("plugins", "--format", "json").json()}
    assert plugins["pine_3300"]["rules"] == ["failure-notice"]
    tables = "SELECT name FROM sqlite_master WHERE name = 'pine_3300_at_risk'"
    assert run.rows(tables) == []  # installed, not yet used by this district

    for verb, policy in (("enable", "pine_3300"), ("disable", "p1471")):
        result = run("config", "policy", verb, policy, "--from", CHANGE)
        assert result.code == 0, result.err
    assert run.rows(tables) == [("pine_3300_at_risk",)]
    ((student,),) = run.rows("SELECT min(id) FROM student WHERE active = 1")
    flagged = run("pine-3300", "at-risk", "--student", student, "--on", "2026-11-02")
    assert flagged.code == 0, flagged.err

    now = findings(run, AFTER)
    assert [f for f in now if f["policy"] == "clinton_6310"] == [
        f for f in after if f["policy"] == "clinton_6310"
    ]
    assert [f for f in now if f["policy"] != "clinton_6310"] == [
        {"policy": "pine_3300", "rule": "failure-notice", "status": "overdue",
         "student_id": student, "conference_id": None, "school_id": now[-1]["school_id"],
         "due": "2026-11-16", "message": "No notice of possible failure has gone home yet.",
         "citation": "para. 4; Pine Valley Board Policy 3300"}
    ]  # fmt: skip
    assert findings(run, BEFORE) == before  # judged by the policies in force then
    audited = run.rows(
        "SELECT action, table_name, student_id FROM audit_log"
        " WHERE table_name IN ('policy_change', 'district_policy', 'pine_3300_at_risk')"
        " ORDER BY id DESC LIMIT 5"
    )
    assert audited[::-1] == [
        ("insert", "policy_change", None),
        ("insert", "district_policy", None),
        ("insert", "policy_change", None),
        ("delete", "district_policy", None),
        ("insert", "pine_3300_at_risk", student),
    ]

    db = open_database(run.path)
    session = Session(db, resolve_actor(db, None), build_registry())
    app = PoltermApp(session, today=date.fromisoformat(AFTER))

    async def steps(pilot: Pilot) -> None:
        rules = cells(app, "#by-rule", 1)
        assert "pine_3300/failure-notice" in rules
        assert not [r for r in rules if r.startswith("p1471/")]
        await at_student(pilot, student)
        body = text_of(app, "#body")
        assert "No notice of possible failure has gone home yet." in body
        assert "At risk of failing (pine_3300)" in body
        assert "flagged 2026-11-02, notice not sent" in body
        await pilot.press("f")  # the policy's record form, saved through the service layer
        await save_form(pilot)
        assert "flagged 2026-11-23, notice not sent" in text_of(app, "#body")

    drive(app, steps)
    stored = views.dashboard(session, date.fromisoformat(AFTER))
    assert stored.per_rule["pine_3300/failure-notice"] == 2  # the form's row owes one too
    assert (
        run.rows("SELECT actor, student_id FROM audit_log WHERE table_name = 'pine_3300_at_risk'")
        == [(session.actor.staff_id, student)] * 2
    )
