"""Commands for people: `staff`, `student`, `guardian`, `emergency-contact`."""

from __future__ import annotations

import click

from polterm.cli.detail import emit_id, emit_record
from polterm.cli.output import emit, format_option
from polterm.cli.state import State, common_options, pass_state
from polterm.services import people
from polterm.services.validate import parse_date


@click.group("staff")
@common_options
def staff() -> None:
    """Staff members: teachers, principals, designees, office, IT, superintendent."""


@staff.command("add")
@common_options
@click.option("--id", "id_", required=True, help="The district's id for the person.")
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(people.ROLES))
@click.option("--school", help="Their school (none: district office).")
@click.option("--username", metavar="OSUSER", help="Their OS login, so they can use polterm.")
@format_option()
@pass_state
def staff_add(
    state: State,
    id_: str,
    name: str,
    role: str,
    school: str | None,
    username: str | None,
    fmt: str,
) -> None:
    """Add a staff member."""
    emit_id(people.add_staff(state.session(), id_, name, role, school, username), fmt)


@staff.command("list")
@common_options
@click.option("--school", help="Only this school's staff.")
@click.option("--role", type=click.Choice(people.ROLES), help="Only this role.")
@format_option()
@pass_state
def staff_list(state: State, school: str | None, role: str | None, fmt: str) -> None:
    """List staff members by name."""
    emit(
        people.list_staff(state.session(), school, role),
        fmt,
        ["id", "name", "role", "school_id", "username", "active"],
    )


@click.group("student")
@common_options
def student() -> None:
    """Students."""


@student.command("add")
@common_options
@click.option("--id", "id_", required=True, help="The district's id for the student.")
@click.option("--given", required=True, help="Given name.")
@click.option("--family", required=True, help="Family name.")
@click.option("--grade", required=True, metavar="K..12")
@click.option("--school", required=True)
@click.option("--teacher", metavar="STAFF_ID", help="Teacher of record.")
@format_option()
@pass_state
def student_add(
    state: State,
    id_: str,
    given: str,
    family: str,
    grade: str,
    school: str,
    teacher: str | None,
    fmt: str,
) -> None:
    """Add a student."""
    emit_id(people.add_student(state.session(), id_, given, family, grade, school, teacher), fmt)


@student.command("list")
@common_options
@click.option("--school", help="Only this school.")
@click.option("--grade", metavar="K..12", help="Only this grade.")
@click.option("--teacher", metavar="STAFF_ID", help="Only this teacher's students.")
@click.option("--search", metavar="TEXT", help="Part of a name, or the id.")
@click.option("--all", "include_inactive", is_flag=True, help="Include inactive students.")
@format_option()
@pass_state
def student_list(
    state: State,
    school: str | None,
    grade: str | None,
    teacher: str | None,
    search: str | None,
    include_inactive: bool,
    fmt: str,
) -> None:
    """List students by family and given name."""
    rows = people.list_students(
        state.session(), school, grade, teacher, search, include_inactive=include_inactive
    )
    emit(rows, fmt, ["id", "family", "given", "grade", "school_id", "teacher"])


@student.command("show")
@common_options
@click.argument("student_id", metavar="ID")
@format_option()
@pass_state
def student_show(state: State, student_id: str, fmt: str) -> None:
    """Show a student with guardians, emergency contact and conferences."""
    emit_record(
        people.show_student(state.session(), student_id),
        fmt,
        {
            "guardians": ["id", "name", "phone", "email", "language", "interpreter"],
            "emergency_contact": ["name", "phone", "set_on", "requested_on"],
            "conferences": ["id", "at", "kind", "status", "modality"],
        },
    )


@click.group("guardian")
@common_options
def guardian() -> None:
    """Guardians (parents) of students."""


@guardian.command("add")
@common_options
@click.option("--id", "id_", required=True, help="The district's id for the guardian.")
@click.option("--student", "students", required=True, multiple=True, help="A student (repeatable).")
@click.option("--name", required=True)
@click.option("--phone", metavar="P")
@click.option("--email", metavar="E")
@click.option("--language", default="en", show_default=True, metavar="CODE")
@click.option("--interpreter", is_flag=True, help="Needs an interpreter.")
@click.option("--household", help="Guardians sharing a home share this value.")
@format_option()
@pass_state
def guardian_add(
    state: State,
    id_: str,
    students: tuple[str, ...],
    name: str,
    phone: str | None,
    email: str | None,
    language: str,
    interpreter: bool,
    household: str | None,
    fmt: str,
) -> None:
    """Add a guardian of one or more students."""
    emit_id(
        people.add_guardian(
            state.session(),
            id_,
            list(students),
            name,
            phone,
            email,
            language,
            interpreter,
            household,
        ),
        fmt,
    )


@click.group("emergency-contact")
@common_options
def emergency_contact() -> None:
    """A student's emergency contact, or the day the parent was asked for one."""


@emergency_contact.command("set")
@common_options
@click.option("--student", required=True)
@click.option("--name", required=True)
@click.option("--phone", required=True, metavar="P")
@click.option("--on", metavar="DATE", help="The day the family gave it [default: today].")
@format_option()
@pass_state
def emergency_contact_set(
    state: State, student: str, name: str, phone: str, on: str | None, fmt: str
) -> None:
    """Put a student's emergency contact on file, as of the day the family gave it."""
    day = parse_date(on, "--on") if on is not None else None
    people.set_emergency_contact(state.session(), student, name, phone, day)
    emit_id(student, fmt)


@emergency_contact.command("requested")
@common_options
@click.option("--student", required=True)
@click.option("--on", required=True, metavar="DATE")
@format_option()
@pass_state
def emergency_contact_requested(state: State, student: str, on: str, fmt: str) -> None:
    """Record the day the parent was asked for an emergency contact."""
    people.emergency_contact_requested(state.session(), student, on)
    emit_id(student, fmt)
