"""Evaluate the active policies as of a date: read-only, batch, each rule isolated from the rest."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlite_utils import Database

from polterm import config
from polterm.plugins import PluginError, Registry, one_line
from polterm.policy import (
    STATUSES,
    Checklist,
    ConferenceDraft,
    ConferenceKind,
    Finding,
    ReportRequest,
    ReportSection,
    RuleContext,
    Scope,
)

DEFAULT_TIMEOUT_S = 60.0
TIMEOUT_ENV = "POLTERM_RULE_TIMEOUT"

# SQLite authorizer action codes a rule may use: reading and nothing else.
_READ_ACTIONS = {
    sqlite3.SQLITE_SELECT,
    sqlite3.SQLITE_READ,
    sqlite3.SQLITE_FUNCTION,
    sqlite3.SQLITE_RECURSIVE,
}


class PluginTimeout(Exception):
    """A rule ran past its time budget."""


@dataclass
class Evaluation:
    """The findings of every rule that ran, and the plugins that failed, in one line each."""

    as_of: date
    findings: list[Finding] = field(default_factory=list)
    errors: list[PluginError] = field(default_factory=list)


def evaluate(
    db: Database,
    registry: Registry,
    as_of: date,
    *,
    scope: Scope | None = None,
    policies: list[str] | None = None,
    timeout: float | None = None,
) -> Evaluation:
    """Run every in-force rule of the given (default: active) policies; nothing is written."""
    scope = scope or Scope()
    timeout = rule_timeout() if timeout is None else timeout
    result = Evaluation(as_of, errors=list(registry.errors))
    names = policies if policies is not None else config.active_policies(db)
    for name in names:
        loaded = registry.policies.get(name)
        if loaded is None:
            continue  # reported by check_configured()
        overrides = config.rule_settings(db, name)
        for rule in loaded.rules.values():
            if not rule.in_force(as_of):
                continue
            ctx = RuleContext(
                db=db,
                as_of=as_of,
                policy=loaded.info,
                scope=scope,
                rule=rule,
                settings=config.effective_settings(rule.settings, overrides.get(rule.id, {})),
            )
            try:
                with read_only(db), time_limit(db, timeout):
                    found = list(_validated(rule.evaluate(ctx), name))
            except Exception as error:
                result.errors.append(
                    PluginError(loaded.plugin, f"rule {rule.id}: {one_line(error)}")
                )
                continue
            result.findings.extend(found)
    if scope != Scope():
        taught = _taught_by(db, scope.teacher_id) if scope.teacher_id is not None else None
        result.findings = [f for f in result.findings if _in_scope(f, scope, taught)]
    result.findings.sort(key=Finding.sort_key)
    return result


def rule_timeout() -> float:
    """Seconds a rule may run: `$POLTERM_RULE_TIMEOUT`, else 60 (a bad value is a user error)."""
    value = os.environ.get(TIMEOUT_ENV)
    if not value:
        return DEFAULT_TIMEOUT_S
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if seconds <= 0:
        from polterm.errors import PoltermError

        raise PoltermError(f"{TIMEOUT_ENV}={value!r} is not a positive number of seconds")
    return seconds


def conference_warnings(
    session_or_db: Any, registry: Registry, draft: ConferenceDraft, as_of: date
) -> tuple[list[Finding], list[PluginError]]:
    """Every active policy's warnings for a conference being entered, each policy isolated."""
    db: Database = session_or_db if isinstance(session_or_db, Database) else session_or_db.db
    findings, errors = _guarded_hook(
        db,
        registry,
        as_of,
        "polterm_conference_warnings",
        "conference warnings",
        _validated,
        conference=draft,
    )
    findings.sort(key=Finding.sort_key)
    return findings, errors


def _guarded_hook(
    db: Database,
    registry: Registry,
    as_of: date,
    hook: str,
    label: str,
    validate: Callable[[Any, str], Iterator[Any]],
    **kwargs: Any,
) -> tuple[list[Any], list[PluginError]]:
    """Call a hook of every active policy read-only and time-limited, one failing alone."""
    out: list[Any] = []
    errors: list[PluginError] = []
    for name, loaded in _active(db, registry):
        ctx = RuleContext(db=db, as_of=as_of, policy=loaded.info)
        try:
            with read_only(db), time_limit(db, rule_timeout()):
                results, failed = call_policy_hook(registry, name, hook, ctx=ctx, **kwargs)
                found = [item for items in results for item in validate(items, name)]
        except Exception as error:
            errors.append(PluginError(loaded.plugin, f"{label}: {one_line(error)}"))
            continue
        errors.extend(failed)
        out.extend(found)
    return out, errors


def report_sections(
    db: Database, registry: Registry, request: ReportRequest
) -> tuple[list[ReportSection], list[PluginError]]:
    """Every active policy's part of the involvement report, each policy isolated."""
    return _guarded_hook(
        db,
        registry,
        request.as_of,
        "polterm_report_sections",
        "report sections",
        _sections,
        report=request,
    )


