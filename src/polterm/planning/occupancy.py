"""Who is busy when, as a plan is built: the one feasibility test both constructions share."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import defaultdict

from polterm.planning.instance import DAY, Instance, Meeting, Placement


class Timeline:
    """Disjoint busy intervals of one person, kept sorted."""

    def __init__(self, intervals: list[tuple[int, int]] = ()) -> None:  # type: ignore[assignment]
        self.intervals: list[tuple[int, int]] = sorted(intervals)

    def free(self, start: int, end: int) -> bool:
        """Whether [start, end) meets no busy interval."""
        i = bisect_left(self.intervals, (start, start))
        if i < len(self.intervals) and self.intervals[i][0] < end:
            return False
        return not (i > 0 and self.intervals[i - 1][1] > start)

    def add(self, start: int, end: int) -> None:
        insort(self.intervals, (start, end))


class Occupancy:
    """Teachers', households', students' and interpreters' time as meetings are booked.

    A student of separated parents is discussed with each household on its own, never at
    the same time (one conference per student at a time).
    """

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.staff: dict[str, Timeline] = defaultdict(Timeline)
        self.households: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        self.interpreters: dict[str, Timeline] = defaultdict(Timeline)
        self.per_day: dict[tuple[str, int], int] = defaultdict(int)
        self.day_of: dict[tuple[str, str], int] = {}  # (household, school) -> day index
        for staff_id, intervals in instance.staff_busy.items():
            self.staff[staff_id] = Timeline(list(intervals))
        self.students: dict[str, Timeline] = defaultdict(Timeline)
        for student_id, intervals in instance.student_busy.items():
            self.students[student_id] = Timeline(list(intervals))
        for household, intervals in instance.household_busy.items():
            self.households[household] = [(s, e, "") for s, e in intervals]
        self.languages: dict[str, list[str]] = defaultdict(list)
        self._available: dict[tuple[str, int, int], list[str]] = {}
        for interpreter in instance.interpreters.values():
            self.languages[interpreter.language].append(interpreter.id)

    def span(self, meeting: Meeting, slot: int) -> tuple[int, int]:
        """The minutes a meeting placed at `slot` takes."""
        start = self.instance.grids[meeting.school_id].starts[slot]
        return start, start + self.instance.minutes(meeting)

    def household_free(self, meeting: Meeting, start: int, end: int) -> bool:
        """Free, with the gap after meetings at the same school and travel between schools."""
        inst = self.instance
        for s, e, school in self.households[meeting.household]:
            apart = (
                inst.family_gap
                if school in ("", meeting.school_id)
                else max(inst.travel, inst.family_gap)
            )
            if start < e + apart and s < end + apart:
                return False
        return True

    def fits(self, meeting: Meeting, slot: int) -> str | None:
        """Why a meeting cannot start at `slot` (None when it can, interpreter aside)."""
        grid = self.instance.grids[meeting.school_id]
        if not grid.contiguous(slot, meeting.length):
            return "no room in the day"
        start, end = self.span(meeting, slot)
        day = start // DAY
        if (
            self.instance.one_day
            and self.day_of.get((meeting.household, meeting.school_id), day) != day
        ):
            return "another day"
        cap = self.instance.teacher_cap
        if not self.staff[meeting.staff_id].free(start, end) or (
            cap is not None and self.per_day[(meeting.staff_id, day)] >= cap
        ):
            return "teacher full"
        if not self.household_free(meeting, start, end) or not self.students[
            meeting.student_id
        ].free(start, end):
            return "family busy"
        return None

    def interpreter_for(self, meeting: Meeting, slot: int) -> str | None:
        """An interpreter of the meeting's language free for all of it."""
        start, end = self.span(meeting, slot)
        for interpreter_id in self.available(meeting.language or "", start, end):
            if self.interpreters[interpreter_id].free(start, end):
                return interpreter_id
        return None

    def available(self, language: str, start: int, end: int) -> list[str]:
        """The interpreters of a language whose availability covers [start, end), in the
        order they are offered (worked out once per time: availability does not change)."""
        key = (language, start, end)
        if key not in self._available:
            self._available[key] = [
                i
                for i in self.languages.get(language, [])
                if any(a <= start and end <= b for a, b in self.instance.interpreters[i].available)
            ]
        return self._available[key]

    def place(self, meeting: Meeting, slot: int) -> Placement | None:
        """Book the meeting at `slot` if it fits (with an interpreter when it needs one)."""
        if self.fits(meeting, slot) is not None:
            return None
        interpreter = None
        if meeting.language is not None:
            interpreter = self.interpreter_for(meeting, slot)
            if interpreter is None:
                return None
        self.book(meeting, slot, interpreter)
        return Placement(slot, interpreter)

    def book(self, meeting: Meeting, slot: int, interpreter: str | None) -> None:
        """Record a meeting as booked, without asking whether it fits."""
        start, end = self.span(meeting, slot)
        self.staff[meeting.staff_id].add(start, end)
        self.students[meeting.student_id].add(start, end)
        self.households[meeting.household].append((start, end, meeting.school_id))
        self.per_day[(meeting.staff_id, start // DAY)] += 1
        self.day_of.setdefault((meeting.household, meeting.school_id), start // DAY)
        if interpreter is not None:
            self.interpreters[interpreter].add(start, end)

    def unbook(self, meeting: Meeting, placement: Placement) -> None:
        """Undo `book` (a family's visits to several schools are tried together)."""
        start, end = self.span(meeting, placement.slot)
        self.staff[meeting.staff_id].intervals.remove((start, end))
        self.students[meeting.student_id].intervals.remove((start, end))
        self.households[meeting.household].remove((start, end, meeting.school_id))
        self.per_day[(meeting.staff_id, start // DAY)] -= 1
        if not any(s == meeting.school_id for *_, s in self.households[meeting.household]):
            self.day_of.pop((meeting.household, meeting.school_id), None)
        if placement.interpreter is not None:
            self.interpreters[placement.interpreter].intervals.remove((start, end))
