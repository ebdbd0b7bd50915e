"""`polterm new-policy`: write a policy plugin package from the templates beside this module."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

from polterm.errors import PoltermError

_NAME = re.compile(r"[a-z][a-z0-9_]*")
# Template file -> path in the new package; {name} is the policy name.
_FILES = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "plugin.py.tmpl": "src/polterm_{name}/__init__.py",
    "test_plugin.py.tmpl": "tests/test_{name}.py",
}


def scaffold(name: str, directory: Path | None = None) -> Path:
    """Write policy `name`'s package into `directory` (default ./polterm-NAME), never over files."""
    if not _NAME.fullmatch(name):
        raise PoltermError(
            f"policy name {name!r} must be lowercase letters, digits and _, starting with a letter"
        )
    target = directory or Path(f"polterm-{name.replace('_', '-')}")
    if target.exists() and any(target.iterdir()):
        raise PoltermError(f"directory {target} exists and is not empty")
    values = {"name": name, "dist": f"polterm-{name.replace('_', '-')}"}
    templates = files(__package__) / "template"
    for template, relative in _FILES.items():
        path = target / relative.format(**values)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = (templates / template).read_text(encoding="utf-8")
        path.write_text(text.replace("{{name}}", name).replace("{{dist}}", values["dist"]))
    return target
