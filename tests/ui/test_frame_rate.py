"""The UI draws at polterm's frame rate unless the person running it chose another."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from polterm.ui import FRAMES_PER_SECOND

PROBE = "import polterm.ui, textual.constants; print(textual.constants.MAX_FPS)"


@pytest.mark.parametrize(("given", "drawn"), [(None, FRAMES_PER_SECOND), ("30", "30")])
def test_textual_reads_polterms_frame_rate_or_the_persons(given: str | None, drawn: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    if given is not None:
        env["TEXTUAL_FPS"] = given
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == drawn
