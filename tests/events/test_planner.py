"""The planner on small hand-made instances whose best plan is known."""

from __future__ import annotations

from ortools.sat.python import cp_model

from polterm.cli.plan_report import print_quality
from polterm.planning import construct, run, solve
from polterm.planning.instance import DAY, Grid, Instance, Interpreter, Meeting
from polterm.planning.occupancy import Occupancy
from polterm.planning.quality import measure
from polterm.planning.solve import WEIGHTS
from polterm.services.event_plan import Report


def grid(*starts: int, slot: int = 10, school: str = "elm") -> Grid:
    return Grid(school, slot, tuple(starts))


def meetings(*rows: tuple) -> list[Meeting]:
    """(household, staff, priority[, length[, language]]) rows as meetings."""
    out = []
    for i, (household, staff, priority, *rest) in enumerate(rows):
        length = rest[0] if rest else 1
        language = rest[1] if len(rest) > 1 else None
        out.append(Meeting(i, household, f"kid-{household}", staff, "elm", priority, length,
                           language))  # fmt: skip
    return out


def test_two_families_two_teachers_two_slots_all_placed_without_waiting():
    inst = Instance({"elm": grid(960, 970)}, meetings(
        ("A", "t1", 3), ("A", "t2", 3), ("B", "t1", 3), ("B", "t2", 3)))  # fmt: skip
    outcome = run.plan(inst, 5, 1)
    assert outcome.status == "OPTIMAL" and outcome.gap == 0
    assert outcome.quality.total_placed == 4
    assert outcome.quality.wait_max == 0
    assert outcome.objective == 4 * WEIGHTS[3]  # placement only: waiting and gaps cancel


def test_a_full_teacher_takes_the_open_parent_request_first():
    inst = Instance({"elm": grid(960, 970)}, meetings(
        ("A", "t1", 3), ("B", "t1", 3), ("C", "t1", 1)))  # fmt: skip
    outcome = run.plan(inst, 5, 1)
    assert outcome.status == "OPTIMAL"
    placed = {inst.meetings[i].household for i in outcome.plan.placed}
    assert "C" in placed and len(placed) == 2
    assert [why for _, why in outcome.quality.unplaced] == ["teacher full"]


def test_a_double_meeting_stays_contiguous_and_off_the_break():
    # slots 16:00, 16:10, (break), 16:40; a double-length meeting fits only at 16:00
    inst = Instance({"elm": grid(960, 970, 1000)}, meetings(("A", "t1", 3, 2)))
    outcome = run.plan(inst, 5, 1)
    assert outcome.plan.placed[0].slot == 0
    alone = Instance({"elm": grid(960, 1000, 1010)}, meetings(("A", "t1", 3, 2)))
    assert run.plan(alone, 5, 1).plan.placed[0].slot == 1


def test_the_interpreter_decides_who_is_placed_when_there_is_one():
    # two Spanish-speaking families, one interpreter for the first slot only
    inst = Instance(
        {"elm": grid(960, 970)},
        meetings(("A", "t1", 3, 1, "es"), ("B", "t2", 3, 1, "es")),
        interpreters={"i1": Interpreter("i1", "es", ((960, 970),))},
    )
    outcome = run.plan(inst, 5, 1)
    assert outcome.quality.total_placed == 1 and outcome.status == "OPTIMAL"
    assert [why for _, why in outcome.quality.unplaced] == ["no interpreter free"]


def test_blocks_beat_first_come_first_served_on_waiting():
    # FCFS order may give family A t1 at 16:00 and t2 at 16:20 behind B; blocks never wait
    rows = [(h, t, 3) for h in "ABCD" for t in ("t1", "t2", "t3")]
    inst = Instance({"elm": grid(*(960 + 10 * i for i in range(6)))}, meetings(*rows))
    outcome = run.plan(inst, 5, 1)
    assert outcome.quality.total_placed == 12 and outcome.quality.wait_max == 0
    assert outcome.status == "OPTIMAL"
    fcfs = measure(inst, construct.first_come(inst, seed=2))
    assert fcfs.total_placed == 12 and fcfs.wait_mean > 0


def test_one_day_keeps_a_family_on_the_day_it_starts():
    two_days = grid(960, 970, DAY + 960, DAY + 970)
    inst = Instance({"elm": two_days}, meetings(("A", "t1", 3), ("A", "t2", 3)),
                    staff_busy={"t2": [(960, 980)]})  # fmt: skip
    outcome = run.plan(inst, 5, 1)
    slots = sorted(p.slot for p in outcome.plan.placed.values())
    assert slots == [2, 3]  # both on the second day, where t2 is free


def test_a_school_without_a_solution_in_time_leaves_the_gap_unknown():
    quality = measure(Instance({}, []), construct.first_come(Instance({}, []), 1))
    known = solve.SchoolResult("a", "FEASIBLE", 90.0, 100.0, 1.0)
    silent = solve.SchoolResult("b", "UNKNOWN", None, None, 1.0)
    outcome = run.Outcome(construct.Plan(), quality, quality, [known, silent], 2.0)
    assert outcome.status == "UNKNOWN" and outcome.gap is None and outcome.bound is None
    assert run.Outcome(construct.Plan(), quality, quality, [known], 1.0).gap == 0.1


