"""polterm policy plugin: Clinton Public Schools Policy and Regulation 6310."""

from polterm import hookimpl
from polterm.policy import PolicyInfo

POLICY = PolicyInfo(
    name="clinton_6310",
    title="Clinton Public Schools Policy 6310, Parent-Teacher Communication",
    citation="Policy 6310, Parent-Teacher Communication; Conn. Gen. Stat. § 10-220(c), § 10-221(f)",
)


@hookimpl
def polterm_policy() -> PolicyInfo:
    return POLICY
