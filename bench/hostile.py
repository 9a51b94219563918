"""How long the readers take on the denial-of-service inputs of issue 11, at sizes that double.

Each case builds a hostile file from a clean inspection upload (a record with N attributes, an N MB
string, a JSON Lines header line of N MB, N levels of nesting, an N-digit number) and reads it with
``sedata.exchange.iter_records`` in a fresh interpreter, printing the seconds and what came of it (read,
refused with an error code, crashed, killed by a signal, or still running at the time limit). Linear
readers double their time when the size doubles; quadratic ones quadruple it.

``--code DIR`` reads with the sedata package found in DIR instead (e.g. an older commit exported with
``git archive <commit> sedata | tar -x -C DIR``), to compare before and after. Not run in CI.

Run: python bench/hostile.py [--code DIR] [--timeout SECONDS] [--only CASE]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from sedata import exchange as X

ROOT = Path(__file__).resolve().parents[1]
CHILD = r"""
import json, os, sys, time
if os.environ.get("SEDATA_CODE"):  # an editable install's finder runs before sys.path: set it aside
    sys.meta_path = [f for f in sys.meta_path if "editable" not in getattr(f, "__module__", "")]
    sys.path.insert(0, os.environ["SEDATA_CODE"])
from sedata import exchange as X
assert X.__file__.startswith(os.environ.get("SEDATA_CODE", "")), X.__file__
start = time.perf_counter()
try:
    n = sum(1 for _ in X.iter_records(sys.argv[1]))
    outcome = f"read {n} records"
except X.ExchangeError as exc:
    outcome = f"refused [{exc.code}]"
except BaseException as exc:
    outcome = f"crash: {type(exc).__name__}"
print(json.dumps({"seconds": time.perf_counter() - start, "outcome": outcome}))
"""


def clean(folder: Path, fmt: str) -> bytes:
    path = folder / f"clean.{fmt}"
    if not path.exists():
        entities = ROOT / "examples" / "entities"
        inspections = json.loads((entities / "Inspection.json").read_text("utf-8"))
        equipment = json.loads((entities / "Equipment.json").read_text("utf-8"))
        records = [X.Record("Equipment", equipment[3])] + [X.Record("Inspection", r) for r in inspections]
        X.write(path, records, format=fmt, message_type="inspection-upload", sender="123506004885497331",
                receiver="91433101772274167P")  # fmt: skip
    return path.read_bytes()


def _replace(fmt: str, old: bytes, new: Callable[[int], bytes]) -> Callable[[Path, int], bytes]:
    def build(folder: Path, n: int) -> bytes:
        body = clean(folder, fmt)
        assert old in body
        return body.replace(old, new(n), 1)

    return build


def _header_line(folder: Path, n: int) -> bytes:
    first, rest = clean(folder, "jsonl").split(b"\n", 1)
    return first[:-2] + b',"note":"' + b"x" * (n << 20) + b'"}}\n' + rest


def _attributes(n: int) -> bytes:
    return b"<Inspection " + b" ".join(b'a%d="x"' % i for i in range(n)) + b">"


MB = 1 << 20
CASES: dict[str, tuple[str, Callable[[Path, int], bytes], list[int], str]] = {
    "xml-attributes": (
        "xml",
        _replace("xml", b"<Inspection>", _attributes),
        [25_000, 50_000, 100_000, 200_000],
        "attributes on one record element",
    ),
    "json-string": (
        "json",
        _replace("json", b"ZZ2026FTC00318", lambda n: b"s" * (n * MB)),
        [2, 4, 8, 16, 80, 300],
        "MB string in a record",
    ),
    "jsonl-header-line": ("jsonl", _header_line, [1, 2, 4, 8, 16], "MB JSON Lines header line"),
    "json-depth": (
        "json",
        _replace("json", b'"designLifeYears":20', lambda n: b'"designLifeYears":' + b"[" * n + b"]" * n),
        [1_000, 10_000, 100_000, 1_000_000],
        "levels of nesting in a record",
    ),
    "json-number": (
        "json",
        _replace("json", b'"designLifeYears":20', lambda n: b'"designLifeYears":' + b"7" * n),
        [1_000, 5_000, 100_000],
        "digits in a number",
    ),
}  # fmt: skip


def measure(path: Path, code: str | None, timeout: float) -> str:
    env = dict(os.environ)
    if code:
        env["SEDATA_CODE"] = str(Path(code).resolve())
    try:
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, timeout=timeout, env=env
        )
    except subprocess.TimeoutExpired:
        return f"> {timeout:.0f} s (stopped)"
    if proc.returncode < 0:
        return f"killed by signal {-proc.returncode}"
    try:
        result = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return f"exit {proc.returncode}: {proc.stderr.strip()[-120:]}"
    return f"{result['seconds']:.2f} s, {result['outcome']}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--code", help="a folder holding the sedata package to measure (default: this checkout)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a read is stopped")
    parser.add_argument("--only", choices=sorted(CASES), action="append", help="run only this case (repeatable)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"sedata from {args.code or 'this checkout'}; limit {args.timeout:.0f} s per read")
        for name in args.only or CASES:
            fmt, build, sizes, unit = CASES[name]
            for n in sizes:
                path = folder / f"{name}.{fmt}"
                path.write_bytes(build(folder, n))
                print(f"{name:18} {n:>10,} {unit:32} {measure(path, args.code, args.timeout)}", flush=True)
                path.unlink()


if __name__ == "__main__":
    main()
