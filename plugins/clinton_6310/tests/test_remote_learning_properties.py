"""Properties of the § B cadence that hold for any period and any as-of date."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

import polterm_clinton_6310
from polterm.testing import District
from polterm_clinton_6310.periods import RemotePeriod, requirements

RULE = "remote-learning-conference"
DAYS = st.integers(min_value=0, max_value=900)
BASE = date(2024, 1, 1)


@settings(max_examples=200, deadline=None)
@given(start=DAYS, length=DAYS, extra=DAYS, as_of=st.integers(min_value=0, max_value=1500))
def test_remote_learning_conference_requirements_never_decrease_as_the_period_lengthens(
    start: int, length: int, extra: int, as_of: int
) -> None:
    begin, day = BASE + timedelta(days=start), BASE + timedelta(days=as_of)
    short = RemotePeriod(1, None, begin, begin + timedelta(days=length))
    longer = RemotePeriod(1, None, begin, begin + timedelta(days=length + extra))
    ongoing = RemotePeriod(1, None, begin, None)
    counts = [len(requirements(p, day)) for p in (short, longer, ongoing)]
    assert counts == sorted(counts)


def _findings(d: District, as_of: date) -> set[tuple]:
    return {(f.student_id, f.due, f.status) for f in d.check(as_of, rule=RULE)}


@settings(max_examples=25, deadline=None)
@given(
    length=st.one_of(st.none(), st.integers(min_value=0, max_value=500)),
    as_of=st.integers(min_value=0, max_value=700),
    held=st.lists(st.integers(min_value=0, max_value=700), max_size=3),
    pick=st.integers(min_value=0, max_value=10_000),
)
def test_remote_learning_conference_a_held_conference_in_a_window_never_adds_findings(
    length: int | None, as_of: int, held: list[int], pick: int
) -> None:
    d = District(policies=["clinton_6310"], plugins=[polterm_clinton_6310])
    s = d.student()
    start = date(2025, 9, 1)
    end = start + timedelta(days=length) if length is not None else None
    d.add("remote_period", start=start.isoformat(), end=end.isoformat() if end else None)
    for hour, offset in enumerate(held, start=8):
        on = (start + timedelta(days=offset)).isoformat()
        d.conference(s, "remote-learning", f"{on}T{hour:02d}:00")
    day = start + timedelta(days=as_of)
    before = _findings(d, day)
    reqs = requirements(RemotePeriod(1, None, start, end), day)
    if not reqs:
        return
    req = reqs[pick % len(reqs)]
    window = (min(req.due, day) - start).days
    inside = start + timedelta(days=pick % (window + 1))
    d.conference(s, "remote-learning", f"{inside.isoformat()}T07:00")
    assert _findings(d, day) <= before
