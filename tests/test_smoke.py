"""The skeleton holds: a district can be created and a small one evaluated."""

from polterm.testing import District


def test_an_empty_district_has_no_findings():
    assert District().check("2025-10-01") == []
