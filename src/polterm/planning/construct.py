"""Two constructions on the same feasibility test: families' visits as blocks, and FCFS.

The block construction takes the hardest families first (open parent requests, interpreter
needs, many meetings) and gives each its meetings at a school as one block of consecutive
slots: the family's teachers are matched to the slots of a window by bipartite matching
(augmenting paths), the window widened only when nothing fits. First come, first served
takes families in a random order, each meeting in turn at its earliest feasible slot, as
booking sites give them.
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import cache
from itertools import islice

from polterm.planning.instance import DAY, Instance, Meeting, Placement, Plan
from polterm.planning.occupancy import Occupancy

WIDEN = 8  # slots a block's window may grow by before the day is filled meeting by meeting
TOLERANCES = (0, 20, 45)  # idle minutes allowed between a family's visits to two schools
# a family with children at several schools: blocks tried at its first school, and at each
# other school next to each of those; fewer when the clock would not allow all families more
THOROUGH = (20, 20)
QUICK = (10, 4)


def start(instance: Instance) -> tuple[Occupancy, Plan]:
    """An occupancy with every kept booking in it, and the plan holding those bookings."""
    occupancy, plan = Occupancy(instance), Plan()
    for meeting in instance.meetings:
        if meeting.fixed is not None:
            slot = instance.grids[meeting.school_id].starts.index(meeting.fixed)
            occupancy.book(meeting, slot, meeting.fixed_interpreter)
            plan.placed[meeting.index] = Placement(slot, meeting.fixed_interpreter)
    return occupancy, plan


def households(instance: Instance) -> dict[str, list[Meeting]]:
    """Each household's meetings still to place, in request order."""
    out: dict[str, list[Meeting]] = defaultdict(list)
    for meeting in instance.meetings:
        if meeting.fixed is None:
            out[meeting.household].append(meeting)
    return out


def first_come(instance: Instance, seed: int) -> Plan:
    """Families in a random order each take the earliest feasible slot for each meeting."""
    occupancy, plan = start(instance)
    families = households(instance)
    order = sorted(families)
    random.Random(seed).shuffle(order)
    teacher_free: dict[tuple[str, str], int] = defaultdict(int)
    for household in order:
        for meeting in families[household]:
            earliest(occupancy, meeting, plan, teacher_free)
    return plan


def earliest(
    occupancy: Occupancy, meeting: Meeting, plan: Plan, teacher_free: dict[tuple[str, str], int]
) -> None:
    """Book a meeting at its earliest feasible slot, or note why it has none.

    `teacher_free` holds, per teacher and school, the first slot the teacher is not booked at:
    while bookings are only added, the slots before it are never worth trying again."""
    grid = occupancy.instance.grids[meeting.school_id]
    key = (meeting.staff_id, meeting.school_id)
    timeline = occupancy.staff[meeting.staff_id]
    while teacher_free[key] < len(grid.starts) and not timeline.free(
        grid.starts[teacher_free[key]], grid.starts[teacher_free[key]] + grid.slot_minutes
    ):
        teacher_free[key] += 1
    for slot in range(teacher_free[key], len(grid.starts)):
        placement = occupancy.place(meeting, slot)
        if placement is not None:
            plan.placed[meeting.index] = placement
            return
    plan.reasons[meeting.index] = reason(occupancy, meeting)


def hardness(meetings: list[Meeting]) -> tuple[int, int, int, int]:
    """Sort key, hardest first: priority, then children at several schools (their visits must
    fit next to each other), interpreter needs, and the number of meetings."""
    return (
        min(m.priority for m in meetings),
        -len({m.school_id for m in meetings}),
        -any(m.language for m in meetings),
        -sum(m.length for m in meetings),
    )


def blocks(instance: Instance, deadline: float | None = None) -> Plan:
    """Each family's meetings at a school as one block, the hardest families first; once the
    clock passes `deadline`, the families left take their earliest feasible slots meeting by
    meeting, as first come, first served does (their schools are noted in `plan.hurried`)."""
    occupancy, plan = start(instance)
    families = households(instance)
    teacher_free: dict[tuple[str, str], int] = defaultdict(int)
    order = sorted(families, key=lambda h: (hardness(families[h]), h))
    started = time.monotonic()
    for done, household in enumerate(order):
        now = time.monotonic()
        if deadline is not None and now > deadline:
            for meeting in families[household]:
                earliest(occupancy, meeting, plan, teacher_free)
                plan.hurried.add(meeting.school_id)
            continue
        # at the pace so far, would the families left be done in time?
        pace = (now - started) / max(done, 1) * (len(order) - done)
        effort = THOROUGH if deadline is None or now + pace <= deadline else QUICK
        by_school: dict[str, list[Meeting]] = defaultdict(list)
        for meeting in families[household]:
            by_school[meeting.school_id].append(meeting)
        schools = [by_school[s] for s in sorted(by_school, key=lambda s: (-len(by_school[s]), s))]
        if len(schools) == 1 or not place_visits(occupancy, schools, plan, effort):
            for meetings in schools:
                place_block(occupancy, meetings, plan)
    return plan


