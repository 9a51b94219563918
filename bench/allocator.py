"""Allocator throughput: equipment codes per second from one SQLite store, one process and several at once.

Every allocation is a durable transaction (BEGIN IMMEDIATE … COMMIT with synchronous=FULL), so the figure is
bound by the disk's fsync rate; run it on the file system the store will live on.
Run: python bench/allocator.py [--store-dir DIR] [--count N] [--processes P]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import tempfile
import time
from pathlib import Path

from sedata.codes.allocator import Store, next_equipment_code


def _work(path: str, count: int, year: int) -> None:
    with Store(path) as s:
        for _ in range(count):
            next_equipment_code(s, "3110", maker_code="10890", year=year)


def run(folder: Path, count: int, processes: int) -> dict[str, float]:
    """Allocations per second: ``count`` in one process, then ``count`` per process in ``processes`` processes."""
    path = str(folder / "bench.sqlite3")
    Store(path).close()
    start = time.perf_counter()
    _work(path, count, 2024)
    single = count / (time.perf_counter() - start)
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    workers = [ctx.Process(target=_work, args=(path, count, 2025)) for _ in range(processes)]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    multi = processes * count / (time.perf_counter() - start)
    with Store(path) as s:
        problems = s.check()
        issued = sum(1 for _ in s.issued())
    if problems or issued != count * (processes + 1):
        raise SystemExit(f"store inconsistent: {problems or issued}")
    return {"one process": single, f"{processes} processes": multi}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--store-dir", type=Path, default=None, help="Folder for the store (default: a temp folder).")
    parser.add_argument("--count", type=int, default=2000, help="Allocations per process.")
    parser.add_argument("--processes", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.store_dir) as folder:
        for label, rate in run(Path(folder), args.count, args.processes).items():
            print(f"{label:>14}: {rate:8.0f} allocations/s")


if __name__ == "__main__":
    main()
