"""Every hook in polterm.hookspecs has a test here; a new hook without one fails the suite."""

from __future__ import annotations

import inspect
from datetime import date

import click
import pluggy
import pytest
from sqlite_utils import Database, Migrations

import polterm.cli
from polterm import hookimpl, hookspecs
from polterm.engine import (
    checklists,
    conference_kinds,
    conference_warnings,
    policy_migrations,
    report_sections,
    student_panels,
)
from polterm.errors import PoltermError
from polterm.plugins import build_registry
from polterm.policy import (
    Checklist,
    ChecklistItem,
    ConferenceDraft,
    ConferenceKind,
    FormField,
    Panel,
    PolicyInfo,
    RecordForm,
    ReportRequest,
    ReportSection,
    Rule,
)
from polterm.services import finding_store
from polterm.services.plugin_records import record_forms, save_record
from polterm.services.session import SYSTEM, Session
from polterm.testing import District

HOOKS = sorted(name for name, fn in vars(hookspecs).items() if hasattr(fn, "polterm_spec"))

migrations = Migrations("polterm_hooktest")


@migrations()
def m001_own_table(db: Database) -> None:
    db["hooktest_note"].create({"id": int, "student_id": str, "note": str}, pk="id")


class EveryHook:
    """A plugin that implements every hook, each answering something recognisable."""

    @hookimpl
    def polterm_policy(self) -> PolicyInfo:
        return PolicyInfo("hooktest", "Hook test policy", "Policy HT")

    @hookimpl
    def polterm_register_rules(self, register) -> None:  # type: ignore[no-untyped-def]
        register(
            Rule("ht-rule", "Rule", "§1", lambda ctx: [ctx.finding("due", "m", school_id="s")])
        )

    @hookimpl
    def polterm_register_conference_kinds(self, register) -> None:  # type: ignore[no-untyped-def]
        register(ConferenceKind("ht-kind", "Hook test kind"))

    @hookimpl
    def polterm_register_checklists(self, register) -> None:  # type: ignore[no-untyped-def]
        register(Checklist("ht-list", "List", (ChecklistItem("one", "Step one"),)))

    @hookimpl
    def polterm_conference_warnings(self, conference, ctx):  # type: ignore[no-untyped-def]
        return [ctx.finding("warning", f"check {conference.student_id}", rule="ht-warn")]

    @hookimpl
    def polterm_report_sections(self, report, ctx):  # type: ignore[no-untyped-def]
        return [ReportSection("HT section", {"school": report.school_id})]

    @hookimpl
    def polterm_migrations(self) -> Migrations:
        return migrations

    @hookimpl
    def polterm_per_student_tables(self) -> list[str]:
        return ["hooktest_note"]

    @hookimpl
    def polterm_student_panel(self, student_id, ctx):  # type: ignore[no-untyped-def]
        (n,) = ctx.db.execute(
            "SELECT count(*) FROM hooktest_note WHERE student_id = ?", [student_id]
        ).fetchone()
        return Panel("Notes", (f"{n} notes",))

    @hookimpl
    def polterm_register_record_forms(self, register) -> None:  # type: ignore[no-untyped-def]
        register(RecordForm("note", "A note", "hooktest_note", (FormField("note", "Note"),)))

    @hookimpl
    def polterm_register_commands(self, cli: click.Group) -> None:
        @cli.command("hooktest-hello")
        def hello() -> None:
            click.echo("hello from a plugin")


@pytest.fixture
def d() -> District:
    return District(policies=["hooktest"], plugins=[EveryHook()])


def test_hook_polterm_policy(d: District) -> None:
    assert d.registry().policies["hooktest"].info.citation == "Policy HT"


def test_hook_polterm_register_rules(d: District) -> None:
    assert [f.rule for f in d.check("2025-10-01")] == ["ht-rule"]


def test_hook_polterm_register_conference_kinds(d: District) -> None:
    kinds = conference_kinds(d.db, d.registry())
    assert [(p, k.id) for p, k in kinds] == [("hooktest", "ht-kind")]


def test_hook_polterm_register_checklists(d: District) -> None:
    draft = ConferenceDraft(student_id="s", kind="ht-kind", at="2025-10-01T15:00")
    assert [c.id for _, c in checklists(d.db, d.registry(), draft)] == ["ht-list"]


