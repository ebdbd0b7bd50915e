"""Stored text as the UI shows it: literally, never as markup, never as terminal controls.

Every connection the UI reads through returns text with its control characters written out
(`neutralise`), so no widget can send one to the terminal; text shown in a widget that parses
markup goes in as `plain` Content, so a name such as `[bold]x[/]` shows as typed.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database
from textual.content import Content

from polterm.display import visible


def plain(text: str) -> Content:
    """Text for a widget that would otherwise parse it as markup."""
    return Content(visible(text))


def _shown(data: bytes) -> str:
    return visible(data.decode("utf-8", "replace"), lines=True)


def neutralise(db: Database) -> Database:
    """Make every text this connection reads safe to draw: controls (tab, newline kept) shown."""
    conn: sqlite3.Connection = db.conn
    conn.text_factory = _shown
    return db


def literal(text: str) -> str:
    """Text to put inside a markup string: shown as typed, whatever brackets it holds.

    Rich's and Textual's `escape` leave a `[` that does not look like a tag, which Textual's
    parser may still take for one (a stored `ESC [ 5 n` broke the student page)."""
    return visible(text, lines=True).replace("[", "\\[")
