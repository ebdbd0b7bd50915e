"""polterm policy plugin: Board Policy P1471, Conference with Parents."""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Migrations

from polterm import hookimpl
from polterm.policy import (
    Checklist,
    ConferenceDraft,
    ConferenceKind,
    Finding,
    PolicyInfo,
    ReportRequest,
    ReportSection,
    Rule,
    RuleContext,
)
from polterm_p1471.checklists import CHECKLISTS
from polterm_p1471.conduct import (
    CONFERENCE_SIZE,
    PATRON_PRIVACY,
    PROBLEM_RESOLUTION_RECORD,
    draft_warnings,
)
from polterm_p1471.info import POLICY
from polterm_p1471.kinds import KINDS
from polterm_p1471.migrations import migrations
from polterm_p1471.progress import PROGRESS_REPORT_NOT_REPLACED
from polterm_p1471.report import request_section
from polterm_p1471.requests import ARRANGE_PARENT_REQUEST

RULES = (
    ARRANGE_PARENT_REQUEST,
    CONFERENCE_SIZE,
    PATRON_PRIVACY,
    PROBLEM_RESOLUTION_RECORD,
    PROGRESS_REPORT_NOT_REPLACED,
)


@hookimpl
def polterm_policy() -> PolicyInfo:
    return POLICY


@hookimpl
def polterm_register_rules(register: Callable[[Rule], None]) -> None:
    for rule in RULES:
        register(rule)


@hookimpl
def polterm_migrations() -> Migrations:
    return migrations


@hookimpl
def polterm_register_conference_kinds(register: Callable[[ConferenceKind], None]) -> None:
    for kind in KINDS:
        register(kind)


@hookimpl
def polterm_register_checklists(register: Callable[[Checklist], None]) -> None:
    for checklist in CHECKLISTS:
        register(checklist)


@hookimpl
def polterm_conference_warnings(conference: ConferenceDraft, ctx: RuleContext) -> list[Finding]:
    return draft_warnings(conference, ctx)


@hookimpl
def polterm_report_sections(report: ReportRequest, ctx: RuleContext) -> list[ReportSection]:
    return [request_section(report, ctx)]
