"""One stress-test process: random edits and bookings through Session until time is up.

Run by test_stress.py as `python stress_worker.py DB SECONDS SEED STAFF OUT`, or with
`bulk` as SECONDS to hold one long import-like transaction open until killed.
Writes what it did (accepted writes, refusals) as JSON to OUT.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

from polterm.errors import ConflictError
from polterm.services.identity import resolve_actor
from polterm.services.session import Session
from polterm.storage import open_database

TEACHERS = ("t1", "t2", "t3", "t4")
STUDENTS = 40
EDITED = 20  # conferences 1..EDITED are the ones everyone edits


def run(db_path: str, seconds: float, seed: int, staff: str, out: str) -> None:
    """Edit and book at random; every accepted write is reported for the checker."""
    rng = random.Random(seed)
    db = open_database(db_path)
    session = Session(db, resolve_actor(db, user=staff))
    done: dict[str, list] = {"edits": [], "bookings": [], "conflicts": [0], "double_booked": [0]}
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        n += 1
        if rng.random() < 0.5:
            cid = rng.randint(1, EDITED)
            version = db["conference"].get(cid)["version"]
            time.sleep(rng.random() * 0.002)  # a person's pause between reading and saving
            notes = f"{staff}-{n}"
            try:
                after = session.update(
                    "conference", cid, {"notes": notes}, expected_version=version
                )
            except ConflictError:
                done["conflicts"][0] += 1
                continue
            done["edits"].append([cid, after["version"], notes])
        else:
            student = f"s{rng.randint(1, STUDENTS)}"
            teacher = rng.choice(TEACHERS)
            day, hour = rng.randint(1, 9), rng.randint(8, 15)
            at = f"2025-10-0{day}T{hour:02d}:{rng.choice(('00', '15', '30', '45'))}"
            try:
                with session.transaction():
                    cid = session.insert(
                        "conference",
                        {"student_id": student, "kind": "parent-teacher", "at": at},
                        student_id=student,
                    )
                    session.insert(
                        "conference_staff",
                        {"conference_id": cid, "staff_id": teacher},
                        student_id=student,
                    )
            except ConflictError:
                done["double_booked"][0] += 1
                continue
            done["bookings"].append([cid, student, teacher, at])
    Path(out).write_text(json.dumps(done))


def bulk(db_path: str, staff: str, ready: str) -> None:
    """An import in one transaction that never ends on its own: the test kills it mid-way."""
    db = open_database(db_path)
    session = Session(db, resolve_actor(db, user=staff))
    deadline = time.monotonic() + 60
    with session.transaction():
        for n in range(10**9):
            session.insert(
                "student",
                {"id": f"import{n}", "given": "Imported", "family": f"Kid{n}", "grade": "5",
                 "school_id": "oak"},
                student_id=f"import{n}",
            )  # fmt: skip
            if n == 2000:
                Path(ready).write_text("inserting")
            if time.monotonic() > deadline:
                raise SystemExit("not killed in time")


if __name__ == "__main__":
    if sys.argv[2] == "bulk":
        bulk(sys.argv[1], sys.argv[4], sys.argv[5])
    else:
        run(sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5])
