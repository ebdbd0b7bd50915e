"""Generated OneRoster 1.1 CSV sets (no real people) for tests and the benchmark."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

GIVEN = ["Sam", "Alex", "Jordan", "Riley", "Casey", "Morgan", "Avery", "Quinn"]
FAMILY = ["Fenwick", "Orland", "Pascoe", "Tamsin", "Wexley", "Brandt", "Corvo", "Delane"]
USER_COLUMNS = [
    "sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role",
    "username", "userIds", "givenName", "familyName", "middleName", "identifier", "email",
    "sms", "phone", "agentSourcedIds", "grades", "password",
]  # fmt: skip


def write_set(directory: Path, students: int = 6, schools: int = 2, bom: bool = False) -> Path:
    """A district with `schools` schools, a teacher each, students with two guardians each."""
    directory.mkdir(parents=True, exist_ok=True)
    enc = "utf-8-sig" if bom else "utf-8"

    def writer(name: str, columns: list[str]):  # type: ignore[no-untyped-def]
        f = (directory / name).open("w", encoding=enc, newline="")
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(columns)
        return f, w

    f, w = writer(
        "orgs.csv", ["sourcedId", "status", "name", "type", "identifier", "parentSourcedId"]
    )
    w.writerow(["org-d", "active", "Generated District", "district", "", ""])
    names = ["Lakeside Elementary", "Hillcrest Middle School", "Ridge High School"]
    for s in range(schools):
        w.writerow([f"org-{s}", "active", names[s % 3], "school", "", "org-d"])
    f.close()
    f, w = writer(
        "academicSessions.csv",
        [
            "sourcedId",
            "status",
            "title",
            "type",
            "startDate",
            "endDate",
            "parentSourcedId",
            "schoolYear",
        ],
    )
    w.writerow(
        ["as-y", "active", "2025-2026", "schoolYear", "2025-08-27", "2026-06-12", "", "2026"]
    )
    w.writerow(["as-t1", "active", "Term 1", "term", "2025-08-27", "2026-01-16", "as-y", "2026"])
    w.writerow(["as-t2", "active", "Term 2", "term", "2026-01-20", "2026-06-12", "as-y", "2026"])
    f.close()
    f, w = writer("users.csv", USER_COLUMNS)
    for s in range(schools):
        w.writerow(
            _user(f"t-{s}", "teacher", f"org-{s}", "Pat", f"Teacher{s}", username=f"teach{s}")
        )
    for i in range(students):
        g1, g2 = f"g-{i}a", f"g-{i}b"
        family = FAMILY[i % len(FAMILY)]
        w.writerow(
            _user(
                f"s-{i}",
                "student",
                f"org-{i % schools}",
                GIVEN[i % 8],
                family,
                agents=f"{g1},{g2}",
                grades=str(i % 12 + 1).zfill(2),
            )
        )
        for g in (g1, g2):
            w.writerow(
                _user(
                    g,
                    "guardian",
                    f"org-{i % schools}",
                    "Lee",
                    family,
                    agents=f"s-{i}",
                    email=f"{g}@example.invalid",
                )
            )
    f.close()
    f, w = writer(
        "classes.csv",
        ["sourcedId", "status", "title", "classType", "schoolSourcedId", "termSourcedIds"],
    )
    for s in range(schools):
        w.writerow([f"c-{s}", "active", f"Homeroom {s}", "homeroom", f"org-{s}", "as-t1"])
    f.close()
    f, w = writer(
        "enrollments.csv",
        [
            "sourcedId",
            "status",
            "classSourcedId",
            "schoolSourcedId",
            "userSourcedId",
            "role",
            "primary",
        ],
    )
    for s in range(schools):
        w.writerow([f"e-t{s}", "active", f"c-{s}", f"org-{s}", f"t-{s}", "teacher", "true"])
    for i in range(students):
        w.writerow(
            [
                f"e-{i}",
                "active",
                f"c-{i % schools}",
                f"org-{i % schools}",
                f"s-{i}",
                "student",
                "false",
            ]
        )
    f.close()
    return directory


def _user(uid: str, role: str, org: str, given: str, family: str, *, agents: str = "",
          grades: str = "", username: str = "", email: str = "") -> list[str]:  # fmt: skip
    row = dict.fromkeys(USER_COLUMNS, "")
    row.update(
        sourcedId=uid,
        status="active",
        enabledUser="true",
        orgSourcedIds=org,
        role=role,
        username=username,
        givenName=given,
        familyName=family,
        email=email,
        agentSourcedIds=agents,
        grades=grades,
    )
    return [row[c] for c in USER_COLUMNS]


if __name__ == "__main__":
    write_set(
        Path(sys.argv[1]),
        students=int(sys.argv[2]),
        schools=int(sys.argv[3]) if len(sys.argv) > 3 else 20,
    )
