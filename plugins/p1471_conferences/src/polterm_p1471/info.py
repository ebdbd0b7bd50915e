"""Who this policy is: its config name, title and the base of its citations."""

from polterm.policy import PolicyInfo

POLICY = PolicyInfo(
    name="p1471",
    title="Board Policy P1471, Conference with Parents",
    citation="Board Policy P1471, Conference with Parents (rev. June 2011, updated November 2020)",
    source="p1471-conference-with-parents.txt",
)
