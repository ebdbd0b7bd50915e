"""`config policy enable|disable`: IT only, audited, dated so earlier checks keep the old set."""

from __future__ import annotations

from collections import Counter

import pytest

from .conftest import Polterm


def findings(run: Polterm, as_of: str) -> list[dict]:
    result = run("check", "--as-of", as_of, "--format", "json")
    assert result.code in (0, 3), result.err
    return result.json()["findings"]


def test_disabling_p1471_removes_exactly_its_findings_from_that_day(district: Polterm) -> None:
    before_change = findings(district, "2025-10-15")
    after_day = findings(district, "2025-11-05")
    assert {f["policy"] for f in after_day} == {"clinton_6310", "p1471"}

    result = district("config", "policy", "disable", "p1471", "--from", "2025-11-01")
    assert result.code == 0, result.err
    assert "p1471: disabled from 2025-11-01" in result.out

    assert findings(district, "2025-11-05") == [f for f in after_day if f["policy"] != "p1471"]
    assert findings(district, "2025-10-15") == before_change  # judged by the old set
    policies = district("config", "policies", "--format", "json").json()
    assert [p["policy"] for p in policies] == ["clinton_6310"]


def test_a_policy_switched_back_on_applies_again_from_its_new_date(district: Polterm) -> None:
    assert district("config", "policy", "disable", "p1471", "--from", "2025-11-01").code == 0
    result = district("config", "policy", "enable", "p1471", "--from", "2026-01-05")
    assert result.code == 0, result.err
    assert "p1471" not in {f["policy"] for f in findings(district, "2026-01-04")}
    assert "p1471" in {f["policy"] for f in findings(district, "2026-01-05")}
    policies = district("config", "policies", "--format", "json").json()
    assert [p["policy"] for p in policies] == ["clinton_6310", "p1471"]


def test_each_change_is_in_the_audit_log(district: Polterm) -> None:
    district("config", "policy", "disable", "p1471", "--from", "2025-11-01")
    district("config", "policy", "enable", "p1471", "--from", "2026-01-05")
    rows = district.rows(
        "SELECT action, table_name, record_id FROM audit_log"
        " WHERE table_name IN ('district_policy', 'policy_change') ORDER BY id"
    )
    assert Counter(rows) == Counter(
        [
            ("insert", "district_policy", "clinton_6310"),  # init
            ("insert", "district_policy", "p1471"),
            ("insert", "policy_change", "1"),
            ("delete", "district_policy", "p1471"),
            ("insert", "policy_change", "2"),
            ("insert", "district_policy", "p1471"),
        ]
    )


DISABLED_IN_NOVEMBER = ("config", "policy", "disable", "p1471", "--from", "2025-11-01")


@pytest.mark.parametrize(
    ("first", "args", "named"),
    [
        ((), ["--as", "bprincipal", "config", "policy", "disable", "p1471"], "principal"),
        ((), ["config", "policy", "enable", "nowhere_9"], "'nowhere_9'"),
        ((), ["config", "policy", "enable", "p1471"], "already enabled"),
        ((), ["config", "policy", "disable", "nowhere_9"], "'nowhere_9'"),
        ((), ["config", "policy", "disable", "p1471", "--from", "2025-13-01"], "2025-13-01"),
        (  # history is a line: no change dated before the policy's last one
            DISABLED_IN_NOVEMBER,
            ["config", "policy", "enable", "p1471", "--from", "2025-10-01"],
            "last change (2025-11-01)",
        ),
    ],
)
def test_a_refused_change_exits_2_names_why_and_changes_nothing(
    district: Polterm, first: tuple[str, ...], args: list[str], named: str
) -> None:
    if first:
        assert district(*first).code == 0
    before = district.dump()
    result = district(*args)
    assert result.code == 2, result.out
    assert named in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert district.dump() == before


def test_config_policy_has_help(fresh: Polterm) -> None:
    for verb in ("enable", "disable"):
        result = fresh("config", "policy", verb, "--help", db=False)
        assert result.code == 0
        assert "--from DATE" in result.out


def test_a_plugins_migrations_are_applied_when_its_policy_is_enabled(fresh: Polterm) -> None:
    init = ("init", "--district", "T", "--policy", "clinton_6310")
    assert fresh(*init, "--year", "2025-2026:2025-08-27:2026-06-12").code == 0
    indexes = "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE ?"
    assert fresh.rows(indexes, ("clinton_6310_%",))
    assert fresh.rows(indexes, ("p1471_%",)) == []  # installed, not used: left alone
    assert fresh("school", "list").code == 0  # opening again adds nothing either
    assert fresh.rows(indexes, ("p1471_%",)) == []
    assert fresh("config", "policy", "enable", "p1471").code == 0
    assert fresh.rows(indexes, ("p1471_%",))


def test_the_rules_table_lists_the_full_citation_as_the_policies_screen_does(
    district: Polterm,
) -> None:
    table = district("rules", "--policy", "p1471").out
    assert "citation" in table.splitlines()[0]
    assert "Board Policy P1471, item 1; Board Policy P1471, Conference with Parents" in table


def test_a_plugin_whose_tables_cannot_be_made_is_refused_and_nothing_recorded(
    district: Polterm, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlite_utils import Migrations

    broken = Migrations("polterm_broken_tables")

    @broken()
    def m001_clash(db: object) -> None:
        db.execute("CREATE TABLE student (id TEXT)")  # type: ignore[attr-defined]

    monkeypatch.setattr("polterm.services.policies.policy_migrations", lambda r, p: [broken])
    assert district("config", "policy", "disable", "p1471").code == 0
    before = district.dump()
    result = district("config", "policy", "enable", "p1471")
    assert result.code == 2
    assert "its tables could not be created" in result.err
    assert district.dump() == before
