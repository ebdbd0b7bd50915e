"""CP-SAT over one school at a time, started from the block construction as its hint.

The model, per school (slot indices of the school's grid):
- a meeting is an optional interval of its length on its teacher's timeline (no overlap),
  on the household's and on the student's (two households never discuss one student at the
  same time); with a minimum gap between a family's meetings, the household's interval is
  instead one of its minutes plus the gap in minutes (so that a break between two slots
  counts towards the gap), its start minute linear in the slot within each run of slots
  without a break (a boolean per run, as per day without a gap): an element constraint
  from slot to minute per meeting kept a high school's model at 100,000 students from its
  first solution in its share;
- its start may only be a slot where the teacher is available and the household is free
  of its meetings at other schools (with the travel gap) and of kept bookings;
- a meeting needing an interpreter takes exactly one interpreter of its language, as an
  optional interval on that interpreter's timeline, inside their availability: one of at
  most INTERPRETER_CHOICES (the hint's, then the first free), so a school's bound is the
  bound of that narrower model;
- with the one-day rule, a household's meetings at the school share one day; a teacher's
  meetings per day are at most the event's cap.

The objective (maximised), weights per placed meeting and per minute:
- placing a meeting: 1000 (an open P1471 request), 500 (6310 flexible conferences unmet),
  300 (the rest), whatever its length;
- a family's waiting: -1 per minute between the start of its first meeting at the school and
  the end of its last that is not spent in a meeting (or the required gap), so one more
  meeting is worth up to 5 hours of one family's waiting;
- a preference met (early, late, a day): +20 per meeting.
Teacher load balance and the number of visits are left to the construction (the one-day
rule already makes one visit per school).

Schools are solved one after another. A household with children at several schools is
placed by the construction with its visits next to each other (the travel time between);
each school's solve keeps the household's meetings at the other schools where they are and
costs the idle slots between its visit here and those visits, like waiting. So the bound a
school reports is the bound given the other schools' meetings; a school that no household
shares with another is solved whole, and its bound is its own.
"""

from __future__ import annotations

import math
import os
import time
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from polterm.planning.instance import DAY, Grid, Instance, Meeting, Placement, Plan
from polterm.planning.occupancy import Occupancy

WEIGHTS = {1: 1000, 2: 500, 3: 300}
# interpreters one meeting may take in a school's model (the 100k demo has 363 for Spanish:
# one choice variable and interval each made the models too large to build in time)
INTERPRETER_CHOICES = 4
WAIT_PER_MINUTE = 1
PREFERENCE = 20


@dataclass
class SchoolResult:
    """One school's solve: CP-SAT's status, objective and bound."""

    school_id: str
    status: str
    objective: float | None  # with no solution in time, the kept start plan's (if known)
    bound: float | None  # None: CP-SAT proved none within the time
    seconds: float


def improve(
    instance: Instance,
    hint: Plan,
    time_limit: float,
    seed: int,
    progress: Callable[[str], None] | None = None,
) -> tuple[Plan, list[SchoolResult], Occupancy]:
    """Solve each school in turn from the hint; returns the plan, each school's figures and the
    occupancy of the plan (so that unplaced meetings' reasons are read from it)."""
    plan = Plan(dict(hint.placed), {})
    by_school: dict[str, list[Meeting]] = defaultdict(list)
    for meeting in instance.meetings:
        by_school[meeting.school_id].append(meeting)
    occupancy = Occupancy(instance)
    for meeting in instance.meetings:
        placed = plan.placed.get(meeting.index)
        if placed is not None:
            occupancy.book(meeting, placed.slot, placed.interpreter)
    results = []
    deadline = time.monotonic() + time_limit
    remaining = sum(len(m) for m in by_school.values())
    # building a model and loading it take time beyond the solver's limit, about the same per
    # meeting: what the schools so far took over their limits is kept back for those left
    over, done = 0.0, 0
    for school_id in sorted(by_school, key=lambda s: (-len(by_school[s]), s)):
        meetings = by_school[school_id]
        kept_back = over / max(done, 1) * remaining
        left = deadline - time.monotonic() - kept_back
        share = max(0.05, left * len(meetings) / max(remaining, 1))
        remaining -= len(meetings)
        movable = [m for m in meetings if m.fixed is None]
        for m in movable:
            if m.index in plan.placed:
                occupancy.unbook(m, plan.placed[m.index])
        results.append(
            _solve_school(instance, occupancy, plan, school_id, meetings, movable, share, seed)
        )
        over, done = over + max(0.0, results[-1].seconds - share), done + len(meetings)
        for m in movable:
            if m.index in plan.placed:
                occupancy.book(m, plan.placed[m.index].slot, plan.placed[m.index].interpreter)
        if progress is not None:
            progress(school_id)
    return plan, results, occupancy


