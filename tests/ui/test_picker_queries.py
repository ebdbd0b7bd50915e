"""The pickers' queries: paged, searchable by any word of a name, and within the actor's reach."""

from __future__ import annotations

import pytest

from polterm.errors import PermissionDenied
from polterm.services.session import Actor, Session
from polterm.services.views import guardian_page, staff_page


def as_(session: Session, actor: Actor) -> Session:
    return Session(session.db, actor, session.registry)


TEACHER = Actor("t1", "Terry Teach", "teacher", "north", "terry")
SOUTH_PRINCIPAL = Actor("p9", "Sue South", "principal", "south", "sue")


@pytest.fixture
def district(session: Session) -> Session:
    """The UI district plus a principal at each school and a guardian of South's student."""
    db = session.db
    db["staff"].insert_all(
        [
            {
                "id": "p1",
                "name": "Pam Principal",
                "role": "principal",
                "school_id": "north",
                "active": 1,
            },
            {
                "id": "p9",
                "name": "Sue South",
                "role": "principal",
                "school_id": "south",
                "active": 1,
            },
            {
                "id": "gone",
                "name": "Pat Gone",
                "role": "teacher",
                "school_id": "north",
                "active": 0,
            },
        ]
    )
    db["guardian"].insert({"id": "G5", "name": "Parent Liskov"})
    db["guardianship"].insert({"student_id": "S5", "guardian_id": "G5"})
    return session


def ids(rows: list[dict]) -> list[str]:
    return [r["id"] for r in rows]


def test_staff_by_any_word_of_the_name_or_id_active_only(district: Session) -> None:
    assert ids(staff_page(district, "", school_id="north")) == ["p1", "t1"]
    assert ids(staff_page(district, "teach", school_id="north")) == ["t1"]
    assert ids(staff_page(district, "p1")) == ["p1"]
    assert ids(staff_page(district, "", roles=("principal",))) == ["p1", "p9"]


def test_staff_pages_in_a_stable_order(district: Session) -> None:
    first, second = (staff_page(district, "", offset=n, limit=2) for n in (0, 2))
    assert ids(first) + ids(second) == ids(staff_page(district, "", limit=10))


def test_a_teacher_lists_their_school_only_and_is_refused_another(district: Session) -> None:
    teacher = as_(district, TEACHER)
    assert ids(staff_page(teacher, "")) == ["p1", "t1"]
    with pytest.raises(PermissionDenied):
        staff_page(teacher, "", school_id="south")


def test_a_principal_lists_their_school(district: Session) -> None:
    assert ids(staff_page(as_(district, SOUTH_PRINCIPAL), "", roles=("principal",))) == ["p9"]


def test_guardians_own_first_then_other_families_once_something_is_typed(
    district: Session,
) -> None:
    assert [(r["id"], r["own"]) for r in guardian_page(district, "S1")] == [("G1", 1)]
    found = [(r["id"], r["own"]) for r in guardian_page(district, "S1", "parent")]
    assert found[0] == ("G1", 1)
    assert sorted(found[1:]) == [("G2", 0), ("G3", 0), ("G4", 0), ("G5", 0)]
    assert ids(guardian_page(district, "S1", "lov")) == ["G1"]  # a later word of the name


def test_guardians_page_across_own_and_other_families(district: Session) -> None:
    whole = ids(guardian_page(district, "S1", "parent", limit=10))
    pages = [ids(guardian_page(district, "S1", "parent", offset=n, limit=2)) for n in (0, 2, 4)]
    assert [g for page in pages for g in page] == whole


def test_a_teacher_sees_other_families_of_their_class_only(district: Session) -> None:
    teacher = as_(district, TEACHER)
    assert "G5" not in ids(guardian_page(teacher, "S1", "parent"))
    with pytest.raises(PermissionDenied):
        guardian_page(teacher, "S5")
