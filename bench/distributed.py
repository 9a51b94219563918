"""Validation of a run in one process against ``sedata.distributed`` on a local Dask cluster of 1 and 2 workers.

Generates N inspection-upload records (default 1,334,000; seed 1, 1 % defects) with
``sedata.sample.generator.sample_records``, written as two JSON Lines files (the second half of the records
again, so keys repeat across files and the key shuffle has work): 1.5 N records in all (default 2,001,000).
Files already in ``--dir`` (with their ``bench.json``) are used again, so the data can be made beforehand
(``--generate-only``). Each step runs in a fresh interpreter so that its peak RSS is its own:

- ``one``: ``sedata.validate.validate_files`` in one process (all layers, cross-record included);
- ``dask-1``, ``dask-2``: ``sedata.distributed.validate_to`` on a ``LocalCluster`` of 1 or 2 worker processes,
  one thread each, ``--partition-mb`` MB JSON Lines partitions, the findings written by the workers (Parquet
  and JSON Lines) and only a summary on the client; the cluster is started before the clock.

Reports records/s, the client's peak RSS (VmHWM), the largest worker's peak RSS (and its RSS after each tenth
of the input is folded: flat when nothing of the run piles up on the workers), the number of findings
(which must be equal in every step), the load average when the step started, the CPU seconds of the client
(with a LocalCluster, its scheduler) and of the workers, and records per CPU second (what a busy, shared machine
does not distort as it does wall time), the workers' seconds by task (the engine's partitions, key rows, the
key shuffle, the per-key check and writing), and the time per partition,
which is what a larger run repeats; then an extrapolation of that per-partition cost to 4×10^7 records.
Not run in CI or by pytest.

Run: python bench/distributed.py [--count N] [--partition-mb MB] [--dir DIR] [--keep] [--generate-only]
     [--steps one,dask-2,dask-1] [--budget SECONDS] [--engine columnar|row]
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
from typing import Any

STEP = r"""
import datetime as dt, json, sys, time

def peak_kib():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))

def cpu_s():
    import resource
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime

def rss_kib():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))

