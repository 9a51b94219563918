"""Peak memory of `sedata validate` on a file with very many findings (issue 14: < 200 MB at 1M findings).

Writes two JSON Lines inspection uploads of N records with ``sedata sample`` (seed 1, ``--today 2026-12-01``):
one clean (``--invalid-rate 0``) and one where every record carries an injected defect (``--invalid-rate 1``,
about one finding per record; the count found is reported). Then runs, each in a fresh interpreter (so its
peak RSS, from ``os.wait4``'s resource usage of that one child, is its own):

- the baseline: the clean file, ``--format json``; the memory of reading and checking N records;
- the defective file, ``--format jsonl`` and ``--format json``, findings spilled to disk past 10,000 (the default);
- with ``--no-spill-too``: the defective file, ``--format json``, every finding kept in memory (how reports were
  written before findings were streamed).

Each run is ``sedata validate FILE --format F --out OUT --today 2026-12-01`` through the CLI app. The output's
findings are counted and the JSON Lines report's last line checked to be the summary.

Run: nice -n 10 timeout 1500 python bench/findings.py [--count N] [--dir DIR] [--keep] [--no-spill-too]
[--steps baseline,jsonl,json,nospill] (with --dir and --keep, later runs reuse the samples; "vs baseline" is
against the first step run). The last column says whether the streamed runs meet the target (< 200 MiB peak
with 1M findings); only a run that wrote at least 1M findings can meet it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUN = r"""
import sys
from sedata.cli.main import app
from sedata.validate.report import findings_in_memory
keep = int(sys.argv[1])
argv = ["validate", sys.argv[2], "--format", sys.argv[3], "--out", sys.argv[4], "--today", "2026-12-01"]
with findings_in_memory(keep):
    try:
        app(argv, prog_name="sedata")
    except SystemExit as exc:
        sys.exit(exc.code or 0)
"""

SPILL_AFTER = 10_000  # sedata.validate.report.KEEP_IN_MEMORY
EVERYTHING = 1 << 62
TARGET_MIB, TARGET_FINDINGS = 200, 1_000_000  # issue 14: --format jsonl and json


def verdict(peak_mib: float, findings: int) -> str:
    """The target's verdict for one run: "met" only where at least 1M findings were written."""
    if peak_mib >= TARGET_MIB:
        return "missed" if findings >= TARGET_FINDINGS else f"missed already at {findings:,}"
    return "met" if findings >= TARGET_FINDINGS else f"not measured at 1M ({findings:,} findings)"


def sample(out: Path, count: int, invalid_rate: float) -> None:
    """A sample inspection upload of ``count`` records written by the CLI."""
    command = [sys.executable, "-m", "sedata", "sample", "inspection-upload", "--count", str(count), "--seed", "1"]
    command += ["--invalid-rate", str(invalid_rate), "--today", "2026-12-01", "--out", str(out)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def measure(path: Path, fmt: str, out: Path, keep: int) -> dict[str, float | int]:
    """Run one validation in its own interpreter: exit code, seconds, peak RSS (MiB) of that process."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", RUN, str(keep), str(path), fmt, str(out)])
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if child.returncode not in (0, 1):
        sys.exit(f"sedata validate exited with {child.returncode}")
    return {"exit": child.returncode, "seconds": seconds, "peak_mib": usage.ru_maxrss / 1024}


def findings_written(out: Path, fmt: str) -> int:
    """Findings in a report file (JSON Lines: checked that the last line is the summary, and agrees)."""
    if fmt == "json":
        with out.open("rb") as f:
            return int(json.load(f)["summary"]["findings"])
    lines = 0
    last = b""
    with out.open("rb") as f:
        for line in f:
            lines += 1
            last = line
    summary = json.loads(last)
    assert summary["kind"] == "summary" and summary["summary"]["findings"] == lines - 1, "bad JSON Lines report"
    return lines - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000, help="records per file (≈ findings)")
    parser.add_argument("--dir", type=Path, help="where to write the files (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the files")
    parser.add_argument("--no-spill-too", action="store_true", help="also run with every finding kept in memory")
    parser.add_argument(
        "--steps",
        default="baseline,jsonl,json",
        help="steps to run, comma-separated, of baseline, jsonl, json, nospill (default: the first three)",
    )
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="sedata-bench-findings-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        clean, bad = folder / "clean.jsonl", folder / "defective.jsonl"
        start = time.perf_counter()
        if not clean.exists():
            sample(clean, args.count, 0.0)
        if not bad.exists():
            sample(bad, args.count, 1.0)
        print(f"samples: {args.count:,} records each, {time.perf_counter() - start:.0f} s", flush=True)
        steps = {
            "baseline": ("clean (baseline)", clean, "json", SPILL_AFTER),
            "jsonl": ("defective", bad, "jsonl", SPILL_AFTER),
            "json": ("defective", bad, "json", SPILL_AFTER),
            "nospill": ("defective, no spill", bad, "json", EVERYTHING),
        }
        wanted = args.steps.split(",") + (["nospill"] if args.no_spill_too else [])
        runs = [steps[name] for name in dict.fromkeys(wanted)]
        target = f"< {TARGET_MIB} MiB at 1M findings"
        print(f"| file | format | findings | exit | seconds | peak RSS MiB | vs baseline | {target} |")
        print("|---|---|---|---|---|---|---|---|")
        base = 0.0
        for label, path, fmt, keep in runs:
            out = folder / f"report-{label.split()[0]}-{keep}.{fmt}"
            result = measure(path, fmt, out, keep)
            found = findings_written(out, fmt)
            out.unlink()
            base = base or float(result["peak_mib"])
            extra = float(result["peak_mib"]) - base
            target = verdict(float(result["peak_mib"]), found) if path == bad and keep == SPILL_AFTER else "—"
            print(
                f"| {label} | {fmt} | {found:,} | {result['exit']} | {result['seconds']:.0f} | "
                f"{result['peak_mib']:.0f} | {extra:+.0f} | {target} |",
                flush=True,
            )
    finally:
        if not args.keep and args.dir is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
