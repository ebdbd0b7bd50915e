"""resource-document: the Department of Education document given before a § B conference."""

from __future__ import annotations

import polterm_clinton_6310
from polterm.testing import District

RULE = "resource-document"
YEARS = [("2021-2022", "2021-08-30", "2022-06-15"), ("2025-2026", "2025-08-27", "2026-06-12")]


def _district() -> District:
    return District(policies=["clinton_6310"], plugins=[polterm_clinton_6310], years=YEARS)


def test_resource_document_conference_on_2021_12_31_is_never_flagged() -> None:
    d = _district()
    d.conference(d.student(), "remote-learning", "2021-12-31")
    assert d.check("2022-02-01", rule=RULE) == []


def test_resource_document_conference_on_2022_01_01_without_it_is_overdue() -> None:
    d = _district()
    s = d.student()
    cid = d.conference(s, "remote-learning", "2022-01-01")
    [f] = d.check("2022-02-01", rule=RULE)
    assert (f.status, f.due, f.conference_id, f.student_id) == ("overdue", "2022-01-01", cid, s)


def test_resource_document_rule_not_in_force_before_2022() -> None:
    d = _district()
    d.conference(d.student(), "remote-learning", "2022-01-05", status="scheduled")
    assert d.check("2021-12-31", rule=RULE) == []
    assert [f.status for f in d.check("2022-01-01", rule=RULE)] == ["due"]


def test_resource_document_given_on_or_before_the_conference_is_satisfied(
    district: District,
) -> None:
    s = district.student()
    before = district.conference(s, "remote-learning", "2025-10-01")
    same_day = district.conference(s, "remote-learning", "2025-11-01")
    district.add("resource_document", conference_id=before, provided_on="2025-09-20")
    district.add("resource_document", conference_id=same_day, provided_on="2025-11-01")
    assert district.check("2025-12-01", rule=RULE) == []


def test_resource_document_given_after_the_conference_does_not_count(district: District) -> None:
    s = district.student()
    cid = district.conference(s, "remote-learning", "2025-10-01")
    district.add("resource_document", conference_id=cid, provided_on="2025-10-02")
    assert [f.status for f in district.check("2025-12-01", rule=RULE)] == ["overdue"]


def test_resource_document_ahead_is_due_on_the_conference_date(district: District) -> None:
    s = district.student()
    district.conference(s, "remote-learning", "2025-10-10", status="scheduled")
    [f] = district.check("2025-10-01", rule=RULE)
    assert (f.status, f.due) == ("due", "2025-10-10")
    assert [f.status for f in district.check("2025-10-10", rule=RULE)] == ["due"]
    assert [f.status for f in district.check("2025-10-11", rule=RULE)] == ["overdue"]


def test_resource_document_held_today_without_it_is_overdue(district: District) -> None:
    district.conference(district.student(), "remote-learning", "2025-10-10")
    assert [f.status for f in district.check("2025-10-10", rule=RULE)] == ["overdue"]


def test_resource_document_given_after_as_of_does_not_count_yet(district: District) -> None:
    cid = district.conference(
        district.student(), "remote-learning", "2025-10-10", status="scheduled"
    )
    district.add("resource_document", conference_id=cid, provided_on="2025-10-05")
    assert [f.status for f in district.check("2025-10-01", rule=RULE)] == ["due"]
    assert district.check("2025-10-05", rule=RULE) == []


def test_resource_document_cancelled_or_flexible_conferences_need_none(district: District) -> None:
    s = district.student()
    district.conference(s, "remote-learning", "2025-10-01", status="cancelled")
    district.conference(s, "flexible", "2025-10-02")
    assert district.check("2025-12-01", rule=RULE) == []
