"""Evaluate the active policies as of a date: read-only, batch, each rule isolated from the rest."""

from __future__ import annotations

import json
import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from itertools import chain
from pathlib import Path
from typing import Any

from sqlite_utils import Database, Migrations

from polterm import config, query_worker
from polterm.plugins import PluginError, Registry, one_line
from polterm.policy import (
    FINDING_KEYS,
    ROW_KEYS,
    STATUSES,
    Checklist,
    ConferenceDraft,
    ConferenceKind,
    Finding,
    FindingQuery,
    Panel,
    ReportRequest,
    ReportSection,
    RuleContext,
    Scope,
)
from polterm.query_worker import (
    MMAP_BYTES,
    PROGRESS_STEPS,
    authorize_reads,
    overran,
    run_block,
)
from polterm.storage.db import BUSY_TIMEOUT_MS, database_file, pragma_while
from polterm.storage.progress import stop_when

DEFAULT_TIMEOUT_S = 60.0
QUERY_THREADS = os.cpu_count() or 1  # rules' queries run side by side, one per core
# Processes, when they run the queries, two per core: every query starts at once and the
# kernel shares the cores among them, so the longest (which the engine cannot know) is not
# left to run alone at the end behind the others.
QUERY_PROCESSES = 2 * QUERY_THREADS
TIMEOUT_ENV = "POLTERM_RULE_TIMEOUT"
# From this size of database file on, each query thread hands its queries to a process of its
# own (`query_worker`): below it, starting the processes costs more than they save.
PROCESSES_FROM_BYTES = 64 << 20


# A FindingBlock's text: per row a JSON array of its values with MARKS[i] between the i-th and
# the next, rows apart by ROW_SEP. A mark is an array holding a control character: no value
# is an array, and inside a JSON string a quote is escaped, so `,["` occurs only as a mark;
# JSON escapes control characters, so ROW_SEP occurs only between rows.
ROW_SEP = "\x1e"
MARKS = tuple(f'["\\u{i:04x}"]' for i in range(1, len(ROW_KEYS)))
SORT_KEYS = ("school_id", "student_id", "conference_id", "due")  # Finding.sort_key, in SQL


class PluginTimeout(Exception):
    """A rule ran past its time budget."""


@dataclass(frozen=True)
class FindingBlock:
    """The findings of one rule's `FindingQuery` as the engine's SQL wrote them, sorted: the
    fields all rows share once, and per row the JSON of the others, as UTF-8 (see ROW_SEP)."""

    fixed: dict[str, Any]  # every finding field that is not a column
    columns: tuple[str, ...]  # the fields each row gives, in FINDING_KEYS order
    text: bytes
    count: int
    statuses: frozenset[str]

    @property
    def policy(self) -> str:
        return str(self.fixed["policy"])

    @property
    def rule(self) -> str:
        return str(self.fixed["rule"])

    def json_rows(self) -> bytes:
        """The rows as one JSON array of arrays, each value at `value_index` of its column."""
        return b"[" + self.text.replace(ROW_SEP.encode(), b",") + b"]"

    def json_row_chunks(self, size: int) -> Iterator[bytes]:
        """The rows as `json_rows` gives them, in arrays of about `size` bytes each (whole
        rows), so a reader never holds a second copy of a large block."""
        sep = ROW_SEP.encode()
        start = 0
        while start < len(self.text):
            end = self.text.find(sep, start + size)
            end = len(self.text) if end < 0 else end
            yield b"[" + self.text[start:end].replace(sep, b",") + b"]"
            start = end + 1

    def value_index(self, column: str) -> int:
        """Where a column's value sits in a row's array (marks fill the places between)."""
        return 2 * self.columns.index(column)

    def findings(self) -> list[Finding]:
        """The rows as `Finding`s, for readers other than the JSON writer."""
        if not self.count:
            return []
        return [
            Finding(**self.fixed, **dict(zip(self.columns, row[::2], strict=True)))
            for row in json.loads(self.json_rows())
        ]


Part = list[Finding] | FindingBlock


