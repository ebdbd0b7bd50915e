"""problem-resolution-record: a held parent-initiated principal conference records 3c and 3e."""

from __future__ import annotations

from polterm.testing import District

RULE = "problem-resolution-record"
COMPLETE = {
    "problem": "Late homework",
    "solutions": "Planner; homework club",
    "plan": "Homework club twice a week",
    "support": "parent,school,student",
}


def _held(d: District, **fields) -> int:
    fields.setdefault("initiated_by", "parent")
    return d.conference(d.student(), "parent-principal", "2025-10-01", **fields)


def test_problem_resolution_record_complete_is_satisfied(district: District) -> None:
    _held(district, **COMPLETE)
    assert district.check("2025-10-02", rule=RULE) == []


def test_problem_resolution_record_lists_what_is_missing(district: District) -> None:
    cid = _held(district, **{**COMPLETE, "plan": " ", "support": "parent"})
    [finding] = district.check("2025-10-02", rule=RULE)
    assert (finding.status, finding.conference_id) == ("warning", cid)
    assert "the plan of action" in finding.message
    assert "support of the school and student" in finding.message
    assert "problem" not in finding.message


def test_problem_resolution_record_empty_record_names_everything(district: District) -> None:
    _held(district)
    [finding] = district.check("2025-10-02", rule=RULE)
    for part in ("problem", "solutions", "plan", "parent, school and student"):
        assert part in finding.message


def test_problem_resolution_record_only_held_parent_initiated_conferences(
    district: District,
) -> None:
    _held(district, status="scheduled")
    _held(district, initiated_by="principal")
    district.conference(district.student(), "parent-teacher", "2025-10-01", initiated_by="parent")
    assert district.check("2025-10-02", rule=RULE) == []


def test_problem_resolution_record_held_later_than_as_of_is_not_yet_held(
    district: District,
) -> None:
    _held(district)
    assert district.check("2025-09-30", rule=RULE) == []
