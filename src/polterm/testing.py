"""Build a small district in memory and evaluate a policy on it: for plugin authors' tests.

    from polterm.testing import District
    d = District(policies=["my_policy"], plugins=[my_plugin_module])
    s = d.student(school=d.school(level="elementary"))
    d.conference(s, kind="flexible", at="2025-10-01T15:00", status="held")
    findings = d.check("2025-11-01")

Rows go straight into the tables with believable defaults, so a test states only what matters.
This module is also a pytest plugin (entry point `pytest11`): with polterm installed, every
test gets the `district` fixture, a factory taking the same arguments as `District`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date
from typing import Any

import pluggy
import pytest
from sqlite_utils import Database

from polterm import hookspecs
from polterm.engine import Evaluation, evaluate, student_panels
from polterm.plugins import Registry, build_registry
from polterm.policy import Finding, Panel, Scope
from polterm.storage import open_database


class District:
    """An in-memory district with the core schema and the given policies switched on."""

    def __init__(
        self,
        policies: Iterable[str] = (),
        years: Iterable[tuple[str, str, str]] = (("2025-2026", "2025-08-27", "2026-06-12"),),
        plugins: Iterable[object] = (),
    ) -> None:
        self.plugins = list(plugins)
        self.db: Database = open_database(None, self._plugin_migrations())
        self._ids = itertools.count(1)
        self.db["district"].insert({"id": 1, "name": "Test District", "created_at": "2025-01-01"})
        for position, policy in enumerate(policies):
            self.db["district_policy"].insert({"policy": policy, "position": position})
        for name, start, end in years:
            self.db["school_year"].insert({"name": name, "start": start, "end": end})

    def _next(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids)}"

    def _plugin_migrations(self) -> list[Any]:
        out = []
        for plugin in self.plugins:
            hook = getattr(plugin, "polterm_migrations", None)
            if hook is not None:
                out.append(hook())
        return out

    def school(
        self, id: str | None = None, level: str = "elementary", name: str | None = None
    ) -> str:
        id = id or self._next("sch")
        self.db["school"].insert({"id": id, "name": name or f"School {id}", "level": level})
        return id

    def staff(
        self,
        role: str = "teacher",
        school: str | None = None,
        id: str | None = None,
        username: str | None = None,
        name: str | None = None,
    ) -> str:
        id = id or self._next("stf")
        self.db["staff"].insert(
            {
                "id": id,
                "name": name or f"Staff {id}",
                "role": role,
                "school_id": school,
                "username": username,
            }
        )
        return id

    def student(
        self,
        school: str | None = None,
        id: str | None = None,
        grade: str = "3",
        teacher: str | None = None,
        active: bool = True,
        given: str = "Sam",
        family: str | None = None,
    ) -> str:
        school = school or self.school()
        id = id or self._next("stu")
        self.db["student"].insert(
            {
                "id": id,
                "given": given,
                "family": family or f"Family{id}",
                "grade": grade,
                "school_id": school,
                "teacher_id": teacher,
                "active": int(active),
            }
        )
        return id

    def guardian(
        self,
        *students: str,
        id: str | None = None,
        name: str | None = None,
        phone: str | None = "555-0100",
        language: str = "en",
        interpreter: bool = False,
    ) -> str:
        id = id or self._next("g")
        self.db["guardian"].insert(
            {
                "id": id,
                "name": name or f"Guardian {id}",
                "phone": phone,
                "language": language,
                "interpreter": int(interpreter),
            }
        )
        for student in students:
            self.db["guardianship"].insert({"student_id": student, "guardian_id": id})
        return id

    def emergency_contact(
        self,
        student: str,
        name: str | None = "Pat Contact",
        phone: str | None = "555-0199",
        set_on: str | None = "2025-08-01",
        requested_on: str | None = None,
    ) -> None:
        self.db["emergency_contact"].upsert(
            {
                "student_id": student,
                "name": name,
                "phone": phone,
                "set_on": set_on,
                "requested_on": requested_on,
            },
            pk="student_id",
        )

    def conference(
        self,
        student: str,
        kind: str,
        at: str,
        status: str = "held",
        staff: Iterable[str] = (),
        attendees: Iterable[tuple[str, str | None]] = (),
        **fields: Any,
    ) -> int:
        """A conference; `attendees` are (name, guardian_id or None) pairs."""
        if len(at) == 10:
            at += "T15:00"
        table = self.db["conference"]
        table.insert({"student_id": student, "kind": kind, "at": at, "status": status, **fields})
        cid = int(table.last_pk)
        for staff_id in staff:
            self.db["conference_staff"].insert({"conference_id": cid, "staff_id": staff_id})
        for name, guardian_id in attendees:
            self.db["conference_attendee"].insert(
                {"conference_id": cid, "name": name, "guardian_id": guardian_id}
            )
        return cid

    def add(self, table: str, **row: Any) -> Any:
        """Any other record: `d.add("contact_attempt", student_id=s, made_on=..., ...)`."""
        tbl = self.db[table]
        tbl.insert(row)
        return tbl.last_pk

    def setting(self, policy: str, rule: str, key: str, value: Any) -> None:
        import json

        self.db["policy_setting"].upsert(
            {"policy": policy, "rule": rule, "key": key, "value": json.dumps(value)},
            pk=("policy", "rule", "key"),
        )

    def registry(self) -> Registry:
        """A registry of exactly this district's plugin modules (installed ones are ignored)."""
        pm = pluggy.PluginManager("polterm")
        pm.add_hookspecs(hookspecs)
        for plugin in self.plugins:
            pm.register(plugin)
        return build_registry(pm)

    def evaluate(self, as_of: str | date, scope: Scope | None = None) -> Evaluation:
        """The district's own policies as of a date, as `polterm check` evaluates them: a
        plugin given but not among `policies` is loaded and left out."""
        as_of = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
        return evaluate(self.db, self.registry(), as_of, scope=scope)

    def panels(self, student: str, as_of: str | date) -> list[Panel]:
        """The policies' panels on a student's page; fails loudly on plugin errors."""
        as_of = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
        found, errors = student_panels(self.db, self.registry(), student, as_of)
        if errors:
            raise AssertionError("; ".join(map(str, errors)))
        return found

    def check(
        self, as_of: str | date, rule: str | None = None, scope: Scope | None = None
    ) -> list[Finding]:
        """The findings as of a date (of one rule, if named); fails loudly on plugin errors."""
        result = self.evaluate(as_of, scope)
        if result.errors:
            raise AssertionError("; ".join(map(str, result.errors)))
        return [f for f in result.findings if rule is None or f.rule == rule]


@pytest.fixture
def district() -> type[District]:
    """A factory of in-memory districts: `d = district(policies=[...], plugins=[module])`."""
    return District