@dataclass
class Evaluation:
    """The findings of every rule that ran, in CONTRACT.md's order, and the plugins that failed.

    `parts` hold them as the rules gave them: lists of `Finding`s and `FindingBlock`s, one
    part per policy and rule, so a writer can stream a million without making objects.
    """

    as_of: date
    parts: list[Part] = field(default_factory=list)
    errors: list[PluginError] = field(default_factory=list)

    @cached_property
    def findings(self) -> list[Finding]:
        """Every finding as an object, in order (the UI, exports and tests read these)."""
        return [f for part in self.parts for f in _findings(part)]

    def has_status(self, status: str) -> bool:
        """Whether any finding has exactly this status."""
        return any(
            status in part.statuses
            if isinstance(part, FindingBlock)
            else any(f.status == status for f in part)
            for part in self.parts
        )


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
    result = Evaluation(as_of, errors=list(registry.errors))
    parts = evaluate_in_order(
        db, registry, as_of, result.errors, scope=scope, policies=policies, timeout=timeout
    )
    result.parts = list(parts)
    return result


def evaluate_in_order(
    db: Database,
    registry: Registry,
    as_of: date,
    errors: list[PluginError],
    *,
    scope: Scope | None = None,
    policies: list[str] | None = None,
    timeout: float | None = None,
) -> Iterator[Part]:
    """`evaluate`'s parts, each given as soon as it and every part before it in CONTRACT.md's
    order are done, while later rules' queries still run (a writer streams them and lets each
    go); the rules' failures are added to `errors` once the last part is given."""
    scope = scope or Scope()
    timeout = rule_timeout() if timeout is None else timeout
    allowed = allowed_values(db, scope)
    asked: list[tuple[tuple[str, str] | None, Asked | list[Finding] | PluginError]] = []
    names = policies if policies is not None else config.active_policies(db, as_of)
    # the caller's file mapped too, as the query threads' are, while its thread runs Python
    # rules and queries (its page reads were a tenth of the system time; a walk in school
    # order reads pages at random)
    mapped = pragma_while(db, "mmap_size", MMAP_BYTES)
    # one student's queries are too small to share out: a pool and its connections cost more
    threaded = scope.student_id is None
    # a rule that yields its findings does its work as they are read: read after every query
    # is asked, so the queries' threads start on the largest work first, not after it
    later: list[tuple[int, Who, Iterable[Finding]]] = []
    with mapped, _queries(db, timeout, threaded=threaded) as (run_query, steal):
        for name in names:
            loaded = registry.policies.get(name)
            if loaded is None:
                continue  # reported by check_configured()
            overrides = config.rule_settings(db, name)
            for rule in loaded.rules.values():
                if not rule.in_force(as_of):
                    continue
                who = (loaded.plugin, name, rule.id)
                try:
                    ctx = RuleContext(
                        db=db,
                        as_of=as_of,
                        policy=loaded.info,
                        scope=scope,
                        rule=rule,
                        settings=config.effective_settings(
                            rule.settings, overrides.get(rule.id, {})
                        ),
                    )
                    with read_only(db), time_limit(db, timeout):
                        found = rule.evaluate(ctx)
                        if isinstance(found, FindingQuery):
                            key = (name, str(found.fixed.get("rule")))
                            asked.append((key, run_query(found, name, allowed, who)))
                        elif isinstance(found, Iterator):
                            later.append((len(asked), who, found))
                            asked.append((None, []))
                        else:
                            asked.append((None, _listed(found, name, allowed)))
                except Exception as error:
                    asked.append((None, _rule_error(who, error)))
        for at, who, found in later:
            try:
                with read_only(db), time_limit(db, timeout):
                    asked[at] = (None, _listed(found, who[1], allowed))
            except Exception as error:
                asked[at] = (None, _rule_error(who, error))
        yield from _in_order(asked, steal, errors)


def _listed(
    found: Iterable[Finding] | None, policy: str, allowed: dict[str, set[Any]]
) -> list[Finding]:
    """A Python rule's findings, checked, within the caller's scope."""
    return [f for f in _validated(found, policy) if _in_scope(f, allowed)]


