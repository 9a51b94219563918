"""Time the columnar screen per batch of JSON Lines, against another git revision's screen in the same run.

The screen (``sedata.columnar.screen.screen``) is timed on the file's first batches, each batch screened by
both versions in turn (best of ``--reps`` per batch, wall and CPU), so a loaded machine slows both alike; the
flags, keys and key data of the two are compared. The other revision's screen, business, compile and
identifier modules are copied from git into a temporary package (everything else is this tree's).

Run: python bench/screen.py FILE [--against main] [--batches 8] [--reps 3] [--rows 8192]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

MODULES = ("screen", "business", "compile", "identifiers")


def _copy(ref: str, into: Path) -> ModuleType:
    """The screen module of ``ref``, its sibling modules renamed into package ``benchref``."""
    package = into / "benchref"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name in MODULES:
        text = subprocess.run(
            ["git", "show", f"{ref}:sedata/columnar/{name}.py"], check=True, capture_output=True, text=True
        ).stdout
        text = re.sub(r"sedata\.columnar\.(" + "|".join(MODULES) + r")\b", r"benchref.\1", text)
        # Memo keys of its own, so the two versions never share compiled plans.
        text = re.sub(r'(f?)"columnar\.', r'\1"benchref.', text)
        (package / f"{name}.py").write_text(text)
    sys.path.insert(0, str(into))
    return importlib.import_module("benchref.screen")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--against", default="main", help="git revision to compare with (default main)")
    parser.add_argument("--batches", type=int, default=8)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--rows", type=int, default=8192)
    args = parser.parse_args()

    from sedata.columnar import screen as mine
    from sedata.columnar.engine import plan_of
    from sedata.columnar.read import line_batches
    from sedata.spec import current
    from sedata.validate.engine import FileRun

    with tempfile.TemporaryDirectory() as folder:
        theirs = _copy(args.against, Path(folder))
        run = FileRun(args.file, current(), None, None, dt.date.today())
        if not run.open() or run.reader is None:
            raise SystemExit(f"{args.file}: the header does not read / 文件头无法读取")
        rules = run.rules
        plans: dict[str, tuple[Any, Any]] = {
            args.against: (
                theirs,
                theirs.Plan.of(
                    run.spec,
                    rules.names,
                    rules.allowed,
                    rules.operations,
                    rules.delete,
                    rules.changes,
                    run.ctx.masking is not None,
                    message_type=run.biz.message_type,
                    today=run.biz.today,
                ),
            ),
            "this tree": (mine, plan_of(run)),
        }
        batches = []
        for batch in line_batches(args.file, run.reader._offset, 2, args.rows):
            batches.append(batch)
            if len(batches) == args.batches + 1:
                break
        for module, plan in plans.values():
            module.screen(batches[0], plan)  # compiles and warms the caches: not timed
        totals = {name: [0.0, 0.0] for name in plans}
        same = True
        for batch in batches[1:]:
            results = {}
            for name, (module, plan) in plans.items():
                best = [float("inf"), float("inf")]
                for _ in range(args.reps):
                    wall, cpu = time.perf_counter(), time.process_time()
                    results[name] = module.screen(batch, plan)
                    best = [min(best[0], time.perf_counter() - wall), min(best[1], time.process_time() - cpu)]
                totals[name][0] += best[0]
                totals[name][1] += best[1]
            a, b = results.values()
            same = same and (a.flagged, a.keys, a.datas) == (b.flagged, b.keys, b.datas)
    k = len(batches) - 1
    for name, (wall, cpu) in totals.items():
        print(f"{name:>12}: {wall / k * 1000:7.1f} ms wall, {cpu / k * 1000:7.1f} ms CPU per batch of {args.rows}")
    (w0, c0), (w1, c1) = totals.values()
    print(f"speed-up: {w0 / w1:.2f}x wall, {c0 / c1:.2f}x CPU (best of {args.reps}, {k} batches)")
    print(f"same flags, keys and key data: {same}")


if __name__ == "__main__":
    main()
