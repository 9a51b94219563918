"""How fast, and in how much memory, ``sedata reconcile`` matches registration data with inspection data.

Generates, with the sample generator (``sedata.sample.generator.Sampler``, deterministic for a seed), N devices:
the registration side is the supervision register's N Equipment records (a snapshot; the inspection-upload
message type is the one that carries Equipment records) plus a registration download of StatusChange records
for 1 % of them; the inspection side is N Inspection records. About 1 % of the devices each are made to fall
into one category of issue 6: registered and never inspected, inspected and not registered, scrapped before
their latest inspection, overdue, and certificate numbers that disagree. The reconciliation then runs in a
fresh interpreter (so its peak RSS, VmHWM, is its own) and the numbers are printed: records/s, peak RSS, the
bytes of per-device state (``Reconciler.nbytes`` / devices) and the findings per rule. With ``--cross-record``
the SE-XRF index (``check_run``) is measured over the same files too. Not run in CI.

Run: python bench/reconcile.py [--count N] [--folder DIR] [--keep] [--cross-record]
     python bench/reconcile.py --count 1000000     # the scale of issue 6
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

TODAY = dt.date(2026, 11, 1)  # the sample generator's "today"
SENDER, RECEIVER = "91310115MA1K3BTP2B", "91110000600037341L"  # sample parties (python-stdnum test vectors)

CHILD = r"""
import datetime as dt, json, sys, time
from pathlib import Path

def peak_kib():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))

folder, today, what = Path(sys.argv[1]), dt.date.fromisoformat(sys.argv[2]), sys.argv[3]
registrations = [folder / "registry.jsonl", folder / "status.jsonl"]
inspections = [folder / "inspections.jsonl"]
start = time.perf_counter()
if what == "reconcile":
    from sedata.validate.layers.consistency import Reconciler, run_files
    layer = Reconciler(today=today)
    report = run_files(layer, registrations, inspections)
    out = {"records": sum(f.records for f in report.files), "devices": len(layer.devices),
           "state_bytes": layer.nbytes, "by_rule": report.by_rule()}
else:
    from sedata.validate.layers.crossfile import CrossRecord
    from sedata.validate.layers._stream import stream
    layer = CrossRecord()
    records = 0
    for path in [*registrations, *inspections]:
        records += stream(path, layer.spec, layer.begin_file, layer.observe, "error").records
    found = layer.finish()
    by_rule = {}
    for fs in found.values():
        for f in fs:
            by_rule[f.rule] = by_rule.get(f.rule, 0) + 1
    out = {"records": records, "index_bytes": layer.nbytes, "by_rule": dict(sorted(by_rule.items()))}
out.update(seconds=time.perf_counter() - start, peak_kib=peak_kib())
print(json.dumps(out))
"""


def _records(count: int, seed: int, side: str) -> Iterator[Any]:
    """The records of one side, from one deterministic stream of devices (both sides see the same devices)."""
    from sedata import exchange as X
    from sedata.sample.generator import Sampler

    sampler = Sampler(seed)
    rng = random.Random(seed + 7)
    for i in range(count):
        # Every draw is made on every side, so that the three files describe the same devices.
        eq = sampler.equipment()
        inspection = sampler.inspection(eq)
        case = i % 100
        done = TODAY - dt.timedelta(days=rng.randint(1, 360))
        scrapped = done - dt.timedelta(days=rng.randint(1, 60))
        long_ago = TODAY - dt.timedelta(days=730 + rng.randint(0, 200))
        if side == "registry" and case != 2:  # case 2: inspected, never registered
            yield X.Record("Equipment", eq)
        elif side == "status" and case == 5:  # case 5: scrapped before its latest inspection
            change = {
                "equipmentCode": eq["equipmentCode"],
                "changeDate": scrapped.isoformat(),
                "useStatus": "4",
                "registrationStatus": "3",
                "changeReason": "达到设计使用年限，报废并办理注销登记",
            }
            yield X.Record("StatusChange", change)
        elif side == "inspections" and case != 1:  # case 1: registered, never inspected
            if case == 3:  # overdue: inspected two years ago
                done = long_ago
            inspection["inspectionDate"] = done.isoformat()
            inspection["nextInspectionDate"] = (done + dt.timedelta(days=365)).isoformat()
            if case == 4 and "registrationCertNo" in inspection:  # a certificate number that disagrees
                inspection["registrationCertNo"] = inspection["registrationCertNo"].replace("(", "0(", 1)[:20]
            yield X.Record("Inspection", inspection)


def generate(folder: Path, count: int, seed: int) -> None:
    """Write the three files (skipped when a previous run left them for the same count and seed)."""
    from sedata import exchange as X

    stamp = folder / "generated.json"
    wanted = {"count": count, "seed": seed}
    if stamp.exists() and json.loads(stamp.read_text()) == wanted:
        return
    for name, message_type in (
        ("registry", "inspection-upload"),
        ("status", "registration-download"),
        ("inspections", "inspection-upload"),
    ):
        start = time.perf_counter()
        header = X.write(
            folder / f"{name}.jsonl",
            _records(count, seed, name),
            message_type=message_type,
            sender=SENDER,
            receiver=RECEIVER,
            mode="snapshot",
        )
        print(f"  generated {name}.jsonl: {header.record_count:,} records in {time.perf_counter() - start:.0f} s")
    stamp.write_text(json.dumps(wanted))


def measure(folder: Path, what: str) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter and return what it printed."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder), TODAY.isoformat(), what], check=True, capture_output=True, text=True
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=20_000, help="devices (default 20,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--folder", type=Path, help="where the files go (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--cross-record", action="store_true", help="also measure the SE-XRF index")
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="sedata-reconcile-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        print(f"devices: {args.count:,}, seed {args.seed}, files in {folder}")
        generate(folder, args.count, args.seed)
        for what in ("reconcile", *(("cross-record",) if args.cross_record else ())):
            r = measure(folder, what)
            rate = r["records"] / r["seconds"]
            peak = r["peak_kib"] / 1024
            took = f"{r['records']:,} records in {r['seconds']:.1f} s"
            print(f"{what}: {took} = {rate:,.0f} records/s, peak RSS {peak:.0f} MiB")
            if "state_bytes" in r:
                print(f"  per-device state: {r['state_bytes'] / r['devices']:.0f} bytes ({r['devices']:,} devices)")
            if "index_bytes" in r:
                print(f"  key index: {r['index_bytes'] / r['records']:.0f} bytes a record key")
            print(f"  findings: {r['by_rule']}")
    finally:
        if not args.keep and args.folder is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
