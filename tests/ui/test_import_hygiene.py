"""The engine, services and read models run without the UI: importing them loads no Textual."""

from __future__ import annotations

import subprocess
import sys


def test_read_models_and_engine_import_without_textual() -> None:
    code = (
        "import sys, polterm.services.views, polterm.engine, polterm.cli;"
        "print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
