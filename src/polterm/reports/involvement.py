"""The principal's involvement report (AR 6310): core figures plus each active policy's part.

Core sections (conferences by kind and modality, parent requests, activities) read the core
tables; the policy sections come from `engine.report_sections`, each policy isolated.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from statistics import median
from typing import Any

import tomli_w

from polterm.engine import report_sections
from polterm.errors import PoltermError
from polterm.policy import ReportRequest, ReportSection
from polterm.services.session import Session


@dataclass
class Report:
    """Everything the report says, in the order it is printed."""

    school_id: str
    school: str
    year: str
    start: str
    end: str
    as_of: str
    sections: list[ReportSection] = field(default_factory=list)
    submitted_on: str | None = None
    submitted_by: str | None = None
    errors: list[str] = field(default_factory=list)


def build_report(session: Session, school_id: str, year: str, as_of: date) -> Report:
    """Build the report of one school and year as of a date (read only)."""
    session.authorize("report.read", school_id=school_id)
    db = session.db
    school = db.execute("SELECT name FROM school WHERE id = ?", [school_id]).fetchone()
    if school is None:
        raise PoltermError(f"no school with id {school_id!r}")
    span = db.execute("SELECT start, end FROM school_year WHERE name = ?", [year]).fetchone()
    if span is None:
        raise PoltermError(f"no school year {year!r}")
    start, end = span
    submitted = db.execute(
        "SELECT submitted_on, submitted_by FROM involvement_report"
        " WHERE school_id = ? AND year = ?",
        [school_id, year],
    ).fetchone()
    report = Report(school_id, school[0], year, start, end, as_of.isoformat())
    if submitted:
        report.submitted_on, report.submitted_by = submitted
    window = [school_id, start, min(end, as_of.isoformat()) + "T23:59"]
    report.sections.append(_conferences(session, window))
    report.sections.append(_requests(session, window))
    report.sections.append(_activities(session, window))
    request = ReportRequest(school_id, year, date.fromisoformat(start), date.fromisoformat(end),
                            as_of)  # fmt: skip
    sections, errors = report_sections(db, session.registry, request)
    report.sections.extend(sections)
    report.errors = [f"{e.plugin}: {e.message}" for e in errors]
    return report


def _conferences(session: Session, window: list[str]) -> ReportSection:
    rows = session.db.execute(
        "SELECT c.kind, c.modality, count(*) FROM conference c JOIN student s"
        " ON s.id = c.student_id WHERE s.school_id = ? AND c.status = 'held'"
        " AND c.at BETWEEN ? AND ? GROUP BY c.kind, c.modality ORDER BY c.kind, c.modality",
        window,
    ).fetchall()
    table = [{"kind": k, "modality": m, "held": n} for k, m, n in rows]
    return ReportSection(
        "Conferences held",
        {"conferences held": sum(r["held"] for r in table)},
        {"by kind and modality": table},
        policy="core",
    )


def _requests(session: Session, window: list[str]) -> ReportSection:
    """Parent requests, and days from the request to the first conference arranged for it."""
    rows = session.db.execute(
        "SELECT r.requested_on, (SELECT min(c.at) FROM conference c WHERE c.request_id = r.id"
        "  AND c.status != 'cancelled') FROM parent_request r JOIN student s"
        " ON s.id = r.student_id WHERE s.school_id = ? AND r.requested_on BETWEEN ? AND ?",
        window,
    ).fetchall()
    days = [(date.fromisoformat(at[:10]) - date.fromisoformat(on)).days for on, at in rows if at]
    return ReportSection(
        "Parent-initiated requests",
        {
            "requests": len(rows),
            "arranged": len(days),
            "not arranged": len(rows) - len(days),
            "median days to the conference": median(days) if days else None,
            "longest wait (days)": max(days) if days else None,
        },
        policy="core",
    )


def _activities(session: Session, window: list[str]) -> ReportSection:
    rows = session.db.execute(
        "SELECT held_on, kind, attendance, note FROM involvement_activity WHERE school_id = ?"
        " AND held_on BETWEEN ? AND substr(?, 1, 10) ORDER BY held_on, id",
        window,
    ).fetchall()
    table = [{"date": d, "kind": k, "attendance": a, "note": n} for d, k, a, n in rows]
    return ReportSection(
        "Involvement activities",
        {"activities": len(table), "attendance": sum(r["attendance"] or 0 for r in table)},
        {"activities": table},
        policy="core",
    )


def submit(session: Session, school_id: str, year: str, on: date) -> None:
    """Record that the principal submitted the report (once per school and year)."""
    session.authorize("report.write", school_id=school_id)
    row = {"submitted_on": on.isoformat(), "submitted_by": session.actor.staff_id}
    key = (school_id, year)
    with session.transaction():
        if session.db.execute(
            "SELECT 1 FROM involvement_report WHERE school_id = ? AND year = ?", list(key)
        ).fetchone():
            session.update("involvement_report", key, row)
        else:
            session.insert("involvement_report", {"school_id": school_id, "year": year, **row})


def as_data(report: Report) -> dict[str, Any]:
    """Plain data for JSON and TOML (no nulls in TOML: they are dropped there)."""
    data = asdict(report)
    data["sections"] = [
        {"title": s.title, "policy": s.policy, "facts": dict(s.facts),
         "tables": {k: list(v) for k, v in s.tables.items()}}
        for s in report.sections
    ]  # fmt: skip
    return data


def render_json(report: Report) -> str:
    return json.dumps(as_data(report), indent=2, ensure_ascii=False, default=str) + "\n"


def render_toml(report: Report) -> str:
    return tomli_w.dumps(_no_nulls(as_data(report)))


def _no_nulls(value: Any) -> Any:
    """TOML has no null: leave such keys out."""
    if isinstance(value, dict):
        return {k: _no_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_no_nulls(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def render_markdown(report: Report) -> str:
    """Headings, figure lists and tables that read well in any Markdown viewer."""
    lines = [
        f"# Parental involvement report — {report.school} ({report.school_id})",
        "",
        f"School year **{report.year}** ({report.start} to {report.end}), as of {report.as_of}.",
        "",
    ]
    if report.submitted_on:
        lines += [f"Submitted to the superintendent on {report.submitted_on}"
                  f" by {report.submitted_by}.", ""]  # fmt: skip
    else:
        lines += ["Not yet submitted to the superintendent.", ""]
    for section in report.sections:
        source = "" if section.policy == "core" else f" ({section.policy})"
        lines += [f"## {section.title}{source}", ""]
        for key, value in section.facts.items():
            lines.append(f"- {key}: {_cell(value)}")
        if section.facts:
            lines.append("")
        for name, rows in section.tables.items():
            lines += [f"### {name[:1].upper()}{name[1:]}", ""]
            lines += _table(rows) if rows else ["(none)"]
            lines.append("")
    if report.errors:
        lines += ["## Sections that could not be produced", ""]
        lines += [f"- {e}" for e in report.errors] + [""]
    return "\n".join(lines)


def _table(rows: list[dict[str, Any]]) -> list[str]:
    columns = list(rows[0])
    out = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    for row in rows:
        out.append("| " + " | ".join(_cell(row.get(c)).replace("|", "\\|") for c in columns) + " |")
    return out


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).replace("\n", " ")