def place_visits(
    occupancy: Occupancy,
    schools: list[list[Meeting]],
    plan: Plan,
    effort: tuple[int, int] = THOROUGH,
) -> bool:
    """A family with children at several schools: its blocks placed together, one school's
    block tried in turn and each other school's next to it (the travel time apart), the idle
    time allowed growing only when nothing fits. False when no such set of blocks is found.

    Candidate blocks are found as they are first asked for and kept for the larger tolerances
    (the occupancy is the same whenever a school's candidates, given the blocks chosen before
    it, are asked for)."""
    first, rest = schools[0], schools[1:]
    firsts = _Candidates(occupancy, first, effort[0])
    found_after: dict[tuple[int, ...], _Candidates] = {}
    for tolerance in TOLERANCES:
        i = 0
        while (found := firsts.get(i)) is not None:
            booked = [book_all(occupancy, found[0])]
            chosen: tuple[int, ...] = (i,)
            for meetings in rest:
                if chosen not in found_after:
                    found_after[chosen] = _Candidates(occupancy, meetings, effort[1])
                j = found_after[chosen].first_within(tolerance)
                if j is None:
                    break
                booked.append(book_all(occupancy, found_after[chosen].found[j][0]))
                chosen += (j,)
            else:
                for placements in booked:
                    plan.placed.update(placements)
                return True
            for placements in booked:
                for index, placement in placements.items():
                    occupancy.unbook(occupancy.instance.meetings[index], placement)
            i += 1
    return False


class _Candidates:
    """One school's first `limit` candidate blocks for a family, each with the idle time it
    leaves next to the family's other visits, found as they are asked for."""

    def __init__(self, occupancy: Occupancy, meetings: list[Meeting], limit: int) -> None:
        self.occupancy = occupancy
        self.source = islice(windows(occupancy, meetings), limit)
        self.found: list[tuple[list[tuple[Meeting, int]], int]] = []

    def get(self, j: int) -> tuple[list[tuple[Meeting, int]], int] | None:
        """The j-th candidate and its idle minutes; None when there are no more."""
        while len(self.found) <= j:
            block = next(self.source, None)
            if block is None:
                return None
            self.found.append((block, idle(self.occupancy, block)))
        return self.found[j]

    def first_within(self, tolerance: int) -> int | None:
        """The index of the first candidate leaving at most `tolerance` idle minutes."""
        j = 0
        while (candidate := self.get(j)) is not None:
            if candidate[1] <= tolerance:
                return j
            j += 1
        return None


def book_all(occupancy: Occupancy, found: list[tuple[Meeting, int]]) -> dict[int, Placement]:
    """Book a matched block (earliest first, so interpreters are chosen in time order)."""
    out = {}
    for meeting, slot in sorted(found, key=lambda f: f[1]):
        placement = occupancy.place(meeting, slot)
        if placement is not None:
            out[meeting.index] = placement
    return out


