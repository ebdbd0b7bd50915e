"""What the OneRoster 1.1 and 1.2 CSV bindings say, as polterm reads it: the manifest, the
columns each file must have, the enumerations (matched without regard to case) and grades.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from polterm.errors import PoltermError

VERSIONS = ("1.1", "1.2")
MODES = ("bulk", "delta", "absent")
# the files polterm reads, in the order it reads them
FILES = ("orgs.csv", "academicSessions.csv", "roles.csv", "classes.csv", "enrollments.csv",
         "users.csv", "demographics.csv", "userProfiles.csv")  # fmt: skip
REQUIRED = {
    "orgs.csv": {"sourcedId", "name", "type"},
    "academicSessions.csv": {"sourcedId", "title", "type", "startDate", "endDate"},
    "users.csv": {"sourcedId", "givenName", "familyName"},
    "classes.csv": {"sourcedId", "schoolSourcedId"},
    "enrollments.csv": {"classSourcedId", "userSourcedId", "role"},
    "roles.csv": {"userSourcedId", "roleType", "role", "orgSourcedId"},
    "demographics.csv": {"sourcedId"},
    "userProfiles.csv": {"sourcedId", "userSourcedId", "profileType"},
}
REQUIRED_1_1 = {"users.csv": {"role", "orgSourcedIds"}}  # 1.2 moved both to roles.csv
# user roles of both versions -> what polterm makes of the user (others are not imported)
STAFF_ROLES = {"teacher": "teacher", "administrator": "principal", "principal": "principal",
               "siteadministrator": "principal"}  # fmt: skip
GUARDIAN_ROLES = {"guardian", "parent", "relative"}
# academicSessions.csv type -> school_year, or the period kind it becomes
SESSION_KINDS = {"schoolyear": "school_year", "gradingperiod": "grading", "term": "term",
                 "semester": "semester", "quarter": "quarter",
                 "trimester": "trimester"}  # fmt: skip
INACTIVE = {"tobedeleted", "inactive"}


@cache  # an export repeats a handful of values
def user_kind(role: str) -> str:
    """student, guardian, staff or other, from a users.csv or roles.csv role of either version."""
    role = role.strip().lower()
    if role == "student":
        return "student"
    if role in GUARDIAN_ROLES:
        return "guardian"
    return "staff" if role in STAFF_ROLES else "other"


def session_kind(value: str) -> str | None:
    """school_year or a period kind for a session type (`ext:` prefix allowed); None: unknown."""
    key = value.strip().lower().removeprefix("ext:")
    return SESSION_KINDS.get(key)


@cache
def grade(codes: str) -> tuple[str, str | None]:
    """(polterm's grade, the export's code): KG -> K, 05 -> 5, `05,06` -> 5; others as coded."""
    listed = [c.strip() for c in codes.split(",") if c.strip()]
    if not listed:
        return "?", None
    first = listed[0].upper()
    if first in ("KG", "K"):
        return "K", codes.strip()
    if first.isdigit() and 1 <= int(first) <= 12:
        return str(int(first)), codes.strip()
    return ("Other" if first == "OTHER" else first), codes.strip()


@dataclass
class Manifest:
    """The manifest's OneRoster version and each file's mode (bulk, delta or absent)."""

    version: str = "1.1"
    modes: dict[str, str] = field(default_factory=dict)
    found: bool = True

    def mode(self, name: str) -> str:
        return self.modes.get(name, "absent")


def read_manifest(directory: Path) -> Manifest:
    """manifest.csv, checked; without one, the files present are read as 1.1 bulk."""
    path = directory / "manifest.csv"
    if not path.is_file():
        modes = {n: "bulk" for n in FILES if (directory / n).is_file()}
        return Manifest("1.1", modes, found=False)
    manifest = Manifest(version="")
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = [h.strip() for h in next(reader, [])]
        if header[:2] != ["propertyName", "value"]:
            raise PoltermError("manifest.csv:1: columns must be propertyName,value")
        for row in reader:
            if not row:
                continue
            name, value, *_ = (cell.strip() for cell in [*row, "", ""])
            where = f"manifest.csv:{reader.line_num}"
            if name == "oneroster.version":
                if value not in VERSIONS:
                    raise PoltermError(
                        f"{where}: OneRoster version {value!r} is not supported"
                        f" (polterm reads {' and '.join(VERSIONS)})"
                    )
                manifest.version = value
            elif name.startswith("file."):
                mode = value.lower()
                if mode not in MODES:
                    raise PoltermError(f"{where}: {name} is {value!r}, not bulk, delta or absent")
                manifest.modes[name.removeprefix("file.") + ".csv"] = mode
    if not manifest.version:
        raise PoltermError("manifest.csv: no oneroster.version")
    if (
        manifest.version == "1.2"
        and manifest.mode("users.csv") == "bulk"
        and (manifest.mode("roles.csv") == "absent")
    ):  # 1.2 moved every user's role to roles.csv
        raise PoltermError("manifest.csv: a bulk 1.2 users.csv needs roles.csv (file.roles)")
    for name in FILES:
        mode = manifest.mode(name)
        if mode != "absent" and not (directory / name).is_file():
            raise PoltermError(f"{directory / name}: file is missing (manifest.csv says {mode})")
    return manifest
