"""polterm policy plugin: Board Policy P1471, Conference with Parents."""

from polterm import hookimpl
from polterm.policy import PolicyInfo

POLICY = PolicyInfo(
    name="p1471",
    title="Board Policy P1471, Conference with Parents",
    citation="Board Policy P1471, Conference with Parents (rev. June 2011, updated November 2020)",
)


@hookimpl
def polterm_policy() -> PolicyInfo:
    return POLICY
