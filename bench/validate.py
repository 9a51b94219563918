"""How fast, and in how much memory, `sedata validate` checks a large inspection upload, in every format.

Generates N inspection-upload records (default 100,000; mode changes, seed 1) with
``sedata.sample.generator.sample_records``, writes them with ``sedata.exchange.write`` as JSON Lines and
converts that file to XML and a JSON document. Then, for each format, runs each step in a fresh interpreter
(so its peak RSS, VmHWM read from /proc/self/status at the end, is its own) and reports records/s next to
baselines measured in the same run on the same files (issue 14):

- ``sedata validate FILE --engine columnar|row --format json --out FILE --today 2030-01-01``, all layers, run
  in-process through the CLI app; its time includes the command's own lazy imports and spec loading, not the
  interpreter start-up (the report goes to a file beside the data: the command refuses to write to a device);
- JSON Lines also with ``--engine columnar --jobs 2`` (two worker processes, stopped and waited for once the
  command returns, so that their peak is shown apart), and with ``--engine columnar`` held to one core
  (``sched_setaffinity`` before Polars starts): one process screens the next batch in a thread, so the scaling
  of ``--jobs`` is also given against a process that cannot use the second core;
- the parse floors: orjson (else json) per line of the JSONL; lxml ``iterparse`` of the record elements,
  clearing each, of the XML; ijson ``items(f, "records.item")`` of the JSON document;
- JSONL, the schema-only peer: orjson then jsonschema-rs (Rust) checking each line against the exported
  record schema (``$defs/InspectionUploadRecord`` of sedata/schemas/sedata.schema.json, formats asserted);
- JSONL, structure floor: pydantic ``validate_json`` of each record line, whose ``data`` is the generated
  model of its record type (``sedata.elements``), discriminated on ``recordType``;
- JSONL: the same JSON Schema with Python ``jsonschema.Draft202012Validator``, on the first ``--schema-sample``
  records;
- XML: the XSD (sedata/schemas/sedata.xsd) per record with lxml ``XMLSchema``, streaming over the whole
  file: each record element from ``iterparse`` is moved into a one-record message (the file's own root,
  header and ``records`` element, so it is checked against exactly the type it has in the full document)
  which is validated, then dropped. Each validation therefore also re-checks the small header. This keeps
  memory constant, unlike validating the whole document (about 1 GB per 100k records);
- XML: the same per-record wrapping validated with xmlschema, on the first ``--schema-sample`` records.

Baseline steps that stop early (subsets) count only the records they checked; every step counts records
its validator rejected, which should be none on a clean sample. ``--skip KEY`` leaves a step out (its ratios
then say "not run"). Not run in CI or by pytest.

Run: python bench/validate.py [--count N] [--schema-sample N] [--skip KEY ...] [--dir DIR [--reuse]] [--keep]
           [--markdown]
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

SCHEMAS = Path(__file__).resolve().parent.parent / "sedata" / "schemas"

# Each step is a small program run in its own interpreter, so its peak memory is its own.
PRELUDE = r"""
import json, sys, time
from pathlib import Path

def peak_kib():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))

def done(records, start, invalid=0, end=None, **extra):
    import resource  # worker processes (--jobs): the largest one's peak, reported beside the main process's
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    seconds = (time.perf_counter() if end is None else end) - start
    print(json.dumps({"records": records, "seconds": seconds, "peak_kib": peak_kib(),
                      "child_peak_kib": child, "invalid": invalid, **extra}))

path = Path(sys.argv[1])
n = int(sys.argv[2])
sample = int(sys.argv[3])
schemas = Path(sys.argv[4])
"""

VALIDATE = r"""
import os
from sedata.cli.main import app
out = path.parent / f"report-{os.getpid()}.json"  # not /dev/null: every writing command refuses a device
argv = ["validate", str(path), "--format", "json", "--out", str(out), "--today", "2030-01-01", *EXTRA]
start = time.perf_counter()
try:
    app(argv, prog_name="sedata")
    code = 0
