"""Who this policy is, and the section and statute each of its rules cites."""

from __future__ import annotations

from polterm.policy import PolicyInfo

POLICY = PolicyInfo(
    name="clinton_6310",
    title="Clinton Public Schools Policy 6310, Parent-Teacher Communication",
    citation="Policy 6310, Parent-Teacher Communication; Conn. Gen. Stat. § 10-220(c), § 10-221(f)",
    source="clinton-6310-parent-teacher-communication.txt",
)

STATUTE = "Conn. Gen. Stat. § 10-221(f)"
TWO_FLEXIBLE = f"Policy 6310, two flexible conferences for each school year; {STATUTE}"
SECTION_A = f"Policy 6310 § A; {STATUTE}"
SECTION_B = f"Policy 6310 § B; {STATUTE}"
SECTION_C = f"Policy 6310 § C; {STATUTE}"
RESOURCE_DOCUMENT = f"Policy 6310, resource document (on or after January 1, 2022); {STATUTE}"
THREE_ATTEMPTS = f"Policy 6310, report to the principal after three attempts; {STATUTE}"
WELFARE_CHECK = f"Policy 6310, principal contacts the emergency contact person; {STATUTE}"
PRINCIPAL_REPORT = (
    "Administrative Regulation 6310, principal's annual written report; "
    "Conn. Gen. Stat. § 10-220(c), § 10-221(f)"
)

FLEXIBLE = "flexible"
REMOTE_LEARNING = "remote-learning"
