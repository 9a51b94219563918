"""Validation of a run in one process against ``sedata.distributed`` on a local Dask cluster of 1 and 2 workers.

Generates N inspection-upload records (default 200,000; seed 1, 1 % defects) with
``sedata.sample.generator.sample_records``, written as two JSON Lines files (the second half of the records
again, so keys repeat across files and the key shuffle has work). Each step runs in a fresh interpreter so
that its peak RSS is its own:

- ``one``: ``sedata.validate.validate_files`` in one process (all layers, cross-record included);
- ``dask-1``, ``dask-2``: ``sedata.distributed.validate`` on a ``LocalCluster`` of 1 or 2 worker processes,
  one thread each, ``--partition-mb`` MB JSON Lines partitions; the cluster is started before the clock.

Reports records/s, the client's peak RSS (VmHWM), the largest worker's peak RSS, the number of findings
(which must be equal in every step), and the time per partition, which is what a larger run repeats. Not run
in CI or by pytest.

Run: python bench/distributed.py [--count N] [--partition-mb MB] [--dir DIR] [--keep]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

STEP = r"""
import datetime as dt, json, sys, time

def peak_kib():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))

workers, partition, paths = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
today = dt.date(2030, 1, 1)
if __name__ == "__main__":
    if workers == 0:
        from sedata.validate import validate_files
        start = time.perf_counter()
        report = validate_files(paths, today=today)
        seconds, worker_peak, partitions = time.perf_counter() - start, 0, len(paths)
    else:
        import distributed
        from sedata.distributed import validate
        from sedata.distributed.partitions import plan_file
        from sedata.spec import current
        with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=":0",
                                      silence_logs=40) as cluster, distributed.Client(cluster) as client:
            client.run(lambda: __import__("sedata.distributed.run"))  # imports before the clock, as a warm cluster
            start = time.perf_counter()
            report = validate(paths, client=client, partition_bytes=partition, today=today)
            seconds = time.perf_counter() - start
            worker_peak = max(client.run(peak_kib).values())
        plans = [plan_file(p, current(), partition) for p in paths]
        partitions = sum(1 if p.chunks is None else len(p.chunks) for p in plans)
    records = sum(f.records for f in report.files)
    findings = sum(len(f.findings) for f in report.files)
    print(json.dumps({"records": records, "seconds": seconds, "client_peak_kib": peak_kib(),
                      "worker_peak_kib": worker_peak, "findings": findings, "partitions": partitions}))
"""


def generate(folder: Path, count: int) -> list[Path]:
    from sedata.exchange import write
    from sedata.sample.generator import sample_records

    records = [r for r, _defect in sample_records("inspection-upload", count, seed=1, invalid_rate=0.01)]
    first = folder / "a.jsonl"
    write(first, records, message_type="inspection-upload", sender="123506004885497331",
          receiver="91433101772274167P", mode="changes", format="jsonl")  # fmt: skip
    second = folder / "b.jsonl"
    half = records[len(records) // 2 :]
    for index, record in enumerate(half):
        record.index = index
    write(second, half, message_type="inspection-upload", sender="123506004885497331",
          receiver="91433101772274167P", mode="changes", format="jsonl")  # fmt: skip
    return [first, second]


def run(workers: int, partition: int, paths: list[Path]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", STEP, str(workers), str(partition), *map(str, paths)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--partition-mb", type=float, default=16)
    parser.add_argument("--dir", type=Path)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="sedata-dask-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        start = time.perf_counter()
        paths = generate(folder, args.count)
        size = sum(p.stat().st_size for p in paths)
        print(f"generated {args.count} + {args.count // 2} records, {size / 1e6:.0f} MB in "
              f"{time.perf_counter() - start:.0f} s")  # fmt: skip
        partition = int(args.partition_mb * (1 << 20))
        print("| step | records | s | records/s | client peak MB | worker peak MB | partitions | s/partition "
              "| findings |")  # fmt: skip
        print("|---|---|---|---|---|---|---|---|---|")
        for name, workers in (("one process", 0), ("dask, 1 worker", 1), ("dask, 2 workers", 2)):
            r = run(workers, partition, paths)
            rate = r["records"] / r["seconds"]
            per = r["seconds"] / r["partitions"] * max(workers, 1)
            print(
                f"| {name} | {r['records']} | {r['seconds']:.1f} | {rate:,.0f} | {r['client_peak_kib'] / 1024:.0f} "
                f"| {r['worker_peak_kib'] / 1024:.0f} | {r['partitions']} | {per:.2f} | {r['findings']} |",
                flush=True,
            )
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