except SystemExit as exc:
    code = exc.code or 0
end = time.perf_counter()
# The --jobs workers are kept for a next run; stopped and waited for here, their peak counts among the children's.
from sedata.validate.parallel import shutdown_workers
shutdown_workers()
out.unlink(missing_ok=True)
if code not in (0, 1):
    sys.exit(f"sedata validate exited with {code}")
done(n, start, end=end, exit_code=code)
"""

ONE_CORE = r"""
import os
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # before polars starts its threads: one core in all
"""

JSONL_FLOOR = r"""
try:
    import orjson
    loads = orjson.loads
except ImportError:
    loads = json.loads
start = time.perf_counter()
count = -1  # the header line
with open(path, "rb") as f:
    for line in f:
        loads(line)
        count += 1
done(count, start)
"""

JSONL_JSONSCHEMA_RS = r"""
import jsonschema_rs
import orjson
document = json.loads((schemas / "sedata.schema.json").read_text(encoding="utf-8"))
validator = jsonschema_rs.validator_for(
    {**document, "$ref": "#/$defs/InspectionUploadRecord"}, validate_formats=True
)
start = time.perf_counter()
count = invalid = 0
with open(path, "rb") as f:
    next(f)  # the header line
    for line in f:
        if not validator.is_valid(orjson.loads(line)):
            invalid += 1
        count += 1
done(count, start, invalid)
"""

JSON_FLOOR = r"""
import ijson
start = time.perf_counter()
count = 0
with open(path, "rb") as f:
    for _ in ijson.items(f, "records.item"):
        count += 1
done(count, start, backend=ijson.backend)
"""

JSONL_PYDANTIC = r"""
from typing import Annotated, Literal, Union
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
import sedata.elements as E

def line_model(record_type):
    return type(f"{record_type}Line", (BaseModel,), {
        "__annotations__": {"recordType": Literal[record_type], "operation": Literal["add", "update"] | None,
                            "recordKey": str | None, "recordVersion": int | None, "data": getattr(E, record_type)},
        "model_config": ConfigDict(extra="forbid"),
        "operation": None, "recordKey": None, "recordVersion": None,
    })

adapter = TypeAdapter(Annotated[Union[line_model("Equipment"), line_model("Inspection")],
                                Field(discriminator="recordType")])
start = time.perf_counter()
count = invalid = 0
with open(path, "rb") as f:
    next(f)  # the header line
    for line in f:
        try:
            adapter.validate_json(line)
        except ValidationError:
            invalid += 1
        count += 1
done(count, start, invalid)
"""

JSONL_JSONSCHEMA = r"""
from itertools import islice
import jsonschema
try:
    import orjson
    loads = orjson.loads
except ImportError:
    loads = json.loads
document = json.loads((schemas / "sedata.schema.json").read_text(encoding="utf-8"))
# With the format checker: "date"/"date-time" are assertions only then, and sedata checks real dates too.
validator = jsonschema.Draft202012Validator(
    {**document, "$ref": "#/$defs/InspectionUploadRecord"},
    format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
)
start = time.perf_counter()
count = invalid = 0
with open(path, "rb") as f:
    next(f)  # the header line
    for line in islice(f, sample):
        if not validator.is_valid(loads(line)):
            invalid += 1
        count += 1
done(count, start, invalid)
"""

XML_FLOOR = r"""
from lxml import etree
start = time.perf_counter()
count = 0
tags = [f"{{urn:sedata:spec:1}}{name}" for name in ("Equipment", "Inspection", "Delete")]
for _, el in etree.iterparse(str(path), events=("end",), tag=tags):
    count += 1
    el.clear(keep_tail=True)
    while el.getprevious() is not None:
        del el.getparent()[0]
done(count, start)
"""

# Shared by both XSD steps: stream the record elements, move each into a one-record message.
XML_PER_RECORD = r"""
import copy
from lxml import etree
NS = "{urn:sedata:spec:1}"