def _in_order(
    asked: list[tuple[tuple[str, str] | None, Any]], steal: Stealer, errors: list[PluginError]
) -> Iterator[Part]:
    """CONTRACT.md's order: by policy and rule, then by `Finding.sort_key` (a stable sort, as
    blocks come sorted); a rule's findings stay one part unless it gave findings and a block.

    A query's part (keyed by its policy and rule) is waited for, or run here if no thread has
    started it, only when every part before it is given; failures keep the order rules were
    asked in."""
    by_rule: dict[tuple[str, str], list[tuple[int, Any]]] = {}
    failed: list[tuple[int, PluginError]] = []
    for at, (key, item) in enumerate(asked):
        if isinstance(item, PluginError):
            failed.append((at, item))
        elif key is None:  # a Python rule's findings: each by its own policy and rule
            for finding in item if isinstance(item, list) else [item]:
                by_rule.setdefault((finding.policy, finding.rule), []).append((at, finding))
        else:
            by_rule.setdefault(key, []).append((at, item))
    asked.clear()  # the parts leave with their rule's turn, not at the end
    queued = [
        item for key in sorted(by_rule) for _, item in by_rule[key] if isinstance(item, Future)
    ]
    stolen: dict[Future[Any], Any] = {}

    def ready(item: Any) -> Any:
        """The item done: run here if no thread has started it; while a thread runs it, run
        here the next one no thread has started, rather than wait idle."""
        item = stolen.pop(item) if isinstance(item, Future) and item in stolen else steal(item)
        while isinstance(item, Future) and not item.done():
            for other in queued:  # one a thread has started, or this one, steal leaves as it is
                if other is not item and not other.done() and (got := steal(other)) is not other:
                    stolen[other] = got  # cancelled for the pool, run here
                    break
            else:
                break
        return item.result() if isinstance(item, Future) else item

    for key in sorted(by_rule):
        items: list[Finding | FindingBlock] = []
        for at, item in by_rule.pop(key):
            item = ready(item)
            if isinstance(item, PluginError):
                failed.append((at, item))
            else:
                items.append(item)
        if len(items) == 1 and isinstance(items[0], FindingBlock):
            yield items[0]
        elif items:
            yield sorted(chain.from_iterable(map(_as_findings, items)), key=Finding.sort_key)
    errors.extend(error for _, error in sorted(failed, key=lambda pair: pair[0]))


def _rule_error(who: Who, error: Exception) -> PluginError:
    """A rule's failure in one line, named by its plugin and rule id, and kept by policy and
    rule so the finding store can show it where the rule's findings were."""
    plugin, policy, rule_id = who
    return PluginError(plugin, f"rule {rule_id}: {one_line(error)}", policy, rule_id)


Who = tuple[str, str, str]  # plugin, policy, rule id
Asked = FindingBlock | Future[Part | PluginError]
QueryRunner = Callable[[FindingQuery, str, dict[str, set[Any]], Who], Asked]
Stealer = Callable[[Any], Any]


