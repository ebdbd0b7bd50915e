"""Plugins are found by their `polterm` entry points, filtered by POLTERM_LOAD_PLUGINS."""

from __future__ import annotations

import itertools
import textwrap
from pathlib import Path

import pytest

from polterm.plugins import build_registry

_serial = itertools.count()

PLUGIN_SOURCE = """
from polterm import hookimpl
from polterm.policy import PolicyInfo, Rule

@hookimpl
def polterm_policy():
    return PolicyInfo("{policy}", "{policy}", "Policy {policy}")

@hookimpl
def polterm_register_rules(register):
    register(Rule("only-rule", "The only rule", "§1", lambda ctx: []))
"""


def install_fake(
    root: Path, policy: str, source: str = PLUGIN_SOURCE, version: str = "1.2.3"
) -> str:
    """Write a module and a dist-info declaring its `polterm` entry point; returns the ep name."""
    module = f"fake_{policy}_{next(_serial)}"
    (root / f"{module}.py").write_text(textwrap.dedent(source.format(policy=policy)))
    info = root / f"{module}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: {version}\n")
    (info / "entry_points.txt").write_text(f"[polterm]\n{policy} = {module}\n")
    return policy


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_an_entry_point_in_group_polterm_is_discovered_with_its_version(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fake(site, "found_one")
    monkeypatch.setenv("POLTERM_LOAD_PLUGINS", "found_one")
    registry = build_registry()
    loaded = registry.policies["found_one"]
    assert (loaded.version, list(loaded.rules)) == ("1.2.3", ["only-rule"])
    assert loaded.hooks == ["polterm_policy", "polterm_register_rules"]


def test_the_allowlist_loads_only_the_named_plugins(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fake(site, "wanted")
    install_fake(site, "unwanted")
    monkeypatch.setenv("POLTERM_LOAD_PLUGINS", "wanted, clinton_6310")
    assert set(build_registry().policies) == {"wanted", "clinton_6310"}


def test_an_empty_allowlist_loads_no_plugin(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install_fake(site, "anything")
    monkeypatch.setenv("POLTERM_LOAD_PLUGINS", "")
    registry = build_registry()
    assert registry.policies == {}
    assert "anything" in registry.installed  # installed, just not loaded


def test_without_an_allowlist_every_installed_plugin_loads(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fake(site, "everyone")
    monkeypatch.delenv("POLTERM_LOAD_PLUGINS", raising=False)
    assert {"everyone", "clinton_6310", "p1471"} <= set(build_registry().policies)


def test_an_entry_point_that_fails_to_import_is_named_and_the_others_load(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fake(site, "broken", source="raise ImportError('needs libfoo')\n")
    install_fake(site, "fine")
    monkeypatch.setenv("POLTERM_LOAD_PLUGINS", "broken,fine")
    registry = build_registry()
    assert set(registry.policies) == {"fine"}
    (error,) = registry.errors
    assert str(error) == (
        "policy plugin 'broken' failed: cannot be imported: ImportError: needs libfoo"
    )


def test_a_policy_left_out_by_the_allowlist_is_said_to_be_installed_but_not_allowed(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLTERM_LOAD_PLUGINS", install_fake(site, "other"))
    why = build_registry().why_missing
    assert why("p1471") == (
        "policy 'p1471' is installed but not allowed: add it to POLTERM_LOAD_PLUGINS=other"
    )
    assert "not installed" in why("nowhere_1")