def one_record_messages(limit):
    wrapper = records = None
    count = 0
    tags = [NS + name for name in ("header", "Equipment", "Inspection", "Delete")]
    for _, el in etree.iterparse(str(path), events=("end",), tag=tags):
        if el.tag == NS + "header":
            root = el.getparent()
            wrapper = etree.Element(root.tag, nsmap=root.nsmap)
            wrapper.append(copy.deepcopy(el))
            records = etree.SubElement(wrapper, NS + "records")
        else:
            records.append(el)  # moves it out of the parsed document
            yield wrapper
            records.remove(el)
            count += 1
            if count == limit:
                return
"""

XML_LXML_XSD = r"""
schema = etree.XMLSchema(etree.parse(str(schemas / "sedata.xsd")))
start = time.perf_counter()
count = invalid = 0
for message in one_record_messages(None):
    if not schema.validate(message):
        invalid += 1
    count += 1
done(count, start, invalid)
"""

XML_XMLSCHEMA = r"""
import xmlschema
schema = xmlschema.XMLSchema(str(schemas / "sedata.xsd"))
start = time.perf_counter()
count = invalid = 0
for message in one_record_messages(sample):
    if not schema.is_valid(message):
        invalid += 1
    count += 1
done(count, start, invalid)
"""

# (key, label, program, format)
STEPS: list[tuple[str, str, str, str]] = [
    (
        "jsonl-columnar",
        "JSONL: sedata validate --engine columnar",
        "EXTRA = ['--engine', 'columnar']" + VALIDATE,
        "jsonl",
    ),
    (
        "jsonl-columnar-j2",
        "JSONL: sedata validate --engine columnar --jobs 2",
        "EXTRA = ['--engine', 'columnar', '--jobs', '2']" + VALIDATE,
        "jsonl",
    ),
    (
        "jsonl-columnar-1core",
        "JSONL: sedata validate --engine columnar, one core",
        ONE_CORE + "EXTRA = ['--engine', 'columnar']" + VALIDATE,
        "jsonl",
    ),
    ("jsonl-row", "JSONL: sedata validate --engine row", "EXTRA = ['--engine', 'row']" + VALIDATE, "jsonl"),
    ("jsonl-floor", "JSONL: parse floor ({loads} per line)", JSONL_FLOOR, "jsonl"),
    ("jsonl-jsonschema-rs", "JSONL: orjson + jsonschema-rs per line", JSONL_JSONSCHEMA_RS, "jsonl"),
    ("jsonl-pydantic", "JSONL: pydantic validate_json per line", JSONL_PYDANTIC, "jsonl"),
    ("jsonl-jsonschema", "JSONL: jsonschema (Python) per line (subset)", JSONL_JSONSCHEMA, "jsonl"),
    ("xml-columnar", "XML: sedata validate --engine columnar", "EXTRA = ['--engine', 'columnar']" + VALIDATE, "xml"),
    ("xml-row", "XML: sedata validate --engine row", "EXTRA = ['--engine', 'row']" + VALIDATE, "xml"),
    ("xml-floor", "XML: lxml iterparse floor", XML_FLOOR, "xml"),
    ("xml-lxml-xsd", "XML: lxml XSD per record", XML_PER_RECORD + XML_LXML_XSD, "xml"),
    ("xml-xmlschema", "XML: xmlschema per record (subset)", XML_PER_RECORD + XML_XMLSCHEMA, "xml"),
    ("json-columnar", "JSON: sedata validate --engine columnar", "EXTRA = ['--engine', 'columnar']" + VALIDATE, "json"),
    ("json-row", "JSON: sedata validate --engine row", "EXTRA = ['--engine', 'row']" + VALIDATE, "json"),
    ("json-floor", "JSON: ijson items floor", JSON_FLOOR, "json"),
]

# (label, numerator step, denominator step, target ratio of records/s)
RATIOS: list[tuple[str, str, str, float]] = [
    ("JSONL columnar / orjson floor", "jsonl-columnar", "jsonl-floor", 0.25),
    ("JSONL columnar / orjson + jsonschema-rs", "jsonl-columnar", "jsonl-jsonschema-rs", 0.50),
    ("JSONL columnar --jobs 2 / columnar", "jsonl-columnar-j2", "jsonl-columnar", 1.7),
    # One process screens ahead in a thread, so it already takes part of the second core: the scaling of --jobs
    # itself is against a process held to one core.
    ("JSONL columnar --jobs 2 / columnar on one core", "jsonl-columnar-j2", "jsonl-columnar-1core", 1.7),
    ("XML columnar / lxml iterparse floor", "xml-columnar", "xml-floor", 0.40),
    ("XML columnar / lxml XSD per record", "xml-columnar", "xml-lxml-xsd", 1.0),
    ("JSON columnar / ijson floor", "json-columnar", "json-floor", 0.25),
    ("JSONL row / orjson floor (the row engine, for comparison)", "jsonl-row", "jsonl-floor", 0.25),
    ("XML row / lxml iterparse floor (the row engine, for comparison)", "xml-row", "xml-floor", 0.40),
    ("JSON row / ijson floor (the row engine, for comparison)", "json-row", "json-floor", 0.25),
]
PEAK_TARGET_MIB = 200  # issues 5 and 14: at 1M records, in every format
PEAK_AT = 1_000_000  # records the peak target is set for (memory grows with the distinct keys of a run)


def peak_verdict(peak_mib: float, count: int) -> str:
    """Whether a peak meets the 1M-record target: only a run of at least 1M records can say "met"."""
    if peak_mib >= PEAK_TARGET_MIB:
        return "missed" if count >= PEAK_AT else f"missed already at {count:,} records"
    return "met" if count >= PEAK_AT else f"not measured at 1M ({count:,} records)"


def generate(folder: Path, count: int) -> dict[str, Path]:
    """Write the same ``count`` sample records as JSON Lines, XML and a JSON document; return the paths by format.

    The JSON Lines file is sampled; the other two are converted from it (``sedata.exchange.convert``, three
    times faster than sampling again), so all three hold the same records, header and digest.
    """
    from sedata.cli.sample_cmd import DEFAULT_RECEIVER, DEFAULT_SENDER
    from sedata.exchange import convert, write
    from sedata.sample.generator import sample_records

    paths = {"jsonl": folder / "upload.jsonl", "xml": folder / "upload.xml", "json": folder / "upload.json"}
    records = (record for record, _ in sample_records("inspection-upload", count, seed=1, mode="changes"))
    write(
        paths["jsonl"],
        records,
        message_type="inspection-upload",
        sender=DEFAULT_SENDER,
        receiver=DEFAULT_RECEIVER,
        mode="changes",
    )
    for fmt in ("xml", "json"):
        convert(paths["jsonl"], paths[fmt])
    return paths


def run_step(code: str, path: Path, count: int, sample: int) -> dict[str, Any]:
    """Run one step in a fresh interpreter and return what it reports."""
    argv = [sys.executable, "-c", PRELUDE + code, str(path), str(count), str(sample), str(SCHEMAS)]
    out = subprocess.run(argv, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"step failed ({out.returncode}):\n{out.stderr}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def rate(r: dict[str, Any]) -> float:
    return float(r["records"] / r["seconds"]) if r["seconds"] else float("inf")


def table(rows: list[list[str]], header: list[str], markdown: bool) -> str:
    """Rows as an aligned text table, or as Markdown; the first column left-aligned, the others right."""
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join([":---"] + ["---:"] * (len(header) - 1)) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def fmt(row: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))

    return "\n".join([fmt(header), "  ".join("-" * w for w in widths), *map(fmt, rows)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="number of records (default 100,000)")
    parser.add_argument(
        "--schema-sample", type=int, default=5000, help="records for the slow jsonschema and xmlschema steps"
    )
    parser.add_argument("--dir", type=Path, help="where to write the files (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --dir: take the files an earlier run generated there for the same --count (1M take minutes)",
    )
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    parser.add_argument(
        "--skip", action="append", default=[], choices=[key for key, *_ in STEPS], help="leave this step out"
    )
    args = parser.parse_args()
    if args.count < 1 or args.schema_sample < 1:
        parser.error("--count and --schema-sample must be at least 1")
    folder = args.dir or Path(tempfile.mkdtemp(prefix="sedata-bench-validate-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        import orjson  # noqa: F401

        loads = "orjson.loads"
    except ImportError:
        loads = "json.loads"

    started = time.perf_counter()
    try:
        marker = folder / f".generated-{args.count}"
        if args.reuse and marker.exists():
            paths = {fmt: folder / f"upload.{fmt}" for fmt in ("jsonl", "xml", "json")}
        else:
            paths = generate(folder, args.count)
            marker.touch()  # the three files are whole: a later --reuse may take them
        sizes = ", ".join(f"{p.name} {p.stat().st_size / 2**20:.1f} MiB" for p in paths.values())
        print(
            f"{args.count:,} inspection-upload records (seed 1, mode changes) in {folder}: {sizes}; "
            f"generated in {time.perf_counter() - started:.1f} s; schema subset {args.schema_sample:,} records"
        )
        results: dict[str, dict[str, Any]] = {}
        rows = []
        header = ["step", "records", "seconds", "records/s", "peak RSS MiB"]
        for key, label, code, fmt in STEPS:
            if key in args.skip:
                continue
            r = results[key] = run_step(code, paths[fmt], args.count, args.schema_sample)
            rows.append(
                [
                    label.format(loads=loads),
                    f"{r['records']:,}",
                    f"{r['seconds']:.2f}",
                    f"{rate(r):,.0f}",
                    f"{r['peak_kib'] / 1024:.1f}"
                    + (f" (+ workers ≤ {r['child_peak_kib'] / 1024:.0f} each)" if r.get("child_peak_kib") else ""),
                ]
            )
            print(" | ".join(rows[-1]), flush=True)  # as it goes: a long run shows what it has measured
        print()
        print(table(rows, header, args.markdown))

        checks = []
        for label, num, den, target in RATIOS:
            wanted = f"≥ {target:.0%}" if target < 1 else f"≥ {target:g}×"
            if num not in results or den not in results:
                checks.append([label, "not run", wanted, "—"])
                continue
            ratio = rate(results[num]) / rate(results[den])
            shown = f"{ratio:.1%}" if target < 1 else f"{ratio:.2f}×"
            checks.append([label, shown, wanted, "met" if ratio >= target else f"missed ({ratio / target:.0%} of it)"])
        for key, label, code, _ in STEPS:
            if key not in results or ("VALIDATE" not in code and "app(argv" not in code):
                continue
            r = results[key]
            peak = max(r["peak_kib"], r.get("child_peak_kib") or 0) / 1024
            checks.append(
                [
                    f"{label.format(loads=loads)}: peak RSS of a process",
                    f"{peak:.1f} MiB",
                    f"< {PEAK_TARGET_MIB} MiB at 1M records",
                    peak_verdict(peak, args.count),
                ]
            )
        print()
        print(table(checks, ["ratio (records/s)", "measured", "target", "result"], args.markdown))

        notes = []
        for key, label, _, _ in STEPS:
            if key not in results:
                continue
            r = results[key]
            if r["invalid"]:
                notes.append(f"{label.format(loads=loads)}: {r['invalid']:,} records rejected")
            if "exit_code" in r:
                notes.append(f"{label.format(loads=loads)}: exit code {r['exit_code']}")
        print()
        print("; ".join(notes) if notes else "no step rejected any record")
        print(f"total {time.perf_counter() - started:.0f} s")
    finally:
        if not args.keep and args.dir is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
