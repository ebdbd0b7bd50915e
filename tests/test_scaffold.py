"""`polterm new-policy` makes a package that passes its own tests and, once installed, is used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import Polterm


def python(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("POLTERM_", "PYTEST_"))}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env={**clean, **env}, capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("scaffold") / "polterm-home-call"
    result = Polterm(target / "unused.db")(
        "new-policy", "home_call", "--dir", str(target), db=False
    )
    assert result.code == 0, result.err
    return target


def test_the_scaffold_is_an_installable_package_with_a_rule_and_a_test(package: Path) -> None:
    pyproject = (package / "pyproject.toml").read_text()
    assert 'build-backend = "hatchling.build"' in pyproject
    assert '[project.entry-points.polterm]\nhome_call = "polterm_home_call"' in pyproject
    assert "RuleContext" in (package / "src/polterm_home_call/__init__.py").read_text()
    assert "district" in (package / "tests/test_home_call.py").read_text()
    assert '[project.optional-dependencies]\ntest = ["pytest>=8"]' in pyproject


def test_the_scaffold_passes_its_own_tests_with_the_district_fixture(package: Path) -> None:
    result = python("-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=package,
                    PYTHONPATH=str(package / "src"))  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 passed" in result.stdout


def test_once_installed_the_policy_is_in_plugins_rules_and_check(
    package: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    install = python("-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                     "--target", str(site), str(package), cwd=tmp_path)  # fmt: skip
    assert install.returncode == 0, install.stderr

    def polterm(*args: str) -> subprocess.CompletedProcess[str]:
        code = "from polterm.cli import main; main()"
        db = str(tmp_path / "d.db")
        return python("-c", code, "--db", db, *args, cwd=tmp_path, PYTHONPATH=str(site))

    plugins = {p["name"]: p for p in json.loads(polterm("plugins", "--format", "json").stdout)}
    assert plugins["home_call"]["rules"] == ["fall-conference"]
    assert plugins["home_call"]["version"] == "0.1.0"
    rules = json.loads(polterm("rules", "--policy", "home_call", "--format", "json").stdout)
    assert [(r["rule"], r["settings"]) for r in rules] == [
        ("fall-conference", {"deadline": "11-30"})
    ]
    for args in (
        ["init", "--district", "T", "--policy", "home_call",
         "--year", "2025-2026:2025-08-27:2026-06-12"],
        ["school", "add", "--id", "oak", "--name", "Oak", "--level", "elementary"],
        ["student", "add", "--id", "s1", "--given", "A", "--family", "B", "--grade", "3",
         "--school", "oak"],
    ):  # fmt: skip
        result = polterm(*args)
        assert result.returncode == 0, result.stderr
    check = polterm("check", "--as-of", "2025-12-01", "--format", "json", "--fail-on", "overdue")
    assert check.returncode == 1, check.stderr
    (finding,) = json.loads(check.stdout)["findings"]
    assert (finding["policy"], finding["student_id"], finding["status"]) == (
        "home_call",
        "s1",
        "overdue",
    )
    waiver = polterm("home_call-waiver", "--student", "s1", "--on", "2025-09-20")
    assert (waiver.returncode, waiver.stdout) == (0, "s1: waiver signed 2025-09-20\n")
    check = polterm("check", "--as-of", "2025-12-01", "--format", "json")
    assert (check.returncode, json.loads(check.stdout)["findings"]) == (0, [])
    bad = polterm("home_call-waiver", "--student", "s1", "--on", "yesterday")
    assert bad.returncode == 2 and "'yesterday'" in bad.stderr


def test_new_policy_refuses_a_bad_name_and_a_non_empty_directory(
    package: Path, tmp_path: Path
) -> None:
    run = Polterm(tmp_path / "unused.db")
    bad = run("new-policy", "Home-Call", "--dir", str(tmp_path / "x"), db=False)
    assert (bad.code, "'Home-Call'" in bad.err) == (2, True)
    taken = run("new-policy", "home_call", "--dir", str(package), db=False)
    assert taken.code == 2
    assert "not empty" in taken.err
