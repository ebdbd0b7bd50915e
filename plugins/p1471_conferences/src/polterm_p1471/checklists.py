"""The steps P1471 asks of a principal, for the UI to show and store with the conference."""

from __future__ import annotations

from polterm.policy import Checklist, ChecklistItem, ConferenceDraft


def parent_initiated_with_principal(conference: ConferenceDraft) -> bool:
    """Item 3 speaks of parent-initiated conferences with the principal."""
    return conference.kind == "parent-principal" and conference.initiated_by == "parent"


def advance_planned_elementary(conference: ConferenceDraft) -> bool:
    """Item 5: elementary conferences that need advance planning and information."""
    return conference.school_level == "elementary" and conference.planning == "advance"


CONDUCT = Checklist(
    id="p1471-conduct",
    title="Conditions for solving the problem (P1471 item 3)",
    items=(
        ChecklistItem(
            "3a",
            "The parent is accompanied by those the parent asked to attend, "
            "within a reasonable number",
        ),
        ChecklistItem("3b", "Active listening by all conferees"),
        ChecklistItem("3c", "Sufficient dialogue to define the problem and examine solutions"),
        ChecklistItem("3d", "A comfortable setting with minimal interruptions"),
        ChecklistItem("3e", "Full support of parent, school and student for the plan of action"),
    ),
    stage="conduct",
    applies=parent_initiated_with_principal,
    citation="Board Policy P1471, items 3a-3e",
)

BEFORE = Checklist(
    id="p1471-advance-planning",
    title="Advance planning (P1471 item 5)",
    items=(
        ChecklistItem("agenda", "The agenda is set"),
        ChecklistItem("information", "The information the conference needs is prepared"),
    ),
    stage="before",
    applies=advance_planned_elementary,
    citation="Board Policy P1471, item 5",
)

CHECKLISTS = (BEFORE, CONDUCT)