def test_hook_polterm_conference_warnings(d: District) -> None:
    draft = ConferenceDraft(student_id="s9", kind="ht-kind", at="2025-10-01T15:00")
    found, errors = conference_warnings(d.db, d.registry(), draft, date(2025, 9, 1))
    assert errors == []
    assert [(f.rule, f.message) for f in found] == [("ht-warn", "check s9")]


def test_hook_polterm_report_sections(d: District) -> None:
    request = ReportRequest("oak", "y", date(2025, 8, 1), date(2026, 6, 1), date(2026, 6, 1))
    sections, errors = report_sections(d.db, d.registry(), request)
    assert (errors, [s.facts for s in sections]) == ([], [{"school": "oak"}])


def test_hook_polterm_migrations(d: District) -> None:
    assert d.db["hooktest_note"].exists()
    assert policy_migrations(d.registry(), ["hooktest"]) == [migrations]
    assert policy_migrations(d.registry(), []) == []


def test_hook_polterm_per_student_tables(d: District) -> None:
    assert d.registry().per_student_tables() == {"hooktest_note"}
    d.add("audit_log", at="t", actor="x", os_user="x", action="insert",
          table_name="hooktest_note", record_id="1", student_id="s1")  # fmt: skip
    tables = finding_store.PER_STUDENT | d.registry().per_student_tables()
    assert finding_store.changed_students(d.db, 0, tables) == {"s1"}
    assert finding_store.changed_students(d.db, 0) is None  # a core list alone: all again


def test_hook_polterm_student_panel(d: District) -> None:
    s = d.student()
    d.add("hooktest_note", student_id=s, note="hello")
    panels, errors = student_panels(d.db, d.registry(), s, date(2025, 10, 1))
    assert (errors, panels) == ([], [Panel("Notes", ("1 notes",), "hooktest")])


def test_hook_polterm_register_record_forms(d: District) -> None:
    s = d.student()
    it = Session(d.db, SYSTEM, d.registry())
    assert [(p, f.id) for p, f in record_forms(it)] == [("hooktest", "note")]
    save_record(it, "hooktest", "note", s, {"note": "called home"})
    assert d.db.execute("SELECT student_id, note FROM hooktest_note").fetchall() == [
        (s, "called home")
    ]
    (audited,) = d.db.execute(
        "SELECT table_name, student_id FROM audit_log WHERE action = 'insert'"
    ).fetchall()
    assert audited == ("hooktest_note", s)
    with pytest.raises(PoltermError, match="Note is required"):
        save_record(it, "hooktest", "note", s, {"note": " "})


def test_hook_polterm_register_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    pm = pluggy.PluginManager("polterm")
    pm.add_hookspecs(hookspecs)
    pm.register(EveryHook(), name="hooktest")
    monkeypatch.setattr("polterm.cli.state.build_registry", lambda: build_registry(pm))
    group = polterm.cli.PoltermGroup("polterm")
    ctx = click.Context(group)
    assert group.list_commands(ctx)[-1] == "hooktest-hello"
    assert group.get_command(ctx, "hooktest-hello") is group.commands["hooktest-hello"]


def test_a_plugin_whose_commands_fail_is_left_out_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Broken:
        @hookimpl
        def polterm_register_commands(self, cli: click.Group) -> None:
            raise RuntimeError("no luck")

    pm = pluggy.PluginManager("polterm")
    pm.add_hookspecs(hookspecs)
    pm.register(Broken(), name="broken")
    monkeypatch.setattr("polterm.cli.state.build_registry", lambda: build_registry(pm))
    group = polterm.cli.PoltermGroup("polterm")
    assert group.list_commands(click.Context(group)) == list(polterm.cli.COMMANDS)
    assert capsys.readouterr().err == (
        "policy plugin 'broken' could not add its commands: no luck\n"
    )


def test_the_hook_list_is_read_from_hookspecs() -> None:
    assert "polterm_policy" in HOOKS
    assert len(HOOKS) == len(inspect.getmembers(hookspecs, lambda f: hasattr(f, "polterm_spec")))


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_test(hook: str) -> None:
    assert callable(globals().get(f"test_hook_{hook}")), f"no test_hook_{hook} in {__name__}"
