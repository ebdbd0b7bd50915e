"""What the UI shows: P1471's conference kinds, their fields, and the 3a-3e checklist."""

from __future__ import annotations

import polterm_p1471
from polterm.policy import ConferenceDraft
from polterm.testing import District


def _loaded(district: District):
    return district.registry().policies["p1471"]


def test_the_three_kinds_record_initiator_everywhere_and_elementary_planning(
    district: District,
) -> None:
    kinds = _loaded(district).kinds
    assert list(kinds) == ["parent-teacher", "parent-student-teacher", "parent-principal"]
    fields = {f.name: f for f in kinds["parent-principal"].fields}
    assert fields["initiated_by"].choices == ("parent", "teacher", "principal")
    assert fields["initiated_by"].levels == ("elementary", "middle", "high")
    assert fields["group_size"].choices == ("individual", "small-group", "large-group")
    assert fields["planning"].choices == ("advance", "impromptu")
    for name in ("group_size", "planning", "agenda", "information_prepared"):
        assert fields[name].levels == ("elementary",)


def _draft(**fields) -> ConferenceDraft:
    return ConferenceDraft(student_id="s1", at="2025-10-01T15:00", **fields)


def test_conduct_checklist_3a_to_3e_applies_to_parent_initiated_principal_conferences(
    district: District,
) -> None:
    [conduct] = [c for c in _loaded(district).checklists if c.stage == "conduct"]
    assert [item.id for item in conduct.items] == ["3a", "3b", "3c", "3d", "3e"]
    assert conduct.applies_to(_draft(kind="parent-principal", initiated_by="parent"))
    assert not conduct.applies_to(_draft(kind="parent-principal", initiated_by="principal"))
    assert not conduct.applies_to(_draft(kind="parent-teacher", initiated_by="parent"))


def test_before_checklist_applies_to_advance_planned_elementary_conferences(
    district: District,
) -> None:
    [before] = [c for c in _loaded(district).checklists if c.stage == "before"]
    assert [item.id for item in before.items] == ["agenda", "information"]
    planned = {"kind": "parent-teacher", "planning": "advance"}
    assert before.applies_to(_draft(school_level="elementary", **planned))
    assert not before.applies_to(_draft(school_level="middle", **planned))
    assert not before.applies_to(
        _draft(kind="parent-teacher", planning="impromptu", school_level="elementary")
    )


QUOTED = {
    "arrange-parent-request": "Principals shall assist in arranging parent-initiated conferences",
    "conference-size": "the total number in the conference should be kept at a reasonable level",
    "patron-privacy": "it necessary to exclude another patron of that school as a participant",
    "problem-resolution-record": "Attempting to gain full support by parent, school, and student",
    "progress-report-not-replaced": "it does not replace the report form except when approved",
}


def test_every_rule_quotes_the_sentence_it_implements_and_cites_its_item() -> None:
    assert [rule.id for rule in polterm_p1471.RULES] == list(QUOTED)
    for rule in polterm_p1471.RULES:
        assert rule.citation.startswith("Board Policy P1471, item"), rule.id
        assert QUOTED[rule.id] in " ".join(rule.sentence.split()), rule.id
