"""arrange-parent-request: a request taken by the office is arranged within 5 days (item 1)."""

from __future__ import annotations

from polterm.testing import District

RULE = "arrange-parent-request"


def _request(d: District, taken: str = "2025-10-01") -> tuple[str, str]:
    school = d.school()
    student = d.student(school=school)
    d.add(
        "parent_request",
        id="r1",
        student_id=student,
        requested_on=taken,
        with_whom="principal",
        topic="homework",
        caller="the mother",
    )
    return school, student


def test_arrange_parent_request_open_on_day_5_is_due(district: District) -> None:
    school, student = _request(district)
    [finding] = district.check("2025-10-06", rule=RULE)
    assert (finding.status, finding.due) == ("due", "2025-10-06")
    assert (finding.student_id, finding.school_id) == (student, school)
    assert "r1" in finding.message and "5 days" in finding.message
    assert finding.citation.startswith("Board Policy P1471, item 1")


def test_arrange_parent_request_open_on_day_6_is_overdue(district: District) -> None:
    _request(district)
    [finding] = district.check("2025-10-07", rule=RULE)
    assert (finding.status, finding.due) == ("overdue", "2025-10-06")


def test_arrange_parent_request_closed_by_a_linked_conference(district: District) -> None:
    _, student = _request(district)
    district.conference(
        student, "parent-principal", "2025-10-20", status="scheduled", request_id="r1"
    )
    assert district.check("2025-10-30", rule=RULE) == []


def test_arrange_parent_request_a_conference_not_linked_does_not_close_it(
    district: District,
) -> None:
    _, student = _request(district)
    district.conference(student, "parent-principal", "2025-10-03")
    assert [f.status for f in district.check("2025-10-30", rule=RULE)] == ["overdue"]


def test_arrange_parent_request_taken_after_the_as_of_date_does_not_count(
    district: District,
) -> None:
    _request(district, taken="2025-10-01")
    assert district.check("2025-09-30", rule=RULE) == []


def test_arrange_parent_request_setting_changes_the_deadline(district: District) -> None:
    _request(district)
    district.setting("p1471", RULE, "arrange_within_days", 2)
    [finding] = district.check("2025-10-04", rule=RULE)
    assert (finding.status, finding.due) == ("overdue", "2025-10-03")
