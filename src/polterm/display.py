"""Stored text as it may reach a terminal: control characters shown, never obeyed.

A name holding `ESC ] 0 ; ... BEL` would retitle the reader's terminal, `ESC [ 5 n` would make
it type an answer; input is refused at the service layer (`services.validate`), and text stored
before that is neutralised here by every face that prints it.
"""

from __future__ import annotations

import re

# C0 (with DEL) and C1 control characters
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
LINE_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # the same but tab and newline


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}"


def visible(text: str, *, lines: bool = False) -> str:
    """`text` with each control character written out as `\\x1b`; `lines` keeps tab and newline."""
    return (LINE_CONTROL if lines else CONTROL).sub(_shown, text)


def one_line(text: str) -> str:
    """Text for a single line (a mail header, a server's reply): controls and runs of white
    space become one space."""
    return " ".join(CONTROL.sub(" ", text).split())


_JSON_RAW = re.compile(r"[\x7f-\x9f]")  # what json.dumps(ensure_ascii=False) leaves unescaped


def json_escaped(document: str) -> str:
    """A JSON document with DEL and C1 characters as `\\u009b` escapes: the same value, but
    nothing a terminal obeys (json.dumps already escapes the C0 ones)."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


# a cell a spreadsheet would take as a formula (OWASP's CSV injection list)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: one starting like a formula gets a `'` before it."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_cell(value: object, *, raw: bool = False, terminal: bool = False) -> object:
    """A CSV cell as written: defused for spreadsheets unless `raw`; controls shown on a tty."""
    if not raw:
        value = spreadsheet_cell(value)
    if terminal and isinstance(value, str):
        value = visible(value)
    return value