def _solve_school(
    instance: Instance,
    occupancy: Occupancy,
    plan: Plan,
    school_id: str,
    meetings: list[Meeting],
    movable: list[Meeting],
    time_limit: float,
    seed: int,
) -> SchoolResult:
    """Re-place one school's movable meetings in `plan`, the rest of the plan kept (booked in
    `occupancy`, which holds everything but the movable meetings)."""
    started = time.monotonic()
    grid = instance.grids[school_id]
    moving = {m.index for m in movable}
    model = cp_model.CpModel()
    gap = math.ceil(instance.family_gap / grid.slot_minutes)
    length = {m.index: m.length for m in meetings}
    present: dict[int, cp_model.IntVar] = {}
    starts: dict[int, cp_model.IntVar] = {}
    on_day: list[tuple[int, int, cp_model.IntVar]] = []  # meeting, day, boolean
    days_of: dict[int, list[tuple[tuple[int, int], cp_model.IntVar]]] = defaultdict(list)
    run_of = _runs(grid)

    def part(slot: int) -> tuple[int, int]:
        """The day of a slot, and its run of slots without a break when there is a gap."""
        return grid.day(slot), run_of[slot][0] if instance.family_gap else 0

    interpreters_of: dict[int, list[tuple[str, cp_model.IntVar]]] = defaultdict(list)
    minute_of: dict[int, cp_model.IntVar] = {}
    first_valid: dict[int, int] = {}
    teacher_iv: dict[str, list] = defaultdict(list)
    family_iv: dict[str, list] = defaultdict(list)
    student_iv: dict[str, list] = defaultdict(list)
    interpreter_iv: dict[str, list] = defaultdict(list)
    objective = []
    for m in movable:
        valid = [s for s in range(len(grid.starts)) if _fits(occupancy, m, s)]
        options: dict[str, list[int]] = {}
        if m.language is not None:
            hinted = plan.placed.get(m.index)
            options = _interpreter_options(occupancy, m, valid, hinted and hinted.interpreter)
            valid = sorted({s for ok in options.values() for s in ok})
        if not valid:
            continue
        p = model.new_bool_var(f"p{m.index}")
        s = model.new_int_var_from_domain(cp_model.Domain.from_values(valid), f"s{m.index}")
        present[m.index], starts[m.index] = p, s
        # a boolean per day (per run of slots without a break, with a family gap), the start
        # in its values when it is true
        parts: dict[tuple[int, int], list[int]] = defaultdict(list)
        for v in valid:
            parts[part(v)].append(v)
        t = None
        if instance.family_gap:
            t = model.new_int_var_from_domain(
                cp_model.Domain.from_values([grid.starts[v] for v in valid]), f"t{m.index}"
            )
            minute_of[m.index] = t
        for key, values in parts.items():
            x = model.new_bool_var(f"x{m.index}_{key}")
            on_day.append((m.index, key[0], x))
            days_of[m.index].append((key, x))
            model.add_linear_expression_in_domain(
                s, cp_model.Domain.from_values(values)
            ).only_enforce_if(x)
            if t is not None:
                # within a run the start minute is linear in the slot
                run_first = values[0] - run_of[values[0]][1]
                offset = grid.starts[run_first] - grid.slot_minutes * run_first
                model.add(t == grid.slot_minutes * s + offset).only_enforce_if(x)
        model.add(sum(x for _, x in days_of[m.index]) == p)
        interval = model.new_optional_fixed_size_interval_var(s, m.length, p, "")
        teacher_iv[m.staff_id].append(interval)
        student_iv[m.student_id].append(interval)
        first_valid[m.index] = valid[0]
        if t is None:
            # no gap: one school's meetings overlap in minutes exactly when in slots
            family_iv[m.household].append(interval)
        else:
            # the family's gap is in minutes: a break between two slots counts towards it
            family_iv[m.household].append(
                model.new_optional_fixed_size_interval_var(
                    t, instance.minutes(m) + instance.family_gap, p, ""
                )
            )
        if options:
            zs = []
            for interpreter, ok in options.items():
                z = model.new_bool_var(f"z{m.index}_{interpreter}")
                interpreters_of[m.index].append((interpreter, z))
                zs.append(z)
                model.add_linear_expression_in_domain(
                    s, cp_model.Domain.from_values(ok)
                ).only_enforce_if(z)
                interpreter_iv[interpreter].append(
                    model.new_optional_fixed_size_interval_var(s, m.length, z, "")
                )
            model.add(sum(zs) == p)
        objective.append(WEIGHTS[m.priority] * p)
        objective.append(WAIT_PER_MINUTE * grid.slot_minutes * (m.length + gap) * p)
        preferred = [v for v in valid if _preferred(grid.starts, v, m.prefer, instance)]
        if m.prefer is not None and preferred:
            q = model.new_bool_var(f"q{m.index}")
            model.add_implication(q, p)
            model.add_linear_expression_in_domain(
                s, cp_model.Domain.from_values(preferred)
            ).only_enforce_if(q)
            objective.append(PREFERENCE * q)
            hinted = plan.placed.get(m.index)
            model.add_hint(q, hinted is not None and hinted.slot in set(preferred))
    resources = (teacher_iv, family_iv, student_iv, interpreter_iv)
    for intervals in (i for resource in resources for i in resource.values()):
        if len(intervals) > 1:
            model.add_no_overlap(intervals)
    hinted_day = {
        m.index: grid.day(plan.placed[m.index].slot) for m in movable if m.index in plan.placed
    }
    chosen_day = _one_day_and_cap(
        instance, model, movable, on_day, occupancy, school_id, hinted_day
    )
    elsewhere = _elsewhere(occupancy, school_id, {m.household for m in movable})
    terms, spans, hints = _waiting(
        model, grid, meetings, present, starts, plan, moving, length, elsewhere
    )
    objective += terms
    objective += _next_to_elsewhere(model, instance, grid, spans, hints, elsewhere, chosen_day)
    model.maximize(sum(objective))
    for m in movable:
        if m.index not in present:
            continue
        # a complete hint: CP-SAT then takes the construction as its first solution at once
        hinted = plan.placed.get(m.index)
        slot = first_valid[m.index] if hinted is None else hinted.slot
        model.add_hint(present[m.index], hinted is not None)
        model.add_hint(starts[m.index], slot)
        if m.index in minute_of:
            model.add_hint(minute_of[m.index], grid.starts[slot])
        for key, x in days_of[m.index]:
            model.add_hint(x, hinted is not None and key == part(slot))
        for interpreter, z in interpreters_of[m.index]:
            model.add_hint(z, hinted is not None and interpreter == hinted.interpreter)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    solver.parameters.num_workers = os.cpu_count() or 1
    solver.parameters.random_seed = seed
    # a light presolve: the full one (probing, symmetries, three rounds) took most of a school's
    # share before the hint was even loaded, leaving no solution and no bound in the time
    solver.parameters.symmetry_level = 0
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.max_presolve_iterations = 1
    status = solver.solve(model)
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # no solution in time: the start plan is kept, its objective in the model's terms;
        # no bound, as CP-SAT then reports 0, which is none (measured at 100,000 students)
        kept = _hinted_objective(model) if status == cp_model.UNKNOWN else None
        return SchoolResult(school_id, name, kept, None, time.monotonic() - started)
    for m in movable:
        plan.placed.pop(m.index, None)
        if m.index in present and solver.value(present[m.index]):
            interpreter = next((i for i, z in interpreters_of[m.index] if solver.value(z)), None)
            plan.placed[m.index] = Placement(solver.value(starts[m.index]), interpreter)
    return SchoolResult(
        school_id,
        name,
        solver.objective_value,
        solver.best_objective_bound,
        time.monotonic() - started,
    )


