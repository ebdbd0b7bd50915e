"""A district with no schools yet, for imports."""

from __future__ import annotations

import pytest

from tests.conftest import Polterm


@pytest.fixture
def generated(fresh: Polterm) -> Polterm:
    """An initialised, empty district (clinton_6310) that a generated roster fills."""
    assert fresh("init", "--district", "Gen", "--policy", "clinton_6310").code == 0
    return fresh
