"""The steps Policy 6310 asks of a teacher and a principal, for the UI to show."""

from __future__ import annotations

from polterm.policy import Checklist, ChecklistItem, ConferenceDraft
from polterm_clinton_6310.info import (
    REMOTE_LEARNING,
    RESOURCE_DOCUMENT,
    SECTION_C,
    THREE_ATTEMPTS,
    WELFARE_CHECK,
)


def remote_learning(conference: ConferenceDraft) -> bool:
    """The resource document and emergency contact concern § B's remote-learning conferences."""
    return conference.kind == REMOTE_LEARNING


BEFORE_REMOTE_LEARNING = Checklist(
    id="clinton-6310-before-remote-learning",
    title="Before a remote-learning conference (Policy 6310 § B, § C)",
    items=(
        ChecklistItem(
            "resource-document",
            "The Department of Education resource document (educational, safety, mental "
            "health and food insecurity resources) was given to the parent",
        ),
        ChecklistItem("emergency-contact", "An emergency contact for the student is on file"),
    ),
    stage="before",
    applies=remote_learning,
    citation=f"{RESOURCE_DOCUMENT}; {SECTION_C}",
)

ESCALATION = Checklist(
    id="clinton-6310-escalation",
    title="When the parent cannot be reached (Policy 6310)",
    items=(
        ChecklistItem(
            "attempts", "Three attempts to reach the parent to schedule the conference are logged"
        ),
        ChecklistItem(
            "report",
            "The teacher reported the inability to reach the parent to the principal or designee",
        ),
        ChecklistItem(
            "emergency-contact",
            "The principal or designee contacted the emergency contact to ascertain the "
            "student's and family's health and safety",
        ),
        ChecklistItem("outcome", "The welfare-check outcome is recorded"),
    ),
    stage="escalation",
    citation=f"{THREE_ATTEMPTS}; {WELFARE_CHECK}",
)

CHECKLISTS = (BEFORE_REMOTE_LEARNING, ESCALATION)
