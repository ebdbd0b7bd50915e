"""`polterm check`, `rules`, `plugins` and `config` through the command line, with fake policies."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pluggy
import pytest

from polterm import hookimpl, hookspecs
from polterm.cli.policy import finding_json
from polterm.plugins import Registry, build_registry
from polterm.policy import FINDING_KEYS, Finding, FindingQuery, PolicyInfo, Rule, RuleContext

from .conftest import Polterm


def per_student(status: str) -> Callable[[RuleContext], Iterator[Finding]]:
    def evaluate(ctx: RuleContext) -> Iterator[Finding]:
        """A finding of `status` for each student in scope, due on the `due` setting."""
        where, params = ctx.scope.sql("s")
        for sid, school in ctx.db.execute(
            f"SELECT s.id, s.school_id FROM student s WHERE {where}", params
        ):
            yield ctx.finding(
                status, "Needs a call.", student_id=sid, school_id=school, due=ctx.settings["due"]
            )

    return evaluate


def awkward(ctx: RuleContext) -> FindingQuery:
    """Per student, values JSON must escape, from one query; a school-less conference too."""
    return ctx.query(
        """SELECT s.id AS student_id, s.school_id, 7 AS conference_id,
                  'Café “quoted” ' || char(34, 92, 10, 9, 1) || ',["\\u0001"],' || s.id
                      AS message
           FROM student s
           UNION ALL SELECT NULL, NULL, NULL, 'no one'""",
        {},
        status="warning",
        due=date(2025, 10, 1),
    )


def broken(ctx: RuleContext) -> list[Finding]:
    raise RuntimeError("cannot count")


class FakePolicy:
    def __init__(self, name: str, *rules: Rule) -> None:
        self.name, self.rules = name, rules

    @hookimpl
    def polterm_policy(self) -> PolicyInfo:
        return PolicyInfo(self.name, self.name, f"Policy {self.name}")

    @hookimpl
    def polterm_register_rules(self, register) -> None:  # type: ignore[no-untyped-def]
        for rule in self.rules:
            register(rule)


ALPHA = FakePolicy(
    "alpha",
    Rule("call", "Call home", "§1", per_student("due"), settings={"due": "2025-10-31"}),
    Rule(
        "late",
        "Late",
        "§2",
        per_student("overdue"),
        effective_from=date(2025, 9, 1),
        settings={"due": "2025-09-15"},
    ),
)
BETA = FakePolicy("beta", Rule("b", "B", "§9", per_student("warning"), settings={"due": None}))


def registry_of(*plugins: object) -> Registry:
    pm = pluggy.PluginManager("polterm")
    pm.add_hookspecs(hookspecs)
    for plugin in plugins:
        pm.register(plugin, name=plugin.name)  # type: ignore[attr-defined]
    return build_registry(pm)


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Polterm:
    """A district with alpha and beta on: schools oak and elm, students s1 (oak) and s2 (elm)."""
    registry = registry_of(ALPHA, BETA)
    monkeypatch.setattr("polterm.cli.state.build_registry", lambda: registry)
    monkeypatch.delenv("POLTERM_DB", raising=False)
    run = Polterm(tmp_path / "d.db")
    for args in (
        ["init", "--district", "T", "--policy", "alpha", "--policy", "beta"],
        ["school", "add", "--id", "oak", "--name", "Oak", "--level", "elementary"],
        ["school", "add", "--id", "elm", "--name", "Elm", "--level", "middle"],
        ["staff", "add", "--id", "t1", "--name", "Tea Cher", "--role", "teacher",
         "--school", "oak", "--username", "tcher"],
        ["student", "add", "--id", "s1", "--given", "A", "--family", "B", "--grade", "3",
         "--school", "oak", "--teacher", "t1"],
        ["student", "add", "--id", "s2", "--given", "C", "--family", "D", "--grade", "7",
         "--school", "elm"],
    ):  # fmt: skip
        result = run(*args)
        assert result.code == 0, (args, result.err)
    return run


def test_check_json_has_as_of_and_exactly_the_finding_keys_in_contract_order(run: Polterm) -> None:
    result = run("check", "--as-of", "2025-10-01", "--format", "json")
    assert result.code == 0, result.err
    doc = result.json()
    assert doc["as_of"] == "2025-10-01"
    assert all(tuple(f) == FINDING_KEYS for f in doc["findings"])
    assert [(f["policy"], f["rule"], f["school_id"], f["student_id"]) for f in doc["findings"]] == [
        ("alpha", "call", "elm", "s2"),
        ("alpha", "call", "oak", "s1"),
        ("alpha", "late", "elm", "s2"),
        ("alpha", "late", "oak", "s1"),
        ("beta", "b", "elm", "s2"),
        ("beta", "b", "oak", "s1"),
    ]
    assert doc["findings"][0]["citation"] == "§1; Policy alpha"


def test_check_filters_by_policy_school_and_student(run: Polterm) -> None:
    def keys(*args: str) -> list[tuple[str, str]]:
        doc = run("check", "--as-of", "2025-10-01", "--format", "json", *args).json()
        return [(f["rule"], f["student_id"]) for f in doc["findings"]]

    assert keys("--policy", "beta") == [("b", "s2"), ("b", "s1")]
    assert keys("--school", "oak") == [("call", "s1"), ("late", "s1"), ("b", "s1")]
    assert keys("--student", "s2", "--policy", "alpha") == [("call", "s2"), ("late", "s2")]


def test_check_shows_a_teacher_only_their_own_students(run: Polterm) -> None:
    doc = run("--as", "tcher", "check", "--as-of", "2025-10-01", "--format", "json").json()
    assert {f["student_id"] for f in doc["findings"]} == {"s1"}


def test_a_rule_before_its_effective_date_gives_nothing(run: Polterm) -> None:
    doc = run("check", "--as-of", "2025-08-31", "--format", "json", "--policy", "alpha").json()
    assert {f["rule"] for f in doc["findings"]} == {"call"}


@pytest.mark.parametrize(
    ("as_of", "fail_on", "code"),
    [
        ("2025-10-01", "overdue", 1),
        ("2025-10-01", "due", 1),
        ("2025-08-31", "overdue", 0),  # `late` not yet in force: only due and warning findings
        ("2025-10-01", "action", 0),
    ],
)
def test_fail_on_exits_1_only_when_a_finding_has_that_exact_status(
    run: Polterm, as_of: str, fail_on: str, code: int
) -> None:
    assert run("check", "--as-of", as_of, "--fail-on", fail_on).code == code


def test_check_csv_has_a_header_row_and_one_row_per_finding(run: Polterm) -> None:
    out = run("check", "--as-of", "2025-10-01", "--format", "csv", "--policy", "beta").out
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == list(FINDING_KEYS)
    assert [r[4] for r in rows[1:]] == ["", ""]  # conference_id is empty, not "None"
    assert [r[3] for r in rows[1:]] == ["s2", "s1"]


def test_check_table_is_readable(run: Polterm) -> None:
    lines = run("check", "--as-of", "2025-10-01", "--policy", "beta").out.splitlines()
    assert lines[0].split()[:3] == ["policy", "rule", "status"]
    assert lines[1].split()[:3] == ["beta", "b", "warning"]
    assert lines[1].endswith("Needs a call.")


def test_a_bad_as_of_date_is_a_one_line_error(run: Polterm) -> None:
    result = run("check", "--as-of", "2025-13-01")
    assert result.code == 2
    assert "2025-13-01" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_a_configured_policy_not_installed_is_named_with_how_to_install_it(
    run: Polterm, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_alpha = registry_of(ALPHA)
    monkeypatch.setattr("polterm.cli.state.build_registry", lambda: only_alpha)
    result = run("check", "--as-of", "2025-10-01", "--format", "json")
    assert result.code == 3
    assert result.err.strip() == (
        "policy 'beta' is configured but not installed: install its package, "
        "e.g. `pip install polterm-beta`"
    )
    assert {f["policy"] for f in result.json()["findings"]} == {"alpha"}


def test_a_failing_plugin_is_one_line_exit_3_and_the_others_still_print(
    run: Polterm, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad_beta = FakePolicy("beta", Rule("b", "B", "§9", broken))
    registry = registry_of(ALPHA, bad_beta)
    monkeypatch.setattr("polterm.cli.state.build_registry", lambda: registry)
    before = run.dump()
    result = run("check", "--as-of", "2025-10-01", "--format", "json")
    assert result.code == 3
    assert result.err.strip() == ("policy plugin 'beta' failed: rule b: RuntimeError: cannot count")
    assert {f["policy"] for f in result.json()["findings"]} == {"alpha"}
    assert run.dump() == before


def test_rules_lists_settings_after_district_overrides(run: Polterm) -> None:
    assert run("config", "set", "alpha", "call", "due", '"2025-11-15"').code == 0
    rules = run("rules", "--format", "json").json()
    assert rules[0] == {
        "policy": "alpha",
        "rule": "call",
        "title": "Call home",
        "citation": "§1",
        "effective_from": None,
        "effective_to": None,
        "settings": {"due": "2025-11-15"},
    }
    assert rules[1]["effective_from"] == "2025-09-01"
    doc = run("check", "--as-of", "2025-10-01", "--format", "json", "--policy", "alpha").json()
    assert doc["findings"][0]["due"] == "2025-11-15"
    assert run("audit", "--format", "json").code == 0
    assert run.rows("SELECT table_name FROM audit_log WHERE table_name = 'policy_setting'")


def test_config_unset_returns_to_the_default(run: Polterm) -> None:
    run("config", "set", "alpha", "call", "due", "2025-12-01")
    assert run("config", "settings", "--format", "json").json() == [
        {"policy": "alpha", "rule": "call", "key": "due", "value": "2025-12-01"}
    ]
    assert run("config", "unset", "alpha", "call", "due").code == 0
    assert run("rules", "--format", "json", "--policy", "alpha").json()[0]["settings"] == {
        "due": "2025-10-31"
    }


def test_config_set_refuses_an_unknown_setting_and_changes_nothing(run: Polterm) -> None:
    before = run.dump()
    result = run("config", "set", "alpha", "call", "colour", "1")
    assert result.code == 2
    assert "'colour'" in result.err
    assert run.dump() == before


def test_config_set_is_for_district_admins_only(run: Polterm) -> None:
    result = run("--as", "tcher", "config", "set", "alpha", "call", "due", "2025-12-01")
    assert result.code == 2
    assert run.rows("SELECT * FROM policy_setting") == []


def test_config_policies_says_which_are_installed(
    run: Polterm, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_alpha = registry_of(ALPHA)
    monkeypatch.setattr("polterm.cli.state.build_registry", lambda: only_alpha)
    rows = run("config", "policies", "--format", "json").json()
    assert [(r["policy"], r["installed"]) for r in rows] == [("alpha", True), ("beta", False)]


def test_rules_and_plugins_work_without_a_database(tmp_path: Path) -> None:
    run = Polterm(tmp_path / "none.db")
    rules = run("rules", "--format", "json", "--policy", "clinton_6310")
    assert rules.code == 0, rules.err
    assert rules.json() and all(r["policy"] == "clinton_6310" for r in rules.json())
    plugins = run("plugins", "--format", "json")
    assert plugins.code == 0, plugins.err
    by_name = {p["name"]: p for p in plugins.json()}
    assert by_name["p1471"]["policy"] == "p1471"
    assert by_name["p1471"]["version"] == "0.1.0"
    assert "polterm_register_rules" in by_name["p1471"]["hooks"]
    assert not (tmp_path / "none.db").exists()


def test_plugins_json_lists_name_version_policy_hooks_rules(
    run: Polterm,
) -> None:
    plugins = run("plugins", "--format", "json").json()
    assert [set(p) for p in plugins] == [{"name", "version", "policy", "hooks", "rules"}] * 2
    assert [(p["name"], p["rules"]) for p in plugins] == [
        ("alpha", ["call", "late"]),
        ("beta", ["b"]),
    ]
    assert json.dumps(plugins)  # one JSON document


@pytest.mark.parametrize(
    "finding",
    [
        Finding("p", "r", "due", 's"1', 7, "sch\\1", "2025-10-01", "Café “quoted”\n", "§1"),
        Finding("p", "r", "action", None, None, None, None, "m", ""),
        Finding("p", "r", "warning", 12, "x", None, None, "m", "c"),  # type: ignore[arg-type]
    ],
)
def test_the_fast_json_of_a_finding_is_what_json_dumps_gives(finding: Finding) -> None:
    assert json.loads(finding_json(finding)) == json.loads(json.dumps(finding.as_dict()))


def test_check_json_of_a_rule_query_is_what_json_dumps_gives(
    run: Polterm, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = registry_of(ALPHA, FakePolicy("beta", Rule("b", "B", "§9", awkward)))
    monkeypatch.setattr("polterm.cli.state.build_registry", lambda: registry)
    result = run("check", "--as-of", "2025-10-01", "--format", "json", "--policy", "beta")
    assert result.code == 0, result.err
    lines = result.out.splitlines()[1:-1]
    findings = result.json()["findings"]
    assert [line.rstrip(",") for line in lines] == [
        json.dumps(f, ensure_ascii=False) for f in findings
    ]
    assert [(f["school_id"], f["student_id"], f["conference_id"]) for f in findings] == [
        (None, None, None),
        ("elm", "s2", 7),
        ("oak", "s1", 7),
    ]
    assert findings[1]["message"] == 'Café “quoted” "\\\n\t\x01,["\\u0001"],s2'
    assert findings[1]["citation"] == "§9; Policy beta"
    as_csv = run("check", "--as-of", "2025-10-01", "--format", "csv", "--policy", "beta").out
    assert [r[3] for r in list(csv.reader(io.StringIO(as_csv)))[1:]] == ["", "s2", "s1"]


class NoPolicy:
    name = "nopolicy"

    @hookimpl
    def polterm_policy(self) -> PolicyInfo:
        raise RuntimeError("half installed")


def test_plugins_names_a_plugin_that_failed_and_exits_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = registry_of(ALPHA, NoPolicy())
    monkeypatch.setattr("polterm.cli.state.build_registry", lambda: registry)
    result = Polterm(tmp_path / "none.db")("plugins", "--format", "json")
    assert result.code == 3
    assert result.err.strip() == "policy plugin 'nopolicy' failed: RuntimeError: half installed"
    listed = {p["name"]: p for p in result.json()}
    assert listed["nopolicy"]["policy"] is None
    assert listed["alpha"]["rules"] == ["call", "late"]
