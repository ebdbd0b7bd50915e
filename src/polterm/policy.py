"""The values a policy plugin and the engine exchange. Plain dataclasses: no Textual, no I/O."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from functools import cached_property
from typing import Any

from sqlite_utils import Database

from polterm import periods
from polterm.periods import PERIOD_KINDS as PERIOD_KINDS
from polterm.periods import Period as Period
from polterm.settings import Setting as Setting  # a plugin imports every value from here

STATUSES = ("due", "overdue", "action", "warning")
LEVELS = ("elementary", "middle", "high")


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a policy says about the district as of a date (keys fixed by RULES.md)."""

    policy: str
    rule: str
    status: str
    student_id: str | None
    conference_id: int | None
    school_id: str | None
    due: str | None
    message: str
    citation: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "rule": self.rule,
            "status": self.status,
            "student_id": self.student_id,
            "conference_id": self.conference_id,
            "school_id": self.school_id,
            "due": self.due,
            "message": self.message,
            "citation": self.citation,
        }

    def sort_key(self) -> tuple:
        """Sorted by policy, rule, school, student, conference, due (CONTRACT.md); nulls first."""
        return (
            self.policy,
            self.rule,
            self.school_id or "",
            self.student_id or "",
            self.conference_id if self.conference_id is not None else -1,
            self.due or "",
        )


FINDING_KEYS = tuple(f.name for f in fields(Finding))
ROW_KEYS = FINDING_KEYS[2:]  # what a query's row may give: policy and rule are the rule's own


@dataclass(frozen=True)
class FindingQuery:
    """Findings a rule leaves to one SQL query, for rules that find thousands: a row per
    finding, its columns named after `Finding` fields, the fields no column gives in `fixed`.

    The engine runs it read-only and sorts, filters and keeps its rows in SQL, as text, so a
    million findings never become Python objects. Iterating it gives plain `Finding`s.
    """

    db: Database
    sql: str
    params: Mapping[str, Any]
    fixed: Mapping[str, Any]  # policy, rule and any field no column gives (a column wins)
    # The rule's promise that its rows come in `Finding.sort_key` order (its SQL sorts them or
    # walks an index in that order); the engine trusts it and sorts nothing.
    ordered: bool = False

    def columns(self) -> tuple[str, ...]:
        """The query's column names, without running it."""
        cursor = self.db.execute(f"SELECT * FROM ({self.sql}) LIMIT 0", self.params)
        return tuple(d[0] for d in cursor.description)

    def __iter__(self) -> Iterator[Finding]:
        cursor = self.db.execute(self.sql, self.params)
        names = [d[0] for d in cursor.description]
        for row in cursor:
            values = {**self.fixed, **dict(zip(names, row, strict=True))}
            yield Finding(*(values.get(key) for key in FINDING_KEYS))


@dataclass(frozen=True)
class PolicyInfo:
    """Who a policy is: its config name, its title and the base of every citation it makes."""

    name: str
    title: str
    citation: str
    source: str | None = None  # where the policy text lives, for readers


def cite(section: str, policy: PolicyInfo) -> str:
    """A citation as findings, `rules` and the Policies screen show it: the rule's own
    reference, then the policy's base ("¶ 4; Board Policy 9999")."""
    return "; ".join(part for part in (section, policy.citation) if part)


@dataclass(frozen=True)
class Scope:
    """Which students an evaluation covers: the user's filters and what their role may see."""

    school_id: str | None = None
    student_id: str | None = None
    teacher_id: str | None = None
    school_ids: frozenset[str] | None = None  # a role limited to some schools

    def sql(self, alias: str = "student") -> tuple[str, list[Any]]:
        """A WHERE fragment (always valid, `1` when unrestricted) over a student table alias."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.school_id is not None:
            clauses.append(f"{alias}.school_id = ?")
            params.append(self.school_id)
        if self.student_id is not None:
            clauses.append(f"{alias}.id = ?")
            params.append(self.student_id)
        if self.teacher_id is not None:
            clauses.append(f"{alias}.teacher_id = ?")
            params.append(self.teacher_id)
        if self.school_ids is not None:
            marks = ",".join("?" * len(self.school_ids))
            clauses.append(f"{alias}.school_id IN ({marks})")
            params.extend(sorted(self.school_ids))
        return (" AND ".join(clauses) or "1"), params

    def sql_school(self, alias: str = "school") -> tuple[str, list[Any]]:
        """A WHERE fragment over a school table alias, for school-level rules."""
        if self.student_id is not None or self.teacher_id is not None:
            return "0", []  # a school-level finding is nobody's single student
        clauses: list[str] = []
        params: list[Any] = []
        if self.school_id is not None:
            clauses.append(f"{alias}.id = ?")
            params.append(self.school_id)
        if self.school_ids is not None:
            clauses.append(f"{alias}.id IN ({','.join('?' * len(self.school_ids))})")
            params.extend(sorted(self.school_ids))
        return (" AND ".join(clauses) or "1"), params


@dataclass(frozen=True)
class Rule:
    """A rule of a policy: its id, legal reference, the dates it is in force and its settings."""

    id: str
    title: str
    citation: str
    evaluate: Callable[[RuleContext], Iterable[Finding]]
    effective_from: date | None = None
    effective_to: date | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    text: str | None = None
    # the roles whose job the rule's `action` findings are (the first names them on screen);
    # empty: whoever sees the finding
    acted_by: tuple[str, ...] = ()

    def in_force(self, as_of: date) -> bool:
        """True where the rule's effective dates cover the as-of date (both ends included)."""
        if self.effective_from and as_of < self.effective_from:
            return False
        return not (self.effective_to and as_of > self.effective_to)

    @property
    def sentence(self) -> str:
        """The policy sentence this rule implements: `text`, else the evaluate docstring."""
        return self.text or inspect.getdoc(self.evaluate) or ""


