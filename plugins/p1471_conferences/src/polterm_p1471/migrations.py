"""The indexes P1471's rules need to run in one pass at a million students."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("polterm_p1471")


@migrations()
def m001_rule_indexes(db: Database) -> None:
    """Covering indexes: reports by student with their issue date, conferences by kind."""
    db.execute(
        "CREATE INDEX IF NOT EXISTS p1471_progress_report_issued "
        "ON progress_report(student_id, period_id, issued_on)"
    )
    db.execute(
        "CREATE INDEX IF NOT EXISTS p1471_conference_kind ON conference(kind, initiated_by, status)"
    )
