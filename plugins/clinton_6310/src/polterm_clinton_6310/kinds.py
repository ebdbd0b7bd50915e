"""The conference kinds Policy 6310 defines."""

from __future__ import annotations

from polterm.policy import ConferenceKind
from polterm_clinton_6310.info import FLEXIBLE, REMOTE_LEARNING

KINDS = (
    ConferenceKind(
        FLEXIBLE,
        "Flexible parent-teacher conference",
        description="One of the two flexible parent-teacher conferences of each school year.",
    ),
    ConferenceKind(
        REMOTE_LEARNING,
        "Remote-learning parent-teacher conference",
        description="The extra conference of § B while the district provides remote learning "
        "for more than three consecutive weeks, and every six months thereafter.",
    ),
)