def _runs(grid: Grid) -> list[tuple[int, int]]:
    """Per slot, its run of slots without a break between them, and its place in the run."""
    out: list[tuple[int, int]] = []
    for slot, start in enumerate(grid.starts):
        if slot and start - grid.starts[slot - 1] == grid.slot_minutes:
            out.append((out[-1][0], out[-1][1] + 1))
        else:
            out.append((out[-1][0] + 1 if out else 0, 0))
    return out


def _hinted_objective(model: cp_model.CpModel) -> float | None:
    """The objective at the hint, when the hint gives every variable it counts (the start
    plan is then a solution of the model, so its value is one the solver would report)."""
    proto = model.proto
    hint = dict(zip(proto.solution_hint.vars, proto.solution_hint.values, strict=True))
    objective = proto.objective
    if any(v not in hint for v in objective.vars):
        return None
    total = sum(c * hint[v] for v, c in zip(objective.vars, objective.coeffs, strict=True))
    return objective.scaling_factor * (total + objective.offset)


def _fits(occupancy: Occupancy, meeting: Meeting, slot: int) -> bool:
    """The slot is free for teacher and household; the one-day rule is the model's."""
    return occupancy.fits(meeting, slot) in (None, "another day")


def _interpreter_options(
    occupancy: Occupancy, meeting: Meeting, valid: list[int], hinted: str | None
) -> dict[str, list[int]]:
    """The interpreters a meeting may take in the model, with the slots each can do: the
    hint's, then the first others free at its earliest slots, INTERPRETER_CHOICES in all."""
    picked = [hinted] if hinted else []
    for slot in valid:
        if len(picked) >= INTERPRETER_CHOICES:
            break
        start, end = occupancy.span(meeting, slot)
        for interpreter in occupancy.available(meeting.language or "", start, end):
            if interpreter not in picked and occupancy.interpreters[interpreter].free(start, end):
                picked.append(interpreter)
                if len(picked) >= INTERPRETER_CHOICES:
                    break
    options = {i: [s for s in valid if _interprets(occupancy, i, meeting, s)] for i in picked}
    return {i: ok for i, ok in options.items() if ok}