def idle(occupancy: Occupancy, found: list[tuple[Meeting, int]]) -> int:
    """Minutes a block leaves its family idle next to its other visits that day."""
    spans = [occupancy.span(m, slot) for m, slot in found]
    begin, end = min(s for s, _ in spans), max(e for _, e in spans)
    others = occupancy.households[found[0][0].household]
    same_day = [o for o in others if o[0] // DAY == begin // DAY]
    return _apart(begin, end - begin, same_day, occupancy.instance) if same_day else 0


def windows(occupancy: Occupancy, meetings: list[Meeting]) -> Iterator[list[tuple[Meeting, int]]]:
    """Every complete placement of one family's meetings at one school as a block, narrowest
    first; on a day the family comes to another school, closest to that visit first, else
    early or late as the family prefers."""
    inst = occupancy.instance
    grid = inst.grids[meetings[0].school_id]
    step = 1 + math.ceil(inst.family_gap / grid.slot_minutes)
    need = sum(m.length + step - 1 for m in meetings) - (step - 1)
    late = any(m.prefer == "late" for m in meetings)
    elsewhere = occupancy.households[meetings[0].household]
    fits = _memo(occupancy)
    days = candidate_days(occupancy, meetings)
    masks: dict[int, list[int]] = {}
    for width in range(need, need + WIDEN + 1):
        for day in days:
            slots = day_slots(grid.starts, day)
            if day not in masks:
                masks[day] = [
                    sum(1 << j for j, slot in enumerate(slots) if fits(m, slot)) for m in meetings
                ]
            starts = list(range(len(slots) - width + 1))
            if late:
                starts.reverse()
            if any(s // DAY == day for s, _, _ in elsewhere):
                span = grid.slot_minutes * width
                starts.sort(key=lambda a: _apart(grid.starts[slots[a]], span, elsewhere, inst))
            for a in starts:
                if not _may_hold(masks[day], sum(1 << j for j in range(a, a + width, step))):
                    continue
                found = assign(meetings, slots[a : a + width : step], step, fits)
                if len(found) == len(meetings):
                    yield found


def _may_hold(masks: list[int], window: int) -> bool:
    """A quick test a window must pass to hold every meeting (bit j: the day's j-th slot):
    each meeting fits somewhere in it, and together they fit in as many slots as meetings."""
    union = 0
    for mask in masks:
        inside = mask & window
        if not inside:
            return False
        union |= inside
    return union.bit_count() >= len(masks)


def _memo(occupancy: Occupancy) -> Callable[[Meeting, int], bool]:
    """`usable`, remembered while the occupancy does not change."""
    known: dict[tuple[int, int], bool] = {}

    def fits(meeting: Meeting, slot: int) -> bool:
        key = (meeting.index, slot)
        if key not in known:
            known[key] = usable(occupancy, meeting, slot)
        return known[key]

    return fits


def place_block(occupancy: Occupancy, meetings: list[Meeting], plan: Plan) -> None:
    """Place one family's meetings at one school in the first window that holds them all,
    else on the day that takes the most of them, meeting by meeting."""
    found = next(windows(occupancy, meetings), None)
    if found is None:
        fits = _memo(occupancy)
        grid = occupancy.instance.grids[meetings[0].school_id]
        found = []
        for day in candidate_days(occupancy, meetings):
            some = assign(meetings, day_slots(grid.starts, day), 1, fits)
            if len(some) > len(found):
                found = some
    plan.placed.update(book_all(occupancy, found))
    for meeting in meetings:
        if meeting.index not in plan.placed:
            plan.reasons[meeting.index] = reason(occupancy, meeting)


def _apart(start: int, length: int, elsewhere: list[tuple[int, int, str]], inst: Instance) -> int:
    """Minutes a window starting at `start` would leave the family idle next to its other
    meetings, beyond the travel time (the least over those meetings)."""
    end = start + length
    return min(
        max(start - (e + inst.travel), (s - inst.travel) - end, 0)
        if start >= e or end <= s
        else DAY
        for s, e, _ in elsewhere
    )


def candidate_days(occupancy: Occupancy, meetings: list[Meeting]) -> list[int]:
    """The days a family may come: its one day if it has one, else preferred, then a day it
    already comes to another school, then the least busy for its teachers."""
    inst = occupancy.instance
    first = meetings[0]
    if inst.one_day and (first.household, first.school_id) in occupancy.day_of:
        return [occupancy.day_of[(first.household, first.school_id)]]
    days = inst.grids[first.school_id].days()
    wanted = {m.prefer for m in meetings}
    coming = {s // DAY for s, _, _ in occupancy.households[first.household]}

    def load(day: int) -> tuple[bool, bool, int]:
        busy = sum(occupancy.per_day[(m.staff_id, day)] for m in meetings)
        return (str(day) not in wanted, day not in coming, busy)

    return sorted(days, key=load)


@cache
def day_slots(starts: tuple[int, ...], day: int) -> tuple[int, ...]:
    """The slot indices of one day."""
    return tuple(i for i, s in enumerate(starts) if s // DAY == day)


def assign(
    meetings: list[Meeting],
    positions: list[int],
    step: int,
    fits: Callable[[Meeting, int], bool],
) -> list[tuple[Meeting, int]]:
    """Meetings matched to distinct positions they fit (double-length ones first, greedily)."""
    taken: set[int] = set()
    found: list[tuple[Meeting, int]] = []
    singles = []
    for meeting in meetings:
        if meeting.length == 1:
            singles.append(meeting)
            continue
        for i, slot in enumerate(positions):
            span = set(positions[i : i + math.ceil(meeting.length / step)])
            if not span & taken and fits(meeting, slot):
                taken |= span
                found.append((meeting, slot))
                break
    edges = [[p for p in positions if p not in taken and fits(m, p)] for m in singles]
    matched = match(edges)
    found += [(singles[i], slot) for i, slot in matched.items()]
    return found


def usable(occupancy: Occupancy, meeting: Meeting, slot: int) -> bool:
    """The meeting fits at the slot, with an interpreter when it needs one."""
    if occupancy.fits(meeting, slot) is not None:
        return False
    return meeting.language is None or occupancy.interpreter_for(meeting, slot) is not None


def match(edges: list[list[int]]) -> dict[int, int]:
    """Maximum bipartite matching by augmenting paths: left index -> right value."""
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for p in edges[i]:
            if p in seen:
                continue
            seen.add(p)
            if p not in owner or augment(owner[p], seen):
                owner[p] = i
                return True
        return False

    for i in sorted(range(len(edges)), key=lambda i: len(edges[i])):
        augment(i, set())
    return {i: p for p, i in owner.items()}


def reason(occupancy: Occupancy, meeting: Meeting) -> str:
    """Why a meeting found no slot: the first obstacle over all of its school's slots."""
    slots = range(len(occupancy.instance.grids[meeting.school_id].starts))
    why = [occupancy.fits(meeting, s) for s in slots]
    if all(w == "teacher full" or w == "no room in the day" or w == "another day" for w in why):
        return "teacher full"
    if meeting.language is not None and not any(
        w is None and occupancy.interpreter_for(meeting, s) for s, w in zip(slots, why, strict=True)
    ):
        return "no interpreter free"
    return "family busy"