@contextmanager
def _queries(
    db: Database, timeout: float, *, threaded: bool = True
) -> Iterator[tuple[QueryRunner, Stealer]]:
    """Where rules' queries run: on threads with a read-only connection each to the district's
    file, so SQLite works on every core while the next rule is asked (only SQL runs there,
    under the same authorizer and time limit); from PROCESSES_FROM_BYTES on, each thread hands
    its queries to a `QueryProcess` instead (threads of one process share SQLite's locks and
    the mapped file's, and at a million students gained next to nothing on two cores: 3.9 s
    for the two largest rules against 4.5 s in turn, 2.5 s in two processes). In the caller's
    thread and guard when there is one core, when the database is in memory (a second
    connection cannot open it), or when the caller says the work is too small to share.

    The runner gives the query's block (inline, raising as the rule would), or a future of the
    block or of the rule's error. The stealer runs a future no thread has started yet in the
    caller's thread, once the caller has asked every rule, so no core idles while queries wait.
    """
    main = database_file(db)
    if not threaded or not main or QUERY_THREADS < 2:

        def inline(
            query: FindingQuery, policy: str, allowed: dict[str, set[Any]], who: Who
        ) -> FindingBlock:
            return _block(db, query, policy, allowed)  # it fails the rule as if it raised it

        yield inline, lambda item: item
        return
    local = threading.local()
    opened: list[Database] = []
    processes: list[QueryProcess] = []
    apart = os.path.getsize(main) >= PROCESSES_FROM_BYTES

    def connect() -> None:
        if apart:
            try:
                local.runner = QueryProcess(main)
            except OSError:  # no process to be had: this thread's own connection, as below
                pass
            else:
                processes.append(local.runner)
                return
        uri = f"{Path(main).as_uri()}?mode=ro"
        local.runner = Database(sqlite3.connect(uri, uri=True, check_same_thread=False))
        local.runner.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        local.runner.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        opened.append(local.runner)

    def run_on(runner: Database | QueryProcess, asked: BlockQuery, who: Who) -> Part | PluginError:
        try:
            if isinstance(runner, QueryProcess):
                return runner.block(asked, timeout)
            with read_only(runner), time_limit(runner, timeout):
                return _run(runner, asked)
        except Exception as error:
            return _rule_error(who, error)

    waiting: dict[Future[Part | PluginError], tuple[BlockQuery, Who]] = {}

    def ask(query: FindingQuery, policy: str, allowed: dict[str, set[Any]], who: Who) -> Asked:
        asked = block_query(query, policy, allowed)  # here: it reads the query's columns
        if isinstance(asked, FindingBlock):
            return asked
        future = pool.submit(lambda: run_on(local.runner, asked, who))
        waiting[future] = (asked, who)
        return future

    def steal(item: Any) -> Any:
        if isinstance(item, Future) and item.cancel():
            return run_on(db, *waiting[item])
        return item

    pool = ThreadPoolExecutor(QUERY_PROCESSES if apart else QUERY_THREADS, initializer=connect)
    try:
        yield ask, steal
    finally:
        for process in processes:  # a query still running (the caller stopped early) ends now
            process.close()
        pool.shutdown(cancel_futures=True)
        for process in processes:  # one a thread started meanwhile
            process.close()
        for opened_db in opened:
            opened_db.close()


@dataclass(frozen=True)
class BlockQuery:
    """A rule's query as the engine runs it: scoped, sorted and written out as text by SQLite
    (`sql`), and, should a row's status be none of STATUSES, the query that finds it."""

    fixed: dict[str, Any]
    columns: tuple[str, ...]
    sql: str
    params: dict[str, Any]
    bad_sql: str | None

    def block(self, text: bytes, count: int, flags: list[int], bad: str | None) -> FindingBlock:
        """The block from what the query gave (`query_worker.run_block`)."""
        fixed, columns = self.fixed, self.columns
        if "status" not in columns:
            found = frozenset({fixed["status"]} if count else ())
            return FindingBlock(fixed, columns, text, count, found)
        if bad is not None:
            raise ValueError(f"returned status {bad}")
        found = frozenset(s for s, flag in zip(STATUSES, flags, strict=False) if flag)
        return FindingBlock(fixed, columns, text, count, found)


def _block(
    db: Database, query: FindingQuery, policy: str, allowed: dict[str, set[Any]]
) -> FindingBlock:
    """Run a rule's query in this thread."""
    asked = block_query(query, policy, allowed)
    return asked if isinstance(asked, FindingBlock) else _run(db, asked)


def _run(db: Database, asked: BlockQuery) -> FindingBlock:
    """Run a prepared block query on this connection."""
    return asked.block(*run_block(db.conn, asked.sql, asked.params, asked.bad_sql))


