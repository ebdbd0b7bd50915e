"""Saving a plugin's record form from the student page: checked, permitted and audited."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from polterm import config
from polterm.errors import PoltermError
from polterm.policy import FormField, RecordForm
from polterm.services.session import Session
from polterm.services.validate import choice, parse_date


def record_forms(session: Session) -> list[tuple[str, RecordForm]]:
    """The record forms of the district's policies in force today, as (policy, form) pairs."""
    loaded = session.registry.policies
    return [
        (name, form)
        for name in config.active_policies(session.db, date.today())
        if name in loaded
        for form in loaded[name].forms.values()
    ]


def save_record(
    session: Session, policy: str, form_id: str, student_id: str, values: Mapping[str, str]
) -> Any:
    """Insert one row of a plugin's form for a student, audited; each bad value named."""
    forms = dict(((name, form.id), form) for name, form in record_forms(session))
    form = forms.get((policy, form_id))
    if form is None:
        raise PoltermError(f"policy {policy!r} has no record form {form_id!r} in force")
    session.authorize("student.write", student_id=student_id)
    row = {"student_id": student_id}
    for field in form.fields:
        row[field.name] = _value(field, (values.get(field.name) or "").strip())
    return session.insert(form.table, row, student_id=student_id)


def _value(field: FormField, text: str) -> Any:
    if not text:
        if field.required:
            raise PoltermError(f"{field.title} is required")
        return None
    if field.kind == "date":
        return parse_date(text, field.title).isoformat()
    if field.kind == "int":
        if not text.lstrip("-").isdigit():
            raise PoltermError(f"{field.title} {text!r} is not a whole number")
        return int(text)
    if field.kind == "choice":
        return choice(text, field.choices, field.title)
    return text