def conference_kinds(db: Database, registry: Registry) -> list[tuple[str, ConferenceKind]]:
    """The conference kinds of the district's active policies, as (policy, kind) pairs."""
    return [
        (name, kind) for name, loaded in _active(db, registry) for kind in loaded.kinds.values()
    ]


def checklists(
    db: Database, registry: Registry, draft: ConferenceDraft | None, stage: str | None = None
) -> list[tuple[str, Checklist]]:
    """The active policies' checklists that apply to a conference (and stage), as pairs."""
    out = []
    for name, loaded in _active(db, registry):
        for checklist in loaded.checklists:
            if stage is not None and checklist.stage != stage:
                continue
            try:
                applies = checklist.applies_to(draft)
            except Exception:
                applies = False  # a broken predicate hides its checklist, never the form
            if applies:
                out.append((name, checklist))
    return out


def _active(db: Database, registry: Registry) -> list[tuple[str, Any]]:
    """The district's active policies that are installed and loaded, in the district's order."""
    return [
        (name, registry.policies[name])
        for name in config.active_policies(db)
        if name in registry.policies
    ]


def _sections(items: Any, policy: str) -> Iterator[ReportSection]:
    for item in [items] if isinstance(items, ReportSection) else items:
        if not isinstance(item, ReportSection):
            raise TypeError(f"returned {type(item).__name__}, not ReportSection")
        yield item


def _taught_by(db: Database, teacher_id: str) -> set[str]:
    return {r[0] for r in db.execute("SELECT id FROM student WHERE teacher_id = ?", [teacher_id])}


def missing_policies(db: Database, registry: Registry) -> list[str]:
    """One message per configured policy that is not installed (or did not load)."""
    out = []
    for name in config.active_policies(db):
        if name not in registry.policies:
            failed = [e for e in registry.errors if e.plugin == name]
            why = f" ({failed[0].message})" if failed else ""
            out.append(
                f"policy {name!r} is configured but not installed{why}: "
                f"install its package, e.g. `pip install polterm-{name.replace('_', '-')}`"
            )
    return out


def call_policy_hook(
    registry: Registry, policy: str, hook: str, **kwargs: Any
) -> tuple[list[Any], list[PluginError]]:
    """Call one policy's implementations of a hook, catching what it raises."""
    results: list[Any] = []
    errors: list[PluginError] = []
    for fn in registry.plugin_impls(hook, policy):
        try:
            value = fn(**kwargs)
        except Exception as error:
            errors.append(
                PluginError(registry.policies[policy].plugin, f"{hook}: {one_line(error)}")
            )
            continue
        if value is not None:
            results.append(value)
    return results, errors


def _validated(items: Any, policy: str) -> Iterator[Finding]:
    if items is None:
        return
    for item in items:
        if not isinstance(item, Finding):
            raise TypeError(f"returned {type(item).__name__}, not Finding")
        if item.policy != policy:
            raise ValueError(f"returned a finding of policy {item.policy!r}")
        if item.status not in STATUSES:
            raise ValueError(f"returned status {item.status!r}")
        yield item


def _in_scope(finding: Finding, scope: Scope, taught: set[str] | None) -> bool:
    """The engine's own filter, so a plugin that ignores the scope cannot leak other students."""
    if taught is not None and finding.student_id not in taught:
        return False
    if scope.student_id is not None and finding.student_id != scope.student_id:
        return False
    if scope.school_id is not None and finding.school_id != scope.school_id:
        return False
    return scope.school_ids is None or finding.school_id in scope.school_ids


@contextmanager
def read_only(db: Database) -> Iterator[None]:
    """Let a rule read and nothing else: the authorizer refuses every write at prepare time."""

    def authorize(action: int, arg1: Any, arg2: Any, dbname: Any, source: Any) -> int:
        if action in _READ_ACTIONS or (action == sqlite3.SQLITE_PRAGMA and arg2 is None):
            return sqlite3.SQLITE_OK
        return sqlite3.SQLITE_DENY

    db.conn.set_authorizer(authorize)
    try:
        yield
    finally:
        db.conn.set_authorizer(None)


@contextmanager
def time_limit(db: Database, seconds: float) -> Iterator[None]:
    """Stop a rule that runs too long, in SQL (progress handler) or in Python (SIGALRM)."""
    deadline = time.monotonic() + seconds
    db.conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    use_alarm = threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGALRM")
    if use_alarm:

        def on_alarm(signum: int, frame: object) -> None:
            raise PluginTimeout(f"took longer than {seconds:g} s")

        previous: Callable[..., Any] | int | None = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except sqlite3.OperationalError as error:
        if time.monotonic() > deadline:
            raise PluginTimeout(f"took longer than {seconds:g} s") from error
        raise
    finally:
        db.conn.set_progress_handler(None, 0)
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