def block_query(
    query: FindingQuery, policy: str, allowed: dict[str, set[Any]]
) -> BlockQuery | FindingBlock:
    """How to run a rule's query (or its empty block, when its fixed fields are out of scope)."""
    named = query.columns()
    if len(set(named)) != len(named) or not set(named) <= set(ROW_KEYS):
        raise ValueError(f"query columns {', '.join(named)} are not distinct finding fields")
    columns = tuple(key for key in ROW_KEYS if key in named)
    fixed = {key: query.fixed.get(key) for key in FINDING_KEYS if key not in columns}
    if fixed["policy"] != policy:
        raise ValueError(f"returned a finding of policy {fixed['policy']!r}")
    if "status" not in columns and fixed["status"] not in STATUSES:
        raise ValueError(f"returned status {fixed['status']!r}")
    where, params = ["1"], dict(query.params)
    for key, values in allowed.items():
        if key not in columns:
            if fixed[key] not in values:
                return FindingBlock(fixed, columns, b"", 0, frozenset())
            continue
        names = [f"polterm_{key}{i}" for i in range(len(values))]
        where.append(f"{key} IN ({', '.join(':' + n for n in names)})")
        params.update(zip(names, sorted(values), strict=True))
    order = [] if query.ordered else [key for key in SORT_KEYS if key in columns]
    marked = [columns[0]]
    for mark, key in zip(MARKS, columns[1:], strict=False):
        marked += [f"json('{mark}')", key]
    checks, bad_sql = "", None
    if "status" in columns:
        listed = ", ".join(f"'{s}'" for s in STATUSES)
        checks = "".join(f", max(status = '{s}')" for s in STATUSES)
        checks += f", sum(coalesce(status NOT IN ({listed}), 1))"
        bad_sql = f"SELECT status FROM ({query.sql}) WHERE coalesce(status NOT IN ({listed}), 1)"
    # OFFSET 0 keeps the rule's query whole (SQLite flattens no subquery with an OFFSET), so
    # its plan is the rule's own and the sort is one pass over its rows, not a new plan that
    # walks an index in sort order and seeks everything else at random.
    sql = f"""
        SELECT CAST(group_concat(json_array({", ".join(marked)}), char({ord(ROW_SEP)})) AS BLOB),
               count(*){checks}
        FROM (SELECT * FROM (SELECT * FROM ({query.sql}) LIMIT -1 OFFSET 0)
              WHERE {" AND ".join(where)} {"ORDER BY " + ", ".join(order) if order else ""})"""
    return BlockQuery(fixed, columns, sql, params, bad_sql)


class QueryProcess:
    """A `query_worker` process on the district's file, read-only, for one query thread."""

    def __init__(self, path: str) -> None:
        uri = f"{Path(path).resolve().as_uri()}?mode=ro"
        worker = Path(query_worker.__file__)
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-S", str(worker), uri, str(BUSY_TIMEOUT_MS)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

    def block(self, asked: BlockQuery, timeout: float) -> FindingBlock:
        """The block as `_run` gives it, from the process; its failure raised here."""
        stdin, stdout = self.proc.stdin, self.proc.stdout
        assert stdin is not None and stdout is not None
        try:
            params = {name: _bound(value) for name, value in asked.params.items()}
            pickle.dump((asked.sql, params, asked.bad_sql, timeout), stdin)
            stdin.flush()
            head = json.loads(stdout.readline() or "null")
        except (OSError, ValueError):
            head = None
        if head is None:
            raise RuntimeError(f"its query's process ended (exit status {self.proc.poll()})")
        if "error" in head:
            raise _worker_error(head["error"], head["message"])
        text = stdout.read(head["size"])
        return asked.block(text, head["count"], head["flags"], head["bad"])

    def close(self) -> None:
        """End the process now, with whatever query it runs."""
        self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()


def _bound(value: Any) -> Any:
    """A parameter as SQLite will be given it, adapted here as this process's sqlite3 would (a
    plugin's own adapters are registered here, not in the query's process)."""
    if value is None or isinstance(value, int | float | str | bytes):
        return value
    adapt = sqlite3.adapters.get((type(value), sqlite3.PrepareProtocol))
    if adapt is not None:
        return adapt(value)
    conform = getattr(value, "__conform__", None)
    return conform(sqlite3.PrepareProtocol) if conform is not None else value


def _worker_error(kind: str, message: str) -> Exception:
    """A query process's failure as the query raised it in this process would read."""
    if kind == query_worker.QueryTimeout.__name__:
        return PluginTimeout(message)
    error = getattr(sqlite3, kind, None)
    if isinstance(error, type) and issubclass(error, sqlite3.Error):
        return error(message)
    return RuntimeError(f"{kind}: {message}")


def _as_findings(item: Finding | FindingBlock) -> list[Finding]:
    return item.findings() if isinstance(item, FindingBlock) else [item]


