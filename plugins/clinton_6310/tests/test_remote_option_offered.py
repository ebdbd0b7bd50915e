"""remote-option-offered: § A's option of attending by telephone, video or another platform."""

from __future__ import annotations

from datetime import date

import pytest

import polterm_clinton_6310
from polterm.policy import ConferenceDraft, RuleContext
from polterm.testing import District

RULE = "remote-option-offered"


@pytest.mark.parametrize("kind", ["flexible", "remote-learning"])
def test_remote_option_offered_in_person_without_offer_warns(district: District, kind) -> None:
    s = district.student()
    cid = district.conference(s, kind, "2025-10-01", status="scheduled")
    [f] = district.check("2025-09-15", rule=RULE)
    assert (f.status, f.conference_id, f.student_id, f.due) == ("warning", cid, s, None)
    assert f.citation.startswith("Policy 6310 § A")


@pytest.mark.parametrize(
    "fields",
    [{"remote_offered": 1}, {"modality": "phone"}, {"modality": "video"}, {"modality": "other"}],
)
def test_remote_option_offered_offer_or_remote_modality_is_satisfied(
    district: District, fields
) -> None:
    district.conference(district.student(), "flexible", "2025-10-01", **fields)
    assert district.check("2025-11-01", rule=RULE) == []


def test_remote_option_offered_cancelled_counts_only_while_dated_later(district: District) -> None:
    district.conference(district.student(), "flexible", "2025-10-01", status="cancelled")
    assert district.check("2025-11-01", rule=RULE) == []
    assert len(district.check("2025-09-01", rule=RULE)) == 1  # exists then only as scheduled


def test_remote_option_offered_other_kinds_are_not_checked(district: District) -> None:
    district.conference(district.student(), "parent-teacher", "2025-10-01")
    assert district.check("2025-11-01", rule=RULE) == []


def _ctx(district: District) -> RuleContext:
    return RuleContext(db=district.db, as_of=date(2025, 10, 1), policy=polterm_clinton_6310.POLICY)


def test_remote_option_offered_live_warning_on_a_draft(district: District) -> None:
    draft = ConferenceDraft(student_id="stu1", kind="remote-learning", at="2025-10-02T15:00")
    [f] = polterm_clinton_6310.polterm_conference_warnings(draft, _ctx(district))
    assert (f.rule, f.status, f.policy) == (RULE, "warning", "clinton_6310")


def test_remote_option_offered_no_live_warning_for_a_video_draft(district: District) -> None:
    draft = ConferenceDraft(
        student_id="stu1", kind="flexible", at="2025-10-02T15:00", modality="video"
    )
    assert polterm_clinton_6310.polterm_conference_warnings(draft, _ctx(district)) == []
