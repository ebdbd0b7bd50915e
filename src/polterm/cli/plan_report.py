"""The quality table `event plan` prints for people."""

from __future__ import annotations

from collections import Counter

import click

from polterm.cli.output import emit_table
from polterm.services.event_plan import Report

PRIORITY_NAMES = {1: "1 open parent request", 2: "2 flexible conferences due", 3: "3 the rest"}


def print_quality(report: Report) -> None:
    """Requested and placed by priority, unplaced by reason, waiting, solver, and FCFS."""
    data = report.contract()
    quality, baseline = report.outcome.quality, report.outcome.baseline
    click.echo(f"Event {report.event_id}: {data['placed']} of {data['requested']} meetings placed")
    emit_table(
        [
            {
                "priority": PRIORITY_NAMES[p],
                "requested": quality.requested[p],
                "placed": quality.placed[p],
                "first come, first served": baseline.placed[p],
            }
            for p in PRIORITY_NAMES
        ],
        ["priority", "requested", "placed", "first come, first served"],
    )
    click.echo("")
    emit_table(
        [
            {
                "figure": "family waiting, minutes (mean / p95 / max)",
                "plan": _wait(quality.wait()),
                "first come, first served": _wait(baseline.wait()),
            },
            {
                "figure": "visits per family",
                "plan": quality.visits_per_family,
                "first come, first served": baseline.visits_per_family,
            },
        ],
        ["figure", "plan", "first come, first served"],
    )
    solver = data["solver"]
    if solver["gap"] is None:
        silent = [r["school"] for r in data["schools"] if r["bound"] is None]
        click.echo(
            f"\nSolver: {solver['status']}, gap unknown: no solution or bound in time at "
            f"{', '.join(silent) or 'a school'} (the construction's plan kept), "
            f"{solver['seconds']} s"
        )
    else:
        click.echo(
            f"\nSolver: {solver['status']}, objective {solver['objective']:g}, bound "
            f"{solver['bound']:g}, gap {solver['gap']:.1%}, {solver['seconds']} s"
        )
    hurried = [r["school"] for r in data["schools"] if r["hurried"]]
    if hurried:
        click.echo(
            f"Out of time in the block construction at {', '.join(hurried)}: families not "
            "reached took their earliest free slots before the solver"
        )
    if data["interpreters"]:
        used = ", ".join(f"{i} {n}" for i, n in data["interpreters"].items())
        click.echo(f"Interpreters (meetings): {used}")
    if data["unplaced"]:
        reasons = Counter(u["reason"] for u in data["unplaced"])
        click.echo("\nUnplaced meetings: " + ", ".join(f"{n} {r}" for r, n in reasons.items()))
        emit_table(data["unplaced"], ["student_id", "staff_id", "reason"])
    if data["to_call"]:
        click.echo("\nFamilies to call about moved or dropped meetings:")
        emit_table(data["to_call"], ["household", "student_id", "staff_id", "was", "now"])
    if report.dry_run:
        click.echo("\nDry run: nothing written.")
    else:
        click.echo(f"\n{report.written} conferences written.")


def _wait(figures: dict[str, float]) -> str:
    return f"{figures['mean']:g} / {figures['p95']:g} / {figures['max']:g}"
