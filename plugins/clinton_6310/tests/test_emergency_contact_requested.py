"""emergency-contact-requested: § C, each parent is asked for an emergency contact person."""

from __future__ import annotations

from polterm.testing import District

RULE = "emergency-contact-requested"


def test_emergency_contact_requested_missing_is_due_without_date(district: District) -> None:
    s = district.student()
    [f] = district.check("2025-10-01", rule=RULE)
    assert (f.status, f.due, f.student_id) == ("due", None, s)
    assert f.citation.startswith("Policy 6310 § C")


def test_emergency_contact_requested_contact_on_file_is_satisfied(district: District) -> None:
    district.emergency_contact(district.student(), set_on="2025-09-01")
    assert district.check("2025-10-01", rule=RULE) == []


def test_emergency_contact_requested_asking_the_parent_is_satisfied(district: District) -> None:
    district.emergency_contact(
        district.student(), name=None, phone=None, set_on=None, requested_on="2025-09-01"
    )
    assert district.check("2025-10-01", rule=RULE) == []


def test_emergency_contact_requested_records_dated_after_as_of_do_not_count(
    district: District,
) -> None:
    district.emergency_contact(district.student(), set_on="2025-10-02")
    district.emergency_contact(
        district.student(), name=None, phone=None, set_on=None, requested_on="2025-10-02"
    )
    assert len(district.check("2025-10-01", rule=RULE)) == 2
    assert district.check("2025-10-02", rule=RULE) == []


def test_emergency_contact_requested_inactive_student_is_not_asked(district: District) -> None:
    district.student(active=False)
    assert district.check("2025-10-01", rule=RULE) == []
