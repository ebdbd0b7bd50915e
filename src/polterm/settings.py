"""Rule settings' types, so a value that does not fit is refused when set, not met as a crash.

A setting's type comes from its default (int, bool, date, month-day, text) or from a
`Setting` declaring it, with choices or a range. `parse` reads what `config set` is given;
`checked` tells whether a stored value still fits, naming the setting when it does not.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from polterm.errors import PoltermError

TYPES = ("int", "number", "bool", "date", "month-day", "text")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH_DAY = re.compile(r"(\d{2})-(\d{2})")
_TRUE, _FALSE = ("true", "yes", "on", "1"), ("false", "no", "off", "0")
_SAYS = {
    "int": "a whole number",
    "number": "a number",
    "bool": "true or false",
    "date": "a date YYYY-MM-DD",
    "month-day": "a month-day MM-DD",
    "text": "text",
}


@dataclass(frozen=True)
class Setting:
    """A rule setting declared with its type (else the default's), choices or a range."""

    default: Any
    type: str | None = None
    choices: tuple[Any, ...] = ()
    min: Any = None
    max: Any = None
    help: str = ""

    def __post_init__(self) -> None:
        if self.type is not None and self.type not in TYPES:
            raise ValueError(f"setting type {self.type!r} is not one of {', '.join(TYPES)}")

    @property
    def kind(self) -> str:
        """The declared type, else the one the default has."""
        return self.type or type_of(self.default)

    def describe(self) -> str:
        """What a value must be, in words, for errors and the Policies screen."""
        if self.choices:
            return "one of " + ", ".join(map(str, self.choices))
        bounds = []
        if self.min is not None:
            bounds.append(f"at least {self.min}")
        if self.max is not None:
            bounds.append(f"at most {self.max}")
        return " ".join([_SAYS[self.kind], *bounds])


class SettingError(PoltermError):
    """A setting's value does not fit its type: a user's input or a stored value."""


def declared(value: Any) -> Setting:
    """A rule's `settings` entry as a `Setting` (a plain default declares its type)."""
    return value if isinstance(value, Setting) else Setting(value)


def defaults(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The default value of each setting."""
    return {key: declared(value).default for key, value in settings.items()}


def type_of(default: Any) -> str:
    """The type a default value gives its setting."""
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, int):
        return "int"
    if isinstance(default, float):
        return "number"
    if isinstance(default, str) and _DATE.fullmatch(default) and _is_date(default):
        return "date"
    if isinstance(default, str) and _MONTH_DAY.fullmatch(default) and _is_month_day(default):
        return "month-day"
    return "text"


def parse(setting: Setting, key: str, text: str) -> Any:
    """The value `config set` was given as text, of the setting's type, or SettingError."""
    raw = text.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        with contextlib.suppress(ValueError):
            raw = json.loads(raw)  # JSON-quoted, as earlier versions asked
    value: Any = raw
    kind = setting.kind
    if kind == "int" and re.fullmatch(r"[+-]?\d+", raw):
        value = int(raw)
    elif kind == "number" and re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", raw):
        value = float(raw)
    elif kind == "bool" and raw.lower() in _TRUE + _FALSE:
        value = raw.lower() in _TRUE
    return checked(setting, key, value, given=text)


def checked(setting: Setting, key: str, value: Any, *, given: Any = None) -> Any:
    """The value if it fits the setting; else SettingError naming the setting and the value."""
    shown = json.dumps(value) if given is None else repr(given)
    kind = setting.kind
    fits = {
        "int": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "date": isinstance(value, str) and bool(_DATE.fullmatch(value)) and _is_date(value),
        "month-day": isinstance(value, str)
        and bool(_MONTH_DAY.fullmatch(value))
        and _is_month_day(value),
        "text": isinstance(value, str),
    }[kind]
    if fits and setting.choices:
        fits = value in setting.choices
    if fits and setting.min is not None:
        fits = value >= setting.min
    if fits and setting.max is not None:
        fits = value <= setting.max
    if not fits:
        raise SettingError(f"setting {key} = {shown} does not fit: it must be {setting.describe()}")
    return value


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_month_day(text: str) -> bool:
    return _is_date(f"2000-{text}")  # a leap year: 02-29 is a month-day
