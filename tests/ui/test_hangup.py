"""A terminal that has gone is noticed, so the UI ends instead of living on unseen."""

from __future__ import annotations

import os

from polterm.ui.hangup import hung_up


def test_a_terminal_whose_other_end_closed_is_hung_up() -> None:
    leader, follower = os.openpty()
    try:
        assert not hung_up(follower)
        os.close(leader)  # the SSH connection (the terminal's other end) is gone
        assert hung_up(follower)
    finally:
        os.close(follower)


def test_no_input_at_all_is_not_a_hang_up() -> None:
    assert not hung_up(-1)
