"""What each role may see and do. Enforced here so every face (UI, CLI, exports) obeys it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from polterm.services.session import Session


def check(
    session: Session, action: str, *, student_id: str | None = None, school_id: str | None = None
) -> None:
    """Role rules arrive with the identity-and-roles work (issue 8); until then IT-like access."""
