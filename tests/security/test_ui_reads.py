"""The UI reads through the services, whose permission checks the CLI shares: no module of it
queries a table itself."""

from __future__ import annotations

import re
from pathlib import Path

import polterm.ui

# a query on a connection or a table: db.execute(...), db.query(...), db["student"], db.table(...)
DIRECT = re.compile(r"\bdb\s*(\.\s*(execute|executemany|query|table)\s*\(|\[)")


def test_no_ui_module_queries_a_table() -> None:
    root = Path(polterm.ui.__file__).parent
    found = [
        f"{path.relative_to(root)}:{n}: {line.strip()}"
        for path in sorted(root.rglob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if DIRECT.search(line)
    ]
    assert found == []


def test_stored_text_in_markup_keeps_its_lines_and_brackets() -> None:
    from textual.content import Content

    from polterm.ui.text import literal

    stored = "one\n[bold]two[/] \x1b[5n"
    shown = Content.from_markup("[b]" + literal(stored) + "[/b]").plain
    assert shown == "one\n[bold]two[/] \\x1b[5n"
