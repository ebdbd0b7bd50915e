"""Which languages the district's message templates are written in (no Jinja2 import here:
queuing runs inside every conference write)."""

from __future__ import annotations

LANGUAGES = ("en", "es")


def template_language(wanted: str | None) -> tuple[str, str | None]:
    """The language to write in and, when the district has no templates for the guardian's
    own, that language (the outbox notes it)."""
    code = (wanted or "en").strip().lower()
    base = code.split("-")[0].split("_")[0]
    if base in LANGUAGES:
        return base, None
    return "en", code