def _findings(part: Part) -> list[Finding]:
    return part.findings() if isinstance(part, FindingBlock) else part


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
    for name, loaded in _active(db, registry, as_of):
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


def student_panels(
    db: Database, registry: Registry, student_id: str, as_of: date
) -> tuple[list[Panel], list[PluginError]]:
    """Every active policy's panel for a student's page, read-only, each policy isolated."""
    return _guarded_hook(
        db,
        registry,
        as_of,
        "polterm_student_panel",
        "student panel",
        _panels,
        student_id=student_id,
    )


def _panels(items: Any, policy: str) -> Iterator[Panel]:
    for item in [items] if isinstance(items, Panel) else items:
        if not isinstance(item, Panel):
            raise TypeError(f"returned {type(item).__name__}, not Panel")
        yield replace(item, policy=policy)


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


def _active(db: Database, registry: Registry, as_of: date | None = None) -> list[tuple[str, Any]]:
    """The district's policies in force on a day (default today) that are installed and
    loaded, in the district's order."""
    return [
        (name, registry.policies[name])
        for name in config.active_policies(db, as_of or date.today())
        if name in registry.policies
    ]


def _sections(items: Any, policy: str) -> Iterator[ReportSection]:
    for item in [items] if isinstance(items, ReportSection) else items:
        if not isinstance(item, ReportSection):
            raise TypeError(f"returned {type(item).__name__}, not ReportSection")
        yield item


def allowed_values(db: Database, scope: Scope) -> dict[str, set[Any]]:
    """The engine's own scope filter, so a plugin that ignores the scope cannot leak other
    students: for each finding field it limits, the values a finding may have."""
    allowed: dict[str, set[Any]] = {}
    if scope.teacher_id is not None:
        sql = "SELECT id FROM student WHERE teacher_id = ?"
        allowed["student_id"] = {r[0] for r in db.execute(sql, [scope.teacher_id])}
    if scope.student_id is not None:
        allowed["student_id"] = allowed.get("student_id", {scope.student_id}) & {scope.student_id}
    if scope.school_id is not None:
        allowed["school_id"] = {scope.school_id}
    if scope.school_ids is not None:
        allowed["school_id"] = allowed.get("school_id", set(scope.school_ids)) & scope.school_ids
    return allowed


def missing_policies(db: Database, registry: Registry, as_of: date | None = None) -> list[str]:
    """One message per policy in force (on a day, default today) that is not installed (or
    did not load)."""
    return [
        registry.why_missing(name)
        for name in config.active_policies(db, as_of or date.today())
        if name not in registry.policies
    ]


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


def policy_migrations(registry: Registry, policies: Iterable[str]) -> list[Migrations]:
    """The named policies' own migration sets (those installed), so their tables exist before
    they run; a policy a district never enables leaves its database alone."""
    out: list[Migrations] = []
    for name in dict.fromkeys(policies):
        if name in registry.policies:
            results, _ = call_policy_hook(registry, name, "polterm_migrations")
            out.extend(results)
    return out


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


def _in_scope(finding: Finding, allowed: dict[str, set[Any]]) -> bool:
    return all(getattr(finding, key) in values for key, values in allowed.items())


@contextmanager
def read_only(db: Database) -> Iterator[None]:
    """Let a rule read and nothing else: the authorizer refuses every write at prepare time."""

    db.conn.set_authorizer(authorize_reads)
    try:
        yield
    finally:
        db.conn.set_authorizer(None)


@contextmanager
def time_limit(db: Database, seconds: float) -> Iterator[None]:
    """Stop a rule that runs too long, in SQL (progress handler) or in Python (SIGALRM)."""
    deadline = time.monotonic() + seconds
    use_alarm = threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGALRM")
    if use_alarm:

        def on_alarm(signum: int, frame: object) -> None:
            raise PluginTimeout(overran(seconds))

        previous: Callable[..., Any] | int | None = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        with stop_when(db, lambda: time.monotonic() > deadline, PROGRESS_STEPS):
            yield
    except sqlite3.OperationalError as error:
        if time.monotonic() > deadline:
            raise PluginTimeout(overran(seconds)) from error
        raise
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
