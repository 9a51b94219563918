"""The README's Python examples run as written, in order, from the checkout (one interpreter, as a reader would)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def _blocks() -> list[str]:
    return BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))


def test_the_readme_has_python_examples() -> None:
    blocks = _blocks()
    assert len(blocks) >= 2
    assert any("validate_records" in b for b in blocks) and any("Equipment.model_validate" in b for b in blocks)


def test_the_readme_python_examples_run_as_written() -> None:
    # Later blocks use names the earlier ones define (as in a session), so they run as one script.
    script = "\n".join(_blocks())
    env = {**os.environ, "PAGER": "cat", "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "设备代码 / Equipment code" in done.stdout  # help(Equipment) printed
    assert "True {'SE-COD-003': 2}" in done.stdout
