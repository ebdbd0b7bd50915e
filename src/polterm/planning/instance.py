"""What a plan is made of: schools' slot grids, requested meetings, people's availability.

Times are minutes on one event timeline: day index × 1440 + minute of the day, so that
meetings at schools with different slot lengths can be compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DAY = 1440
# Priorities: 1 an open P1471 parent request, 2 unmet 6310 flexible conferences, 3 the rest
PRIORITIES = (1, 2, 3)


@dataclass(frozen=True)
class Grid:
    """One school's slots: their start minutes (event timeline) and the common length."""

    school_id: str
    slot_minutes: int
    starts: tuple[int, ...]  # slot index -> start minute; sorted, breaks left out

    def day(self, slot: int) -> int:
        """The day index a slot lies on."""
        return self.starts[slot] // DAY

    def days(self) -> list[int]:
        """The day indices with slots, in order."""
        return sorted({s // DAY for s in self.starts})

    def contiguous(self, slot: int, length: int) -> bool:
        """Whether `length` slots from `slot` follow each other without a break or day end."""
        last = slot + length - 1
        if last >= len(self.starts):
            return False
        return self.starts[last] - self.starts[slot] == (length - 1) * self.slot_minutes


@dataclass(frozen=True)
class Meeting:
    """One requested meeting: a household meets a teacher about a student."""

    index: int
    household: str
    student_id: str
    staff_id: str
    school_id: str
    priority: int = 3
    length: int = 1  # slots; 2 for a double-length meeting
    language: str | None = None  # an interpreter for this language is needed
    prefer: str | None = None  # "early", "late" or a day index as text
    modality: str = "in-person"
    fixed: int | None = None  # start minute of a booking kept as it is
    fixed_interpreter: str | None = None


@dataclass(frozen=True)
class Interpreter:
    """Someone who interprets one language, available at some times of the event."""

    id: str
    language: str
    available: tuple[tuple[int, int], ...]  # (start, end) minutes


@dataclass
class Instance:
    """Everything a plan must respect."""

    grids: dict[str, Grid]
    meetings: list[Meeting]
    interpreters: dict[str, Interpreter] = field(default_factory=dict)
    staff_busy: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    household_busy: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    student_busy: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    teacher_cap: int | None = None  # per day
    family_gap: int = 0  # minutes between a household's meetings
    travel: int = 15  # minutes between a household's meetings at two schools
    one_day: bool = True  # a household's meetings at one school fall on one day
    day_names: tuple[str, ...] = ()  # day index -> ISO date

    def minutes(self, meeting: Meeting) -> int:
        """A meeting's duration in minutes."""
        return meeting.length * self.grids[meeting.school_id].slot_minutes


@dataclass(frozen=True)
class Placement:
    """Where a meeting went: its first slot on its school's grid and its interpreter."""

    slot: int
    interpreter: str | None = None


@dataclass
class Plan:
    """Placements by meeting index; an unplaced meeting has a reason instead."""

    placed: dict[int, Placement] = field(default_factory=dict)
    reasons: dict[int, str] = field(default_factory=dict)
    hurried: set[str] = field(default_factory=set)  # schools a construction ran out of time on
