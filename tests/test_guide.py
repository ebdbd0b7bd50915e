"""docs/writing-a-policy.md, run as a reader would: each file it shows is written into the
scaffolded package, each `$` command runs in order in a shell, and what it shows is printed.

Only where the guide installs and runs does the test differ, so the shared environment
stays clean: `pip install` goes to a site directory of the test's own, and `polterm` is
polterm's entry point with that directory on the path (a plain `polterm ...` line runs in
this process, as the other CLI tests do: a new Python for each costs a second)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import Polterm

GUIDE = Path(__file__).parents[1] / "docs/writing-a-policy.md"
PACKAGE = "polterm-fairview-2210"
SHELL = f"""
polterm() {{ "{sys.executable}" -c 'from polterm.cli import main; main()' "$@"; }}
pip() {{ shift; "{sys.executable}" -m pip install -q --no-deps --no-build-isolation \\
    --target "$SITE" "$@"; }}
pytest() {{ "{sys.executable}" -m pytest "$@"; }}
"""


@dataclass
class Step:
    """A file the guide shows (path, text) or a command and the lines it prints."""

    command: str | None = None
    shown: tuple[str, ...] = ()
    path: str | None = None
    text: str = ""


def steps(guide: str) -> list[Step]:
    """The guide's files (a "`path`:" line before a fence) and console commands, in order."""
    out: list[Step] = []
    blocks = re.finditer(r"(?:^`([^`\n]+)`:\n\n)?^```(\w*)\n(.*?)^```", guide, re.M | re.S)
    for block in blocks:
        path, lang, body = block.groups()
        if path:
            out.append(Step(path=path, text=body))
        elif lang == "console":
            for chunk in re.split(r"^\$ ", body, flags=re.M)[1:]:
                command, *shown = chunk.rstrip("\n").split("\n")
                out.append(Step(command=command, shown=tuple(shown)))
    return out


def same(line: str) -> str:
    return " ".join(line.split())


def run(command: str, cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """A command's exit status and all it printed: in this process when it is plain."""
    if re.fullmatch(r"polterm [^;|&>$]*", command):
        result = Polterm(Path(env["POLTERM_DB"]))(*shlex.split(command)[1:], db=False)
        return result.code, result.out + result.err
    done = subprocess.run(
        ["bash", "-c", f"{SHELL}\n{command}"], cwd=cwd, env=env, capture_output=True, text=True
    )
    return done.returncode, done.stdout + done.stderr


def test_every_command_of_the_guide_runs_and_prints_what_it_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plugins_asked_again: None
) -> None:
    plan = steps(GUIDE.read_text(encoding="utf-8"))
    assert sum(s.command is not None for s in plan) >= 25 and sum(bool(s.path) for s in plan) == 2
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POLTERM_", "PYTEST_"))}
    site = tmp_path / "site"
    env |= {"SITE": str(site), "PYTHONPATH": str(site), "POLTERM_DB": str(tmp_path / "f.db")}
    for name in [k for k in os.environ if k.startswith("POLTERM_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("POLTERM_DB", env["POLTERM_DB"])
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.chdir(tmp_path)  # where `new-policy` writes the package
    monkeypatch.delitem(sys.modules, "polterm_fairview_2210", raising=False)
    for step in plan:
        if step.path is not None:
            (tmp_path / PACKAGE / step.path).write_text(step.text, encoding="utf-8")
            continue
        code, said = run(step.command, tmp_path, env)
        assert code == 0, f"$ {step.command}\n{said}"
        printed = {same(line) for line in said.splitlines()}
        for line in step.shown:
            if line.strip() and "..." not in line:
                assert same(line) in printed, f"$ {step.command}\nshown: {line}\nprinted:\n{said}"
