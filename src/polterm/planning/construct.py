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
from collections import defaultdict
from collections.abc import Iterable

from polterm.planning.instance import DAY, Instance, Meeting, Placement, Plan
from polterm.planning.occupancy import Occupancy

WIDEN = 8  # slots a block's window may grow by before the day is filled meeting by meeting


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
    for household in order:
        for meeting in families[household]:
            for slot in range(len(instance.grids[meeting.school_id].starts)):
                placement = occupancy.place(meeting, slot)
                if placement is not None:
                    plan.placed[meeting.index] = placement
                    break
            else:
                plan.reasons[meeting.index] = reason(occupancy, meeting)
    return plan


def hardness(meetings: list[Meeting]) -> tuple[int, int, int]:
    """Sort key, hardest first: priority, then interpreter needs, then number of meetings."""
    return (
        min(m.priority for m in meetings),
        -any(m.language for m in meetings),
        -sum(m.length for m in meetings),
    )


def blocks(instance: Instance) -> Plan:
    """Each family's meetings at a school as one block, the hardest families first."""
    occupancy, plan = start(instance)
    families = households(instance)
    for household in sorted(families, key=lambda h: (hardness(families[h]), h)):
        by_school: dict[str, list[Meeting]] = defaultdict(list)
        for meeting in families[household]:
            by_school[meeting.school_id].append(meeting)
        for school in sorted(by_school, key=lambda s: (-len(by_school[s]), s)):
            place_block(occupancy, by_school[school], plan)
    return plan


def place_block(occupancy: Occupancy, meetings: list[Meeting], plan: Plan) -> None:
    """Place one family's meetings at one school in the narrowest window that holds them."""
    inst = occupancy.instance
    grid = inst.grids[meetings[0].school_id]
    step = 1 + math.ceil(inst.family_gap / grid.slot_minutes)
    need = sum(m.length + step - 1 for m in meetings) - (step - 1)
    days = candidate_days(occupancy, meetings)
    late = any(m.prefer == "late" for m in meetings)
    best: list[tuple[Meeting, int]] = []
    for width in range(need, need + WIDEN + 1):
        for day in days:
            slots = day_slots(grid.starts, day)
            starts = range(len(slots) - width + 1)
            for a in reversed(starts) if late else starts:
                found = assign(occupancy, meetings, slots[a : a + width : step], step)
                if len(found) == len(meetings):
                    commit(occupancy, found, plan)
                    return
    for day in days:  # nothing holds them all: the day that takes the most, meeting by meeting
        slots = day_slots(grid.starts, day)
        found = assign(occupancy, meetings, slots, 1)
        if len(found) > len(best):
            best = found
    commit(occupancy, best, plan)
    for meeting in meetings:
        if meeting.index not in plan.placed:
            plan.reasons[meeting.index] = reason(occupancy, meeting)


def candidate_days(occupancy: Occupancy, meetings: list[Meeting]) -> list[int]:
    """The days a family may come: its one day if it has one, else preferred, then least busy."""
    inst = occupancy.instance
    first = meetings[0]
    if inst.one_day and (first.household, first.school_id) in occupancy.day_of:
        return [occupancy.day_of[(first.household, first.school_id)]]
    days = inst.grids[first.school_id].days()
    wanted = {m.prefer for m in meetings}

    def load(day: int) -> tuple[bool, int]:
        busy = sum(occupancy.per_day[(m.staff_id, day)] for m in meetings)
        return (str(day) not in wanted, busy)

    return sorted(days, key=load)


def day_slots(starts: tuple[int, ...], day: int) -> list[int]:
    """The slot indices of one day."""
    return [i for i, s in enumerate(starts) if s // DAY == day]


def assign(
    occupancy: Occupancy, meetings: list[Meeting], positions: list[int], step: int
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
            if not span & taken and usable(occupancy, meeting, slot):
                taken |= span
                found.append((meeting, slot))
                break
    edges = [[p for p in positions if p not in taken and usable(occupancy, m, p)] for m in singles]
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


def commit(occupancy: Occupancy, found: Iterable[tuple[Meeting, int]], plan: Plan) -> None:
    """Book matched meetings (earliest first, so interpreters are chosen in time order)."""
    for meeting, slot in sorted(found, key=lambda f: f[1]):
        placement = occupancy.place(meeting, slot)
        if placement is not None:
            plan.placed[meeting.index] = placement


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