def _interprets(occupancy: Occupancy, interpreter: str, meeting: Meeting, slot: int) -> bool:
    """The interpreter is available and free for the whole meeting."""
    start, end = occupancy.span(meeting, slot)
    available = occupancy.instance.interpreters[interpreter].available
    return any(a <= start and end <= b for a, b in available) and occupancy.interpreters[
        interpreter
    ].free(start, end)


def _preferred(starts: tuple[int, ...], slot: int, prefer: str | None, inst: Instance) -> bool:
    """Whether a slot meets a preference: early or late half of its day, or its day."""
    if prefer is None:
        return False
    day = starts[slot] // DAY
    if prefer not in ("early", "late"):
        return str(day) == prefer
    same_day = [s for s in starts if s // DAY == day]
    early = starts[slot] < (same_day[0] + same_day[-1]) / 2
    return early == (prefer == "early")


def _one_day_and_cap(
    instance: Instance,
    model: cp_model.CpModel,
    movable: list[Meeting],
    on_day: list[tuple[int, int, cp_model.IntVar]],
    occupancy: Occupancy,
    school_id: str,
    hint: dict[int, int],
) -> dict[tuple[str, int], cp_model.IntVar]:
    """One day per household at the school; at most the cap of meetings per teacher and day.

    `hint` gives the day of each meeting the hint places; returns the household-day booleans
    (with the one-day rule)."""
    by_household: dict[tuple[str, int], list] = defaultdict(list)
    by_teacher: dict[tuple[str, int], list] = defaultdict(list)
    meeting = {m.index: m for m in movable}
    members: dict[str, list[int]] = defaultdict(list)
    for m in movable:
        members[m.household].append(m.index)
    for index, d, x in on_day:
        by_household[(meeting[index].household, d)].append(x)
        by_teacher[(meeting[index].staff_id, d)].append(x)
    chosen_day: dict[tuple[str, int], cp_model.IntVar] = {}
    if instance.one_day:
        days_of: dict[str, list] = defaultdict(list)
        for (household, d), xs in by_household.items():
            kept = occupancy.day_of.get((household, school_id))
            if kept is not None and kept != d:
                model.add(sum(xs) == 0)
                continue
            y = model.new_bool_var(f"y{household}_{d}")
            model.add_hint(y, any(hint.get(index) == d for index in members[household]))
            for x in xs:
                model.add_implication(x, y)
            days_of[household].append(y)
            chosen_day[(household, d)] = y
        for ys in days_of.values():
            if len(ys) > 1:
                model.add(sum(ys) <= 1)
    if instance.teacher_cap is not None:
        for (staff_id, d), xs in by_teacher.items():
            model.add(sum(xs) <= instance.teacher_cap - occupancy.per_day[(staff_id, d)])
    return chosen_day


def _waiting(
    model: cp_model.CpModel,
    grid: Grid,
    meetings: list[Meeting],
    present: dict[int, cp_model.IntVar],
    starts: dict[int, cp_model.IntVar],
    plan: Plan,
    moving: set[int],
    length: dict[int, int],
    elsewhere: dict[str, dict[tuple[str, int], tuple[int, int]]],
) -> tuple[list, dict[str, tuple[Any, Any]], dict[str, tuple[int, int]]]:
    """Each household's span at the school (first slot, end slot), its length as a cost; and
    the span's slots in the hint."""
    by_household: dict[str, list[Meeting]] = defaultdict(list)
    for m in meetings:
        if m.index in present or (m.index not in moving and m.index in plan.placed):
            by_household[m.household].append(m)
    horizon = len(grid.starts)
    terms = []
    spans = {}
    hints: dict[str, tuple[int, int]] = {}
    for household, ms in by_household.items():
        if len(ms) < 2 and household not in elsewhere:
            continue
        first = model.new_int_var(0, horizon - 1, f"f{household}")
        last = model.new_int_var(1, horizon, f"l{household}")
        model.add(last >= first)
        spans[household] = (first, last)
        hinted = [
            (plan.placed[m.index].slot, length[m.index]) for m in ms if m.index in plan.placed
        ]
        if hinted:
            model.add_hint(first, min(s for s, _ in hinted))
            model.add_hint(last, max(s + n for s, n in hinted))
            hints[household] = (min(s for s, _ in hinted), max(s + n for s, n in hinted))
        for m in ms:
            if m.index in present:
                model.add(first <= starts[m.index]).only_enforce_if(present[m.index])
                model.add(last >= starts[m.index] + length[m.index]).only_enforce_if(
                    present[m.index]
                )
            else:
                kept = plan.placed[m.index].slot
                model.add(first <= kept)
                model.add(last >= kept + length[m.index])
        # redundant, for the bound: a family's meetings do not overlap, so they fill its span
        # (not its gaps: a break between two slots may stand for the gap)
        model.add(last - first >= sum(length[m.index] * present.get(m.index, 1) for m in ms))
        terms.append(-WAIT_PER_MINUTE * grid.slot_minutes * (last - first))
    return terms, spans, hints


def _elsewhere(
    occupancy: Occupancy, school_id: str, households: set[str]
) -> dict[str, dict[tuple[str, int], tuple[int, int]]]:
    """Per household, its visits to other schools: (school, day) -> first start, last end."""
    out: dict[str, dict[tuple[str, int], tuple[int, int]]] = defaultdict(dict)
    for household in households:
        for start, end, school in occupancy.households.get(household, ()):
            if school in ("", school_id):
                continue
            key = (school, start // DAY)
            a, b = out[household].get(key, (start, end))
            out[household][key] = (min(a, start), max(b, end))
    return dict(out)


def _next_to_elsewhere(
    model: cp_model.CpModel,
    instance: Instance,
    grid: Grid,
    spans: dict[str, tuple[Any, Any]],
    hints: dict[str, tuple[int, int]],
    elsewhere: dict[str, dict[tuple[str, int], tuple[int, int]]],
    chosen_day: dict[tuple[str, int], cp_model.IntVar],
) -> list:
    """A family coming to another school the same day waits between the two visits: the slots
    between the other visit (with the travel time, a hard constraint on each meeting) and
    this one are a cost."""
    terms = []
    for household, visits in elsewhere.items():
        if household not in spans:
            continue
        first, last = spans[household]
        hinted = hints.get(household)
        for (_, d), (a, b) in visits.items():
            here = chosen_day.get((household, d))
            if here is None:
                continue
            # slot indices: the first starting once the family can be here after the other
            # visit, and the end of the last it can leave in time for it
            after_from = bisect_left(grid.starts, b + instance.travel)
            before_to = bisect_right(grid.starts, a - instance.travel - grid.slot_minutes)
            after, before = model.new_bool_var(""), model.new_bool_var("")
            idle = model.new_int_var(0, len(grid.starts), "")
            # wholly after the other visit, or wholly before it, costs the slots in between;
            # a visit here around the other one (not wholly either) costs nothing
            model.add(first <= after_from - 1).only_enforce_if(~after, here)
            model.add(idle >= first - after_from).only_enforce_if(after, here)
            model.add(last >= before_to + 1).only_enforce_if(~before, here)
            model.add(idle >= before_to - last).only_enforce_if(before, here)
            terms.append(-WAIT_PER_MINUTE * grid.slot_minutes * idle)
            if hinted is not None:
                same_day = grid.day(hinted[0]) == d
                waited = [0]
                model.add_hint(after, hinted[0] >= after_from)
                model.add_hint(before, hinted[1] <= before_to)
                if same_day and hinted[0] >= after_from:
                    waited.append(hinted[0] - after_from)
                if same_day and hinted[1] <= before_to:
                    waited.append(before_to - hinted[1])
                model.add_hint(idle, max(waited))
    return terms
