"""The conference kinds P1471 names, and what a conference of each records."""

from __future__ import annotations

from polterm.policy import ConferenceField, ConferenceKind

INITIATORS = ("parent", "teacher", "principal")
GROUP_SIZES = ("individual", "small-group", "large-group")
PLANNINGS = ("advance", "impromptu")
ELEMENTARY = ("elementary",)

FIELDS = (
    ConferenceField("initiated_by", "Initiated by", INITIATORS),
    # Item 4: the elementary principal plans conferences with individuals or groups.
    ConferenceField("group_size", "Group size", GROUP_SIZES, levels=ELEMENTARY),
    # Item 5: some need advance planning and information, others are impromptu.
    ConferenceField("planning", "Planning", PLANNINGS, levels=ELEMENTARY),
    ConferenceField("agenda", "Agenda (advance planning)", levels=ELEMENTARY),
    ConferenceField(
        "information_prepared", "Information prepared (advance planning)", levels=ELEMENTARY
    ),
)

KINDS = (
    ConferenceKind(
        "parent-teacher",
        "Parent-teacher conference",
        FIELDS,
        "A parent and the student's teacher; at elementary schools it supplements the "
        "Progress Report (P1471 item 6).",
    ),
    ConferenceKind(
        "parent-student-teacher",
        "Parent-student-teacher conference",
        FIELDS,
        "A parent, the student and the teacher together.",
    ),
    ConferenceKind(
        "parent-principal",
        "Parent-principal conference",
        FIELDS,
        "Often parent-initiated to solve a particular problem (P1471 item 3).",
    ),
)
