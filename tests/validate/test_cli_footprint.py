"""What ``sedata validate`` loads: no help machinery, and Polars' allocator set to one arena unless the user chose.

Each case runs in a fresh interpreter (the test process has imported everything already): the command's
memory before its first record is mostly the modules it imports and how Polars' jemalloc is set up.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).parents[2] / "examples" / "messages" / "inspection-upload.jsonl"

SCRIPT = r"""
import json, os, sys
from sedata.cli.main import app
try:
    app(sys.argv[1:], prog_name="sedata")
except SystemExit as done:
    code = done.code
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("typer", "rich", "markdown_it", "pygments", "polars"))
sys.stderr.write(json.dumps({"code": code, "loaded": loaded, "conf": os.environ.get("_RJEM_MALLOC_CONF")}) + "\n")
"""


def _run(*args: str, conf: str | None = None) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    if conf is not None:
        env["_RJEM_MALLOC_CONF"] = conf
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    result: dict[str, object] = json.loads(done.stderr.strip().splitlines()[-1])
    return result


def test_validate_loads_no_help_machinery_and_sets_one_arena() -> None:
    out = _run("validate", str(EXAMPLE), "--format", "json", "--engine", "columnar")
    assert out["code"] == 0
    loaded = out["loaded"]
    assert isinstance(loaded, list)
    assert "polars" in loaded  # the columnar engine ran
    assert not [m for m in loaded if m.startswith(("typer.rich_utils", "rich.markdown", "markdown_it", "pygments"))]
    # Polars puts its own decay settings first and appends what it found in the environment.
    assert isinstance(out["conf"], str) and out["conf"].split(",")[-1] == "narenas:1"


def test_help_still_folds_chinese_text() -> None:
    # The help hooks go in when help is first shown: the long Chinese help of --require-signature wraps whole.
    done = subprocess.run(
        [sys.executable, "-m", "sedata", "validate", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80"},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0
    assert "…" not in done.stdout
    folded = "".join(line.strip("│ ") for line in done.stdout.splitlines()).replace(" ", "")
    assert "未签名的报文也算发现（须与--trust同用）" in folded


def test_user_allocator_setting_is_kept() -> None:
    out = _run("validate", str(EXAMPLE), "--format", "json", "--engine", "columnar", conf="narenas:4")
    assert isinstance(out["conf"], str) and out["conf"].split(",")[-1] == "narenas:4"
    assert "narenas:1" not in out["conf"]
