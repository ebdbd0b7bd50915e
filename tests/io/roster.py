"""Generated OneRoster 1.1 and 1.2 CSV sets (no real people) for tests and the benchmark.

Both versions describe the same district: 1.1 puts each user's role and orgs in users.csv,
1.2 in roles.csv (with primaryOrgSourcedId in users.csv) and adds userProfiles.csv.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

GIVEN = ["Sam", "Alex", "Jordan", "Riley", "Casey", "Morgan", "Avery", "Quinn"]
FAMILY = ["Fenwick", "Orland", "Pascoe", "Tamsin", "Wexley", "Brandt", "Corvo", "Delane"]
USER_COLUMNS = {
    "1.1": [
        "sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role",
        "username", "userIds", "givenName", "familyName", "middleName", "identifier", "email",
        "sms", "phone", "agentSourcedIds", "grades", "password",
    ],
    "1.2": [
        "sourcedId", "status", "dateLastModified", "enabledUser", "username", "userIds",
        "givenName", "familyName", "middleName", "identifier", "email", "sms", "phone",
        "agentSourcedIds", "grades", "password", "userMasterIdentifier", "resourceSourcedIds",
        "preferredGivenName", "preferredMiddleName", "preferredFamilyName",
        "primaryOrgSourcedId", "pronouns",
    ],
}  # fmt: skip
ROLE_COLUMNS = ["sourcedId", "status", "dateLastModified", "userSourcedId", "roleType", "role",
                "beginDate", "endDate", "orgSourcedId", "userProfileSourcedId"]  # fmt: skip
PROFILE_COLUMNS = ["sourcedId", "status", "dateLastModified", "userSourcedId", "profileType",
                   "vendorId", "applicationId", "description", "credentialType", "username",
                   "password"]  # fmt: skip
DEMOGRAPHIC_COLUMNS = ["sourcedId", "status", "dateLastModified", "birthDate", "sex"]
ENROLLMENT_COLUMNS = ["sourcedId", "status", "dateLastModified", "classSourcedId",
                      "schoolSourcedId", "userSourcedId", "role", "primary", "beginDate",
                      "endDate"]  # fmt: skip
FILE_NAMES = {"1.1": ["academicSessions", "categories", "classes", "classResources", "courses",
                      "courseResources", "demographics", "enrollments", "lineItems", "orgs",
                      "resources", "results", "users"]}  # fmt: skip
FILE_NAMES["1.2"] = [*FILE_NAMES["1.1"], "roles", "userProfiles", "userResources"]


class Writer:
    """Writes the CSV files of one set, each with its header, as rows arrive."""

    def __init__(self, directory: Path, bom: bool) -> None:
        self.directory = directory
        self.encoding = "utf-8-sig" if bom else "utf-8"

    @contextmanager
    def table(self, name: str, columns: list[str]) -> Iterator[Any]:
        with (self.directory / name).open("w", encoding=self.encoding, newline="") as f:
            w = csv.DictWriter(f, fieldnames=columns, lineterminator="\r\n", restval="")
            w.writeheader()
            yield w


def write_manifest(directory: Path, version: str, modes: dict[str, str]) -> None:
    """manifest.csv: the version and each file's mode (absent unless given)."""
    with (directory / "manifest.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["propertyName", "value"])
        w.writerow(["manifest.version", "1.0"])
        w.writerow(["oneroster.version", version])
        for name in FILE_NAMES[version]:
            w.writerow([f"file.{name}", modes.get(name, "absent")])
        w.writerow(["source.systemName", "polterm test generator"])


def write_set(directory: Path, students: int = 6, schools: int = 2, bom: bool = False,
              version: str = "1.1") -> Path:  # fmt: skip
    """A district with `schools` schools, a teacher each, students with two guardians each."""
    directory.mkdir(parents=True, exist_ok=True)
    out = Writer(directory, bom)
    modern = version == "1.2"
    bulk = ["academicSessions", "classes", "enrollments", "orgs", "users"]
    write_manifest(directory, version, dict.fromkeys(
        [*bulk, *(["roles", "userProfiles"] if modern else [])], "bulk"))  # fmt: skip
    with out.table("orgs.csv", ["sourcedId", "status", "dateLastModified", "name", "type",
                                "identifier", "parentSourcedId"]) as w:  # fmt: skip
        w.writerow({"sourcedId": "org-d", "name": "Generated District", "type": "district"})
        names = ["Lakeside Elementary", "Hillcrest Middle School", "Ridge High School"]
        for s in range(schools):
            w.writerow({"sourcedId": f"org-{s}", "name": names[s % 3], "type": "school",
                        "parentSourcedId": "org-d"})  # fmt: skip
    sessions = ["sourcedId", "status", "dateLastModified", "title", "type", "startDate",
                "endDate", "parentSourcedId", "schoolYear"]  # fmt: skip
    with out.table("academicSessions.csv", sessions) as w:
        for uid, title, kind, start, end in (
            ("as-y", "2025-2026", "schoolYear", "2025-08-27", "2026-06-12"),
            ("as-t1", "Term 1", "term", "2025-08-27", "2026-01-16"),
            ("as-t2", "Term 2", "term", "2026-01-20", "2026-06-12"),
        ):
            w.writerow({"sourcedId": uid, "title": title, "type": kind, "startDate": start,
                        "endDate": end, "schoolYear": "2026",
                        "parentSourcedId": "" if kind == "schoolYear" else "as-y"})  # fmt: skip
    with (
        out.table("users.csv", USER_COLUMNS[version]) as users,
        out.table("roles.csv" if modern else ".roles.unused", ROLE_COLUMNS) as roles,
    ):

        def user(uid: str, role: str, org: str, given: str, family: str, **more: str) -> None:
            row = {"sourcedId": uid, "enabledUser": "true", "givenName": given,
                   "familyName": family, **more}  # fmt: skip
            if modern:
                row["primaryOrgSourcedId"] = org if role != "guardian" else ""
                roles.writerow({"sourcedId": f"r-{uid}", "userSourcedId": uid, "role": role,
                                "roleType": "primary", "orgSourcedId": org})  # fmt: skip
            else:
                row.update(role=role, orgSourcedIds=org)
            users.writerow(row)

        for s in range(schools):
            user(f"t-{s}", "teacher", f"org-{s}", "Pat", f"Teacher{s}", username=f"teach{s}")
        for i in range(students):
            g1, g2 = f"g-{i}a", f"g-{i}b"
            family = FAMILY[i % len(FAMILY)]
            user(f"s-{i}", "student", f"org-{i % schools}", GIVEN[i % 8], family,
                 agentSourcedIds=f"{g1},{g2}", grades=str(i % 12 + 1).zfill(2))  # fmt: skip
            for g in (g1, g2):
                user(g, "guardian", f"org-{i % schools}", "Lee", family,
                     agentSourcedIds=f"s-{i}", email=f"{g}@example.invalid")  # fmt: skip
    (directory / ".roles.unused").unlink(missing_ok=True)
    if modern:
        with out.table("userProfiles.csv", PROFILE_COLUMNS) as w:
            for s in range(schools):
                w.writerow({"sourcedId": f"up-{s}", "userSourcedId": f"t-{s}",
                            "profileType": "lms", "vendorId": "generated"})  # fmt: skip
    with out.table("classes.csv", ["sourcedId", "status", "dateLastModified", "title",
                   "classType", "schoolSourcedId", "termSourcedIds"]) as w:  # fmt: skip
        for s in range(schools):
            w.writerow({"sourcedId": f"c-{s}", "title": f"Homeroom {s}", "classType": "homeroom",
                        "schoolSourcedId": f"org-{s}", "termSourcedIds": "as-t1"})  # fmt: skip
    with out.table("enrollments.csv", ENROLLMENT_COLUMNS) as w:
        for s in range(schools):
            w.writerow({"sourcedId": f"e-t{s}", "classSourcedId": f"c-{s}",
                        "schoolSourcedId": f"org-{s}", "userSourcedId": f"t-{s}",
                        "role": "teacher", "primary": "true"})  # fmt: skip
        for i in range(students):
            w.writerow({"sourcedId": f"e-{i}", "classSourcedId": f"c-{i % schools}",
                        "schoolSourcedId": f"org-{i % schools}", "userSourcedId": f"s-{i}",
                        "role": "student", "primary": "false"})  # fmt: skip
    return directory


if __name__ == "__main__":
    write_set(
        Path(sys.argv[1]),
        students=int(sys.argv[2]),
        schools=int(sys.argv[3]) if len(sys.argv) > 3 else 20,
    )


def dump(p: Any) -> list[str]:
    """The database without the audit log (each import adds its audit rows) and the finding
    store's stamp (the time it was filled)."""
    return [line for line in p.dump() if "audit_log" not in line and "store_state" not in line]


def edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    """Rewrite a CSV file through `change(rows)`, rows as lists, keeping its BOM if it had one."""
    bom = path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    change(rows)
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)


def set_cell(line: int, column: str, value: str):  # type: ignore[no-untyped-def]
    """A change for `edit`: the cell of a column on a file's physical line (the header is 1)."""

    def change(rows: list[list[str]]) -> None:
        rows[line - 1][rows[0].index(column)] = value

    return change


def set_mode(roster: Path, name: str, mode: str) -> None:
    """Set one file's mode in manifest.csv (`users` -> file.users)."""

    def change(rows: list[list[str]]) -> None:
        next(r for r in rows if r[0] == f"file.{name}")[1] = mode

    edit(roster / "manifest.csv", change)