def test_a_break_between_two_meetings_counts_towards_the_family_gap():
    """20-minute slots 16:00, 16:20, then a break, 17:00, 17:20; a family with two double
    meetings and a 10-minute gap fits both: 16:00-16:40, then 17:00-17:40 after the break.
    The gap is minutes, not a slot, so the solver must place both as FCFS does."""
    inst = Instance(
        {"elm": grid(960, 980, 1020, 1040, slot=20)},
        meetings(("A", "t0", 2, 2), ("A", "t1", 2, 2)),
        family_gap=10,
    )
    outcome = run.plan(inst, 5, 3)
    assert outcome.baseline.total_placed == 2
    assert outcome.quality.total_placed == 2
    assert outcome.status == "OPTIMAL"
    assert sorted(p.slot for p in outcome.plan.placed.values()) == [0, 2]


def test_blocks_out_of_time_place_the_families_left_at_their_earliest_slots():
    # three families, three teachers: in time, each family's visit is one block without waiting
    rows = [(h, t, 3) for h in "ABC" for t in ("t1", "t2", "t3")]
    inst = Instance({"elm": grid(*(960 + 10 * i for i in range(5)))}, meetings(*rows))
    assert measure(inst, construct.blocks(inst)).wait_max == 0
    late = construct.blocks(inst, deadline=0.0)  # the clock has long passed it
    assert late.hurried == {"elm"} and len(late.placed) == 9
    # meeting by meeting at the earliest slot: B takes t1 at 16:10, t2 at 16:00, t3 at 16:30
    assert [late.placed[i].slot for i in (3, 4, 5)] == [1, 0, 3]
    assert measure(inst, late).wait_max == 10


def test_the_solve_keeps_the_other_schools_meetings_booked_where_they_are():
    # t1 teaches at both schools: its 16:00 at "oak" (solved second) must stay where it is
    oak, elm = grid(960, 970, school="oak"), grid(960, 970)
    rows = [Meeting(0, "A", "kid-A", "t1", "elm"), Meeting(1, "B", "kid-B", "t1", "oak"),
            Meeting(2, "C", "kid-C", "t1", "elm")]  # fmt: skip
    inst = Instance({"elm": elm, "oak": oak}, rows)
    outcome = run.plan(inst, 5, 1)
    slots = {i: p.slot for i, p in outcome.plan.placed.items()}
    assert len(slots) == 2 and outcome.status == "OPTIMAL"
    assert [why for _, why in outcome.quality.unplaced] == ["teacher full"]


def test_a_meeting_offers_the_solver_its_hinted_interpreter_and_three_others():
    # six Spanish interpreters all free: the model gets the hint's (i5) and the first three
    many = {f"i{n}": Interpreter(f"i{n}", "es", ((960, 1000),)) for n in range(6)}
    inst = Instance({"elm": grid(960, 970)}, meetings(("A", "t1", 3, 1, "es")), interpreters=many)
    occupancy = Occupancy(inst)
    options = solve._interpreter_options(occupancy, inst.meetings[0], [0, 1], "i5")
    assert list(options) == ["i5", "i0", "i1", "i2"]
    assert options["i5"] == [0, 1]


def test_the_household_timeline_is_the_slots_one_and_minutes_need_no_element(monkeypatch):
    """Without a family gap the household shares the meeting's slot interval; with one, its
    minutes are linear in the slot per run without a break, not an element constraint per
    meeting: at 100,000 students those kept a high school's model from its first solution."""
    protos = []
    solve_model = cp_model.CpSolver.solve

    def spy(self, model, *args, **kwargs):
        protos.append(model.proto)
        return solve_model(self, model, *args, **kwargs)

    monkeypatch.setattr(cp_model.CpSolver, "solve", spy)
    rows = meetings(("A", "t1", 3), ("A", "t2", 3), ("B", "t1", 3), ("B", "t2", 3))
    for gap, intervals in ((0, 4), (10, 8)):
        inst = Instance({"elm": grid(960, 970, 1000, 1010)}, rows, family_gap=gap)
        outcome = run.plan(inst, 5, 1)
        assert outcome.status == "OPTIMAL" and outcome.quality.total_placed == 4
        assert not any(c.has_element() for c in protos[-1].constraints)
        assert sum(c.has_interval() for c in protos[-1].constraints) == intervals
        # a family is in one meeting at a time either way
        placed = outcome.plan.placed
        for h in "AB":
            assert len({p.slot for i, p in placed.items() if rows[i].household == h}) == 2


def test_a_school_without_a_solution_in_time_reports_its_start_plans_objective(monkeypatch, capsys):
    """CP-SAT stopped before its first solution: the construction's plan is kept, its objective
    counted as the model counts it, and no bound is claimed."""
    monkeypatch.setattr(cp_model.CpSolver, "solve", lambda self, model, *a, **k: cp_model.UNKNOWN)
    inst = Instance({"elm": grid(960, 970)}, meetings(
        ("A", "t1", 3), ("A", "t2", 1), ("B", "t1", 2), ("B", "t2", 3)))  # fmt: skip
    outcome = run.plan(inst, 5, 1)
    assert [(r.status, r.bound) for r in outcome.schools] == [("UNKNOWN", None)]
    assert outcome.quality.total_placed == 4 and outcome.quality.wait_max == 0
    assert outcome.objective == 2 * WEIGHTS[3] + WEIGHTS[1] + WEIGHTS[2]
    assert outcome.bound is None and outcome.gap is None
    print_quality(Report("fall", outcome, 4, []))
    assert "gap unknown: no solution or bound in time at elm " in capsys.readouterr().out
