"""The indexes Policy 6310's rules need to run in one pass at a million students."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("polterm_clinton_6310")


@migrations()
def m001_rule_indexes(db: Database) -> None:
    """A covering index for counting a student's held conferences of a kind in a date range,
    and partial indexes that hold only the conferences two conference rules look at."""
    db.execute(
        "CREATE INDEX IF NOT EXISTS clinton_6310_conference_counted "
        "ON conference(student_id, kind, status, at)"
    )
    db.execute(
        "CREATE INDEX IF NOT EXISTS clinton_6310_conference_in_person "
        "ON conference(kind, at) WHERE remote_offered = 0 AND modality = 'in-person'"
    )
    db.execute(
        "CREATE INDEX IF NOT EXISTS clinton_6310_conference_remote_learning "
        "ON conference(at) WHERE kind = 'remote-learning'"
    )


@migrations()
def m002_resource_document_indexes(db: Database) -> None:
    """What resource-document reads, as two covering indexes it walks side by side: the
    remote-learning conferences in id order, and each conference's documents with their date
    (it sought a table row for each of a million conferences, and one for each document)."""
    db.execute(
        "CREATE INDEX IF NOT EXISTS clinton_6310_remote_learning_by_id "
        "ON conference(id, kind, at, status, student_id) WHERE kind = 'remote-learning'"
    )
    db.execute(
        "CREATE INDEX IF NOT EXISTS clinton_6310_resource_document_given "
        "ON resource_document(conference_id, provided_on)"
    )


@migrations()
def m003_active_students_by_school(db: Database) -> None:
    """The active students in the order findings are listed, (school, student): two flexible
    conferences walks them so and its million findings need no sort (~0.4 s of 3.2 s)."""
    db.execute(
        "CREATE INDEX IF NOT EXISTS clinton_6310_active_student_by_school "
        "ON student(school_id, id) WHERE active = 1"
    )