workers, partition, engine, paths = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]
today = dt.date(2030, 1, 1)
if __name__ == "__main__":
    if workers == 0:
        from sedata.validate import validate_files
        start, cpu = time.perf_counter(), cpu_s()
        report = validate_files(paths, today=today, engine=engine)
        seconds, worker_peak, partitions, marks, tasks = time.perf_counter() - start, 0, len(paths), [], {}
        cpu, worker_cpu = cpu_s() - cpu, 0.0
    else:
        import distributed
        from sedata.distributed import COLUMNAR, ROW, validate_to
        from sedata.distributed.partitions import plan_file
        from sedata.spec import current
        with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=":0",
                                      silence_logs=40) as cluster, distributed.Client(cluster) as client:
            client.run(lambda: __import__("sedata.distributed.run"))  # imports before the clock, as a warm cluster
            import os
            total = sum(os.path.getsize(p) for p in paths)
            done, marks = {}, []  # worker RSS (MB, largest) each time another 10 % of the input is folded

            def fold(path, read, _size):
                done[path] = read
                if sum(done.values()) * 10 >= total * (len(marks) + 1):
                    marks.append(max(client.run(rss_kib).values()) // 1024)

            start, cpu, worker_cpu = time.perf_counter(), cpu_s(), sum(client.run(cpu_s).values())
            out = paths[0] + f".findings-{workers}"
            chunks = COLUMNAR if engine == "columnar" else ROW
            report = validate_to(paths, out, client=client, partition_bytes=partition, today=today,
                                 engine=chunks, progress=fold).report
            seconds = time.perf_counter() - start
            worker_peak = max(client.run(peak_kib).values())
            cpu, worker_cpu = cpu_s() - cpu, sum(client.run(cpu_s).values()) - worker_cpu
            tasks = client.run_on_scheduler(lambda dask_scheduler: {
                name: prefix.all_durations.get("compute", 0.0) for name, prefix in dask_scheduler.task_prefixes.items()
            })
        plans = [plan_file(p, current(), partition) for p in paths]
        partitions = sum(1 if p.chunks is None else len(p.chunks) for p in plans)
    records = sum(f.records for f in report.files)
    findings = sum(report.by_severity().values())
    print(json.dumps({"records": records, "seconds": seconds, "client_peak_kib": peak_kib(),
                      "worker_peak_kib": worker_peak, "findings": findings, "partitions": partitions,
                      "worker_mb_by_tenth": marks, "cpu_s": cpu, "worker_cpu_s": worker_cpu, "task_s": tasks}))
"""


def generate(folder: Path, count: int) -> list[Path]:
    """Two JSON Lines files: ``count`` records, then the second half of them again (the same keys)."""
    from sedata.exchange import open_message, write
    from sedata.sample.generator import sample_records

    first, second, meta = folder / "a.jsonl", folder / "b.jsonl", folder / "bench.json"
    if meta.exists() and json.loads(meta.read_text())["count"] == count:
        return [first, second]
    records = (r for r, _defect in sample_records("inspection-upload", count, seed=1, invalid_rate=0.01))
    write(first, records, message_type="inspection-upload", sender="123506004885497331",
          receiver="91433101772274167P", mode="changes", format="jsonl")  # fmt: skip

    def half() -> Any:
        with open_message(first) as reader:
            for record in reader:
                if record.index is not None and record.index >= count // 2:
                    record.index -= count // 2
                    yield record

    write(second, half(), message_type="inspection-upload", sender="123506004885497331",
          receiver="91433101772274167P", mode="changes", format="jsonl")  # fmt: skip
    meta.write_text(json.dumps({"count": count}))
    return [first, second]


def run(workers: int, partition: int, engine: str, paths: list[Path], budget: float) -> dict[str, Any] | None:
    """One step in a fresh interpreter; None when it did not finish within ``budget`` seconds."""
    try:
        out = subprocess.run(
            [sys.executable, "-c", STEP, str(workers), str(partition), engine, *map(str, paths)],
            capture_output=True,
            text=True,
            timeout=budget,
        )
    except subprocess.TimeoutExpired:
        return None
    if out.returncode:
        sys.exit(f"step with {workers} workers failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


STEPS = {"one": ("one process", 0), "dask-1": ("Dask, 1 worker", 1), "dask-2": ("Dask, 2 workers", 2)}
TARGET = 40_000_000
"""The national year the extrapolation is for (issue 15)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_334_000)
    parser.add_argument("--partition-mb", type=float, default=32)
    parser.add_argument("--dir", type=Path)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--steps", default="one,dask-2,dask-1")
    parser.add_argument("--budget", type=float, default=2300, help="seconds for all steps (a step past it is cut)")
    parser.add_argument(
        "--engine", choices=("columnar", "row"), default="columnar", help="records engine of every step (the same)"
    )
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="sedata-dask-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        start = time.perf_counter()
        paths = generate(folder, args.count)
        size = sum(p.stat().st_size for p in paths)
        print(f"{args.count} + {args.count // 2} records, {size / 1e6:.0f} MB, ready in "
              f"{time.perf_counter() - start:.0f} s; {os.cpu_count()} cores; "
              f"engine {args.engine}", flush=True)  # fmt: skip
        if args.generate_only:
            return
        partition = int(args.partition_mb * (1 << 20))
        print("| step | records | s | records/s | client peak MB | worker peak MB | partitions | s/partition "
              "| findings | load | CPU s (client + workers) | records per CPU s |")  # fmt: skip
        print("|---|---|---|---|---|---|---|---|---|---|---|---|", flush=True)
        rows = {}
        end = time.monotonic() + args.budget - (time.perf_counter() - start)
        for step in args.steps.split(","):
            name, workers = STEPS[step]
            load = os.getloadavg()[0]
            left = end - time.monotonic()
            r = run(workers, partition, args.engine, paths, left) if left > 60 else None
            if r is None:
                print(f"| {name} | not finished in the {args.budget:.0f} s budget (load {load:.1f}) |", flush=True)
                continue
            rows[step] = r
            rate = r["records"] / r["seconds"]
            per = r["seconds"] / r["partitions"] * max(workers, 1)
            r["per"] = per
            print(
                f"| {name} | {r['records']:,} | {r['seconds']:.0f} | {rate:,.0f} | {r['client_peak_kib'] / 1024:.0f} "
                f"| {r['worker_peak_kib'] / 1024:.0f} | {r['partitions']} | {per:.1f} | {r['findings']:,} "
                f"| {load:.1f} | {r['cpu_s']:.0f} + {r['worker_cpu_s']:.0f} "
                f"| {r['records'] / (r['cpu_s'] + r['worker_cpu_s']):,.0f} |",
                flush=True,
            )
        for step, r in rows.items():
            if r.get("worker_mb_by_tenth"):
                print(f"{STEPS[step][0]}: largest worker RSS (MB) after each tenth of the input folded: "
                      f"{r['worker_mb_by_tenth']}", flush=True)  # fmt: skip
            if r.get("task_s"):  # where the workers' time went, by task (Dask's own measure, wall time in tasks)
                top = sorted(r["task_s"].items(), key=lambda item: -item[1])[:8]
                print(f"{STEPS[step][0]}: worker seconds by task: "
                      + ", ".join(f"{name} {s:.1f}" for name, s in top), flush=True)  # fmt: skip
        extrapolate(rows, size)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


def extrapolate(rows: dict[str, dict[str, Any]], size: int) -> None:
    """Per-partition worker time × partitions of 4×10^7 records ÷ workers (an extrapolation, not a measurement)."""
    measured = [(step, r) for step, r in rows.items() if step != "one"]
    if not measured and "one" in rows:  # no Dask step finished: one process's per-record cost, one core
        r = rows["one"]
        hours = TARGET / (r["records"] / r["seconds"]) / 3600
        print(f"\nExtrapolation (not measured) from one process: 4×10^7 records ≈ {hours:.1f} h on one core; "
              f"N workers ≈ {hours:.1f} h / N plus Dask's overhead and the shuffle")  # fmt: skip
        return
    if not measured:
        return
    step, r = min(measured, key=lambda item: item[1]["per"])
    per_record = r["per"] * r["partitions"] / r["records"]  # worker-seconds per record
    partitions = TARGET * r["partitions"] / r["records"]
    bytes_per_record = size / r["records"]
    print(f"\nExtrapolation (not measured) from {step}: {r['per']:.1f} worker-s a partition of "
          f"{r['records'] / r['partitions']:,.0f} records; 4×10^7 records ≈ {partitions:,.0f} partitions, "
          f"{TARGET * bytes_per_record / 1e9:.0f} GB:")  # fmt: skip
    cpu = r.get("worker_cpu_s")
    per_cpu = cpu / r["records"] if cpu else None  # worker CPU seconds per record: what a free core would take
    print("| workers (1 core each) | hours, from wall time here | hours, from worker CPU time |")
    print("|---|---|---|")
    for workers in (1, 8, 32, 128):
        by_cpu = "—" if per_cpu is None else f"{TARGET * per_cpu / workers / 3600:.1f}"
        print(f"| {workers} | {TARGET * per_record / workers / 3600:.1f} | {by_cpu} |")


if __name__ == "__main__":
    main()
