"""A district with Clinton 6310 on, for every test of the plugin."""

from __future__ import annotations

import pytest

import polterm_clinton_6310
from polterm.testing import District


def clinton() -> District:
    return District(policies=["clinton_6310"], plugins=[polterm_clinton_6310])


@pytest.fixture
def district() -> District:
    return clinton()
