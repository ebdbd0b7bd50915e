"""Commands for classes and families: `section add`, `enroll` and `family`."""

from __future__ import annotations

import click

from polterm.cli.detail import emit_id
from polterm.cli.output import emit, format_option
from polterm.cli.state import State, common_options, pass_state
from polterm.services import families, sections


@click.group("section")
@common_options
def section() -> None:
    """Sections (classes) and their teachers."""


@section.command("add")
@common_options
@click.option("--id", "id_", required=True, help="The district's id for the section.")
@click.option("--school", required=True)
@click.option("--title", required=True, help="What people call it, e.g. 'Math 7 B'.")
@click.option(
    "--teacher",
    "teachers",
    multiple=True,
    metavar="STAFF_ID",
    help="A teacher of the section (repeat; the first is the teacher of record).",
)
@click.option("--homeroom", is_flag=True, help="The students' homeroom class.")
@format_option()
@pass_state
def section_add(
    state: State,
    id_: str,
    school: str,
    title: str,
    teachers: tuple[str, ...],
    homeroom: bool,
    fmt: str,
) -> None:
    """Add a section; prints its id."""
    emit_id(sections.add_section(state.session(), id_, school, title, teachers, homeroom), fmt)


@click.command("enroll")
@common_options
@click.option("--section", "section_id", required=True)
@click.option("--student", required=True)
@format_option()
@pass_state
def enroll(state: State, section_id: str, student: str, fmt: str) -> None:
    """Enroll a student in a section of their school."""
    sections.enroll(state.session(), section_id, student)
    emit({"section": section_id, "student": student}, fmt)


@click.group("family")
@common_options
def family() -> None:
    """Households: the guardians invited together, and their children."""


@family.command("list")
@common_options
@click.option("--student", help="The households of one student.")
@click.option("--school", help="The households of one school's students.")
@format_option()
@pass_state
def family_list(state: State, student: str | None, school: str | None, fmt: str) -> None:
    """List households with their guardians and children."""
    emit(
        families.list_families(state.session(), student, school),
        fmt,
        ["household", "guardians", "students"],
    )


@family.command("set")
@common_options
@click.option("--guardian", required=True)
@click.option("--household", required=True, help="A new household id, or another's.")
@format_option()
@pass_state
def family_set(state: State, guardian: str, household: str, fmt: str) -> None:
    """Move a guardian to another household (separated parents: one household each)."""
    emit(families.set_household(state.session(), guardian, household), fmt)
