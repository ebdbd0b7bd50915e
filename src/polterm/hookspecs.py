"""The hooks a policy plugin implements. Every spec's body is only its docstring.

Registration hooks hand the plugin a `register` callback (as llm's `register_models` does),
so a plugin may register any number of things and the engine validates each as it comes.
Evaluation is batch: a rule's `evaluate(ctx)` is called once per check, never per student.
"""

from __future__ import annotations

from pluggy import HookimplMarker, HookspecMarker

hookspec = HookspecMarker("polterm")
hookimpl = HookimplMarker("polterm")


@hookspec
def polterm_policy():  # type: ignore[no-untyped-def]
    """Return the plugin's `PolicyInfo`: its name, title and citation base."""


@hookspec
def polterm_register_rules(register):  # type: ignore[no-untyped-def]
    """Call `register(Rule(...))` for each rule of the policy."""


@hookspec
def polterm_register_conference_kinds(register):  # type: ignore[no-untyped-def]
    """Call `register(ConferenceKind(...))` for each conference kind the policy defines."""


@hookspec
def polterm_register_checklists(register):  # type: ignore[no-untyped-def]
    """Call `register(Checklist(...))` for each checklist a person follows (conduct, escalation)."""


@hookspec
def polterm_conference_warnings(conference, ctx):  # type: ignore[no-untyped-def]
    """Return warnings (`Finding`s) for a conference being entered, before it is saved.

    `conference` is a `ConferenceDraft`; `ctx` a `RuleContext` for the plugin's policy.
    """


@hookspec
def polterm_report_sections(report, ctx):  # type: ignore[no-untyped-def]
    """Return `ReportSection`s for the involvement report of `report` (a `ReportRequest`)."""


@hookspec
def polterm_migrations():  # type: ignore[no-untyped-def]
    """Return a sqlite-utils `Migrations` set for the plugin's own tables (a unique name)."""


@hookspec
def polterm_register_commands(cli):  # type: ignore[no-untyped-def]
    """Add click commands to the `polterm` command group."""


@hookspec
def polterm_per_student_tables():  # type: ignore[no-untyped-def]
    """Return the names of the plugin's tables whose rows belong to one student each.

    A write there that names its student (`plugin_api.insert(..., student_id=...)`)
    re-evaluates that student only; a change to any other table re-evaluates the district.
    """


@hookspec
def polterm_student_panel(student_id, ctx):  # type: ignore[no-untyped-def]
    """Return a `Panel` (or None) for the student page of `student_id`, read-only.

    `ctx` is a `RuleContext` of the plugin's policy as of today; read its `db`, never write.
    """


@hookspec
def polterm_register_record_forms(register):  # type: ignore[no-untyped-def]
    """Call `register(RecordForm(...))` for each record the student page lets a person add."""
