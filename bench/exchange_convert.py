"""How fast, and in how much memory, sedata writes and converts a large inspection upload.

Generates N Inspection records (default 1,000,000) with a fast deterministic generator, writes them as
JSON Lines, converts JSONL → XML → JSON and back to JSONL, and checks that the last file is byte for byte
the first. Each step runs in a fresh interpreter and reports records/s and its peak RSS (VmHWM), next
to baselines measured in the same run on the same files: a plain line-by-line JSON parse of the JSONL
(orjson if installed, else json), lxml ``iterparse`` with element clearing of the XML, and ijson over
the JSON document. Not run in CI.

Run: python bench/exchange_convert.py [--records N] [--folder DIR] [--keep]
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

# Each step is a small program run in its own interpreter, so its peak memory is its own.
PRELUDE = r"""
import json, sys, time
from pathlib import Path

def peak_kib():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))

def done(records, start):
    print(json.dumps({"records": records, "seconds": time.perf_counter() - start, "peak_kib": peak_kib()}))

folder = Path(sys.argv[1])
n = int(sys.argv[2])
"""

STEPS: dict[str, str] = {
    "write JSONL (generate + write)": r"""
from sedata import exchange as X
CONCLUSIONS = ("合格", "不合格", "复检合格")
KINDS = ("定期检验", "安装监督检验", "复检")
BODIES = (("福建省特种设备检验研究院漳州分院", "123506004885497331"),
          ("湖南省特种设备检验检测研究院湘西分院", "12433100448761588N"))

def records():
    for i in range(n):
        body, code = BODIES[i % 2]
        day = 1 + i % 28
        yield X.Record("Inspection", {
            "reportNo": f"ZZ{2020 + i % 7}FTC{i:08d}",
            "equipmentCode": f"3110{i % 999999:06d}2015{i % 100000:05d}"[:18],
            "registrationCertNo": f"梯11闽E{i % 10000:04d}({16 + i % 9})",
            "equipmentKind": "3000",
            "inspectionBodyName": body,
            "inspectionBodyCode": code,
            "inspectionKind": KINDS[i % 3],
            "inspectionNature": "法定",
            "inspectionDate": f"2026-{1 + i % 12:02d}-{day:02d}",
            "inspectionConclusion": CONCLUSIONS[i % 3],
            "nextInspectionDate": f"2027-{1 + i % 12:02d}-{day:02d}",
        })

start = time.perf_counter()
header = X.write(folder / "a.jsonl", records(), message_type="inspection-upload",
                 sender="123506004885497331", receiver="11350600003654173F", sequence=1)
done(header.record_count, start)
""",
    "baseline: json line parse of the JSONL": r"""
try:
    import orjson
    loads = orjson.loads
except ImportError:
    loads = json.loads
start = time.perf_counter()
count = -1
with open(folder / "a.jsonl", "rb") as f:
    for line in f:
        loads(line)
        count += 1
done(count, start)
""",
    "convert JSONL -> XML": r"""
from sedata import exchange as X
start = time.perf_counter()
header = X.convert(folder / "a.jsonl", folder / "b.xml")
done(header.record_count, start)
""",
    "baseline: lxml iterparse of the XML": r"""
from lxml import etree
start = time.perf_counter()
count = 0
for _, el in etree.iterparse(str(folder / "b.xml"), events=("end",), tag="{urn:sedata:spec:1}Inspection"):
    count += 1
    el.clear(keep_tail=True)
    while el.getprevious() is not None:
        del el.getparent()[0]
done(count, start)
""",
    "convert XML -> JSON": r"""
from sedata import exchange as X
start = time.perf_counter()
header = X.convert(folder / "b.xml", folder / "c.json")
done(header.record_count, start)
""",
    "baseline: ijson items of the JSON": r"""
import ijson
backend = ijson.get_backend("yajl2_c")
start = time.perf_counter()
with open(folder / "c.json", "rb") as f:
    count = sum(1 for _ in backend.items(f, "records.item"))
done(count, start)
""",
    "convert JSON -> JSONL": r"""
from sedata import exchange as X
start = time.perf_counter()
header = X.convert(folder / "c.json", folder / "d.jsonl")
done(header.record_count, start)
""",
}


def run_step(code: str, folder: Path, n: int) -> dict[str, Any]:
    """Run one step in a fresh interpreter and return what it reports."""
    out = subprocess.run(
        [sys.executable, "-c", PRELUDE + code, str(folder), str(n)], check=True, capture_output=True, text=True
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="number of records (default 1,000,000)")
    parser.add_argument("--folder", type=Path, help="where to write the files (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="sedata-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    from sedata.exchange.jsondoc import BACKEND_NAME

    print(f"{args.records:,} records in {folder} (ijson backend {BACKEND_NAME})")
    print(f"{'step':42} {'records':>10} {'seconds':>8} {'records/s':>10} {'peak RSS':>10}")
    started = time.perf_counter()
    try:
        for name, code in STEPS.items():
            r = run_step(code, folder, args.records)
            rate = r["records"] / r["seconds"] if r["seconds"] else float("inf")
            print(
                f"{name:42} {r['records']:>10,} {r['seconds']:>8.1f} {rate:>10,.0f} {r['peak_kib'] / 1024:>7.1f} MiB",
                flush=True,
            )
        same = (folder / "a.jsonl").read_bytes() == (folder / "d.jsonl").read_bytes()
        sizes = ", ".join(f"{p.name} {p.stat().st_size / 2**20:.0f} MiB" for p in sorted(folder.glob("[abcd].*")))
        print(f"files: {sizes}")
        print(f"JSONL -> XML -> JSON -> JSONL reproduces the original byte for byte: {same}")
        print(f"total {time.perf_counter() - started:.0f} s")
        if not same:
            sys.exit(1)
    finally:
        if not args.keep and args.folder is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
