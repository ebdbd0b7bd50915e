"""Typed rule settings: `config set` refuses a value that does not fit; a stored one is named."""

from __future__ import annotations

import sqlite3

import pytest

from polterm.errors import PoltermError
from polterm.settings import Setting, SettingError, parse, type_of

from .conftest import Polterm


@pytest.mark.parametrize(
    ("default", "kind"),
    [(5, "int"), (True, "bool"), (0.5, "number"), ("2025-11-15", "date"),
     ("11-30", "month-day"), ("02-29", "month-day"), ("year-end", "text"), ("13-01", "text")],
)  # fmt: skip
def test_a_settings_type_comes_from_its_default(default: object, kind: str) -> None:
    assert type_of(default) == kind


@pytest.mark.parametrize(
    ("setting", "text", "value"),
    [(Setting(5), "10", 10), (Setting(True), "no", False), (Setting("11-30"), '"12-15"', "12-15"),
     (Setting("2025-11-15"), "2026-01-02", "2026-01-02"), (Setting("a"), "two words", "two words"),
     (Setting("x", choices=("x", "y")), "y", "y"), (Setting(3, min=1, max=9), "9", 9)],
)  # fmt: skip
def test_a_value_that_fits_is_read_as_its_type(setting: Setting, text: str, value: object) -> None:
    assert parse(setting, "k", text) == value


@pytest.mark.parametrize(
    ("setting", "text", "says"),
    [(Setting(14), "two-weeks", "a whole number"), (Setting(True), "maybe", "true or false"),
     (Setting("11-30"), "11-31", "MM-DD"), (Setting("2025-11-15"), "2025-02-30", "YYYY-MM-DD"),
     (Setting("x", choices=("x", "y")), "z", "one of x, y"),
     (Setting(3, min=1), "0", "at least 1")],
)  # fmt: skip
def test_a_value_that_does_not_fit_is_refused_naming_it(
    setting: Setting, text: str, says: str
) -> None:
    with pytest.raises(SettingError) as raised:
        parse(setting, "grace_days", text)
    assert isinstance(raised.value, PoltermError)
    assert f"grace_days = {text!r}" in str(raised.value)
    assert says in str(raised.value)


def test_config_set_refuses_a_value_that_does_not_fit_with_exit_2(district: Polterm) -> None:
    before = district.dump()
    args = ("config", "set", "p1471", "arrange-parent-request", "arrange_within_days")
    result = district(*args, "two-weeks")
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        "Error: setting arrange_within_days = 'two-weeks' does not fit: it must be a whole number"
    ]
    assert district.dump() == before
    assert district(*args, "7").code == 0
    assert district.rows("SELECT value FROM policy_setting") == [("7",)]


def test_a_bad_stored_value_is_reported_by_name_and_the_other_rules_still_run(
    district: Polterm,
) -> None:
    with sqlite3.connect(district.path) as conn:
        conn.execute(
            "INSERT INTO policy_setting VALUES"
            " ('p1471', 'arrange-parent-request', 'arrange_within_days', '\"two-weeks\"')"
        )
    result = district("check", "--as-of", "2025-10-01", "--format", "json")
    assert result.code == 3
    assert "rule arrange-parent-request" in result.err
    assert 'arrange_within_days = "two-weeks" does not fit' in result.err
    rules = {f["rule"] for f in result.json()["findings"]}
    assert "arrange-parent-request" not in rules and rules
    listed = district("rules", "--policy", "p1471", "--format", "json")
    assert listed.code == 0  # a listing still opens, showing the value as stored


def test_a_shipped_setting_declared_with_choices_refuses_others(district: Polterm) -> None:
    args = ("config", "set", "p1471", "conference-size", "scope")
    refused = district(*args, "everyone")
    assert refused.code == 2
    assert "it must be one of parent-principal, all" in refused.err
    assert district(*args, "all").code == 0
