"""A district with P1471 on, for every test of the plugin."""

from __future__ import annotations

import pytest

import polterm_p1471
from polterm.testing import District


@pytest.fixture
def district() -> District:
    return District(policies=["p1471"], plugins=[polterm_p1471])
