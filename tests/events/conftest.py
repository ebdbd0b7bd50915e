"""The small event every CLI test of conference days starts from."""

from __future__ import annotations

import pytest

SETUP = [
    ["staff", "add", "--id", "h1", "--name", "Hal High", "--role", "teacher", "--school", "pine"],
    ["section", "add", "--id", "bio", "--school", "pine", "--title", "Biology", "--teacher", "h1"],
    ["enroll", "--section", "bio", "--student", "s2"],
    ["guardian", "add", "--id", "g2", "--student", "s2", "--name", "Kim Chen"],
    ["event", "add", "--id", "fall", "--name", "Fall conferences", "--kind", "flexible",
     "--school", "oak", "--school", "pine", "--day", "2025-11-10:16:00-18:00",
     "--break", "17:00-17:20"],
    ["interpreter", "add", "--id", "i1", "--name", "Ida Int", "--language", "es"],
    ["interpreter", "available", "--id", "i1", "--event", "fall", "--day", "2025-11-10",
     "--from", "16:00", "--to", "18:00"],
    ["event", "unavailable", "--event", "fall", "--staff", "h1", "--day", "2025-11-10",
     "--from", "16:00", "--to", "16:30"],
    ["event", "request", "--event", "fall", "--student", "s2", "--prefer", "late"],
]  # fmt: skip


@pytest.fixture
def planned(district):
    """The seeded district with a two-school evening event, an interpreter and a request."""
    for args in SETUP:
        result = district(*args)
        assert result.code == 0, (args, result.err)
    return district