@dataclass(frozen=True)
class ConferenceField:
    """A field a conference kind records, with its choices and the school levels it applies at."""

    name: str
    title: str
    choices: tuple[str, ...] = ()
    levels: tuple[str, ...] = LEVELS


@dataclass(frozen=True)
class ConferenceKind:
    """A kind of conference a policy defines, and what it records beyond the common fields."""

    id: str
    title: str
    fields: tuple[ConferenceField, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    text: str


@dataclass(frozen=True)
class Checklist:
    """Steps a person follows; `stage` says when the UI shows it."""

    id: str
    title: str
    items: tuple[ChecklistItem, ...]
    stage: str = "conduct"  # "before" a conference, during "conduct", or "escalation"
    applies: Callable[[ConferenceDraft], bool] | None = None
    citation: str = ""

    def applies_to(self, conference: ConferenceDraft | None) -> bool:
        if self.applies is None:
            return True
        return conference is not None and bool(self.applies(conference))


@dataclass(frozen=True)
class Attendee:
    name: str
    guardian_id: str | None = None


@dataclass(frozen=True)
class ConferenceDraft:
    """A conference as a form holds it, saved or not; what live warnings are computed on."""

    student_id: str
    kind: str
    at: str
    school_id: str | None = None
    school_level: str | None = None
    id: int | None = None
    status: str = "scheduled"
    modality: str = "in-person"
    remote_offered: bool = False
    initiated_by: str | None = None
    staff_ids: tuple[str, ...] = ()
    attendees: tuple[Attendee, ...] = ()
    request_id: str | None = None
    principal_approved: bool = False
    group_size: str | None = None
    planning: str | None = None
    problem: str | None = None
    solutions: str | None = None
    plan: str | None = None
    support: tuple[str, ...] = ()

    @property
    def date(self) -> str:
        return self.at[:10]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ReportRequest:
    """The school and school year an involvement report is for."""

    school_id: str
    year: str
    start: date
    end: date
    as_of: date


@dataclass(frozen=True)
class ReportSection:
    """A policy's part of the involvement report: labelled figures and optional tables."""

    title: str
    facts: Mapping[str, Any] = field(default_factory=dict)
    tables: Mapping[str, list[dict[str, Any]]] = field(default_factory=dict)
    policy: str = ""


@dataclass(frozen=True)
class Panel:
    """A plugin's section of the student page: a title and lines of plain text."""

    title: str
    lines: tuple[str, ...] = ()
    policy: str = ""  # filled in by polterm


@dataclass(frozen=True)
class FormField:
    """A field of a plugin's record form: `kind` is text, date, int or choice."""

    name: str
    title: str
    kind: str = "text"
    choices: tuple[str, ...] = ()
    required: bool = True


@dataclass(frozen=True)
class RecordForm:
    """A record a person adds on the student page, saved audited into the plugin's `table`
    (which has a `student_id` column and is one of its per-student tables)."""

    id: str
    title: str
    table: str
    fields: tuple[FormField, ...]


@dataclass
class RuleContext:
    """What a rule sees: a read-only database, the as-of date, its settings and the scope."""

    db: Database
    as_of: date
    policy: PolicyInfo
    scope: Scope = field(default_factory=Scope)
    rule: Rule | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)

    @property
    def as_of_iso(self) -> str:
        return self.as_of.isoformat()

    def citation(self, section: str | None = None) -> str:
        """The policy's citation base, with the rule's own reference when it has one."""
        return cite(section or (self.rule.citation if self.rule else ""), self.policy)

    def finding(
        self,
        status: str,
        message: str,
        *,
        student_id: str | None = None,
        school_id: str | None = None,
        conference_id: int | None = None,
        due: date | str | None = None,
        rule: str | None = None,
        citation: str | None = None,
    ) -> Finding:
        """Build a finding of this context's policy and rule, with its citation filled in."""
        if status not in STATUSES:
            raise ValueError(f"unknown finding status {status!r}")
        return Finding(  # positional and with the default citation cached: rules call this a lot
            self.policy.name,
            rule or (self.rule.id if self.rule else ""),
            status,
            student_id,
            conference_id,
            school_id,
            due.isoformat() if isinstance(due, date) else due,
            message,
            citation or self._default_citation,
        )

    def query(
        self, sql: str, params: Mapping[str, Any], *, ordered: bool = False, **fixed: Any
    ) -> FindingQuery:
        """Findings of this context's policy and rule as the rows of one query (`FindingQuery`):
        `fixed` gives the fields no column does; the citation defaults to the rule's."""
        unknown = set(fixed) - set(ROW_KEYS)
        if unknown:
            raise TypeError(f"not finding fields: {', '.join(sorted(unknown))}")
        if isinstance(fixed.get("due"), date):
            fixed["due"] = fixed["due"].isoformat()
        rule = self.rule.id if self.rule else ""
        own = {"policy": self.policy.name, "rule": rule, "citation": self._default_citation}
        return FindingQuery(self.db, sql, params, {**own, **fixed}, ordered)

    def period(
        self, kind: str, school_id: str | None = None, day: date | None = None
    ) -> Period | None:
        """The period of a kind (semester, quarter, ...) containing a day (default the as-of
        date) for a school, or None."""
        return periods.containing(self.db, kind, day or self.as_of, school_id)

    def nth_period(self, kind: str, n: int, school_id: str | None = None) -> Period | None:
        """The n-th period of a kind in the as-of date's school year (-1: the last), or None."""
        return periods.nth_of_year(self.db, kind, n, self.as_of, school_id)

    @cached_property
    def _default_citation(self) -> str:
        return self.citation()
