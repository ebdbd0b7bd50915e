"""polterm policy plugin: Clinton Public Schools Policy and Regulation 6310."""

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
from polterm_clinton_6310.checklists import CHECKLISTS
from polterm_clinton_6310.conferences import (
    REMOTE_OPTION_OFFERED,
    RESOURCE_DOCUMENT_RULE,
    draft_warnings,
)
from polterm_clinton_6310.contacts import EMERGENCY_CONTACT_REQUESTED
from polterm_clinton_6310.escalation import (
    EMERGENCY_CONTACT_WELFARE_CHECK,
    UNREACHABLE_PARENT_ESCALATION,
)
from polterm_clinton_6310.flexible import TWO_FLEXIBLE_CONFERENCES
from polterm_clinton_6310.info import POLICY
from polterm_clinton_6310.involvement import PRINCIPAL_INVOLVEMENT_REPORT
from polterm_clinton_6310.kinds import KINDS
from polterm_clinton_6310.migrations import migrations
from polterm_clinton_6310.remote_learning import REMOTE_LEARNING_CONFERENCE
from polterm_clinton_6310.report import conference_section

RULES = (
    TWO_FLEXIBLE_CONFERENCES,
    REMOTE_OPTION_OFFERED,
    REMOTE_LEARNING_CONFERENCE,
    EMERGENCY_CONTACT_REQUESTED,
    RESOURCE_DOCUMENT_RULE,
    UNREACHABLE_PARENT_ESCALATION,
    EMERGENCY_CONTACT_WELFARE_CHECK,
    PRINCIPAL_INVOLVEMENT_REPORT,
)

__all__ = ["POLICY", "RULES"]


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
    return [conference_section(report, ctx)]
