"""How fast, and in how much memory, `sedata validate` checks a large inspection upload.

Generates N inspection-upload records (default 100,000; mode changes, seed 1) with
``sedata.sample.generator.sample_records`` and writes them with ``sedata.exchange.write`` as JSON Lines
and as XML. Then, for each format, runs each step in a fresh interpreter (so its peak RSS, VmHWM read
from /proc/self/status at the end, is its own) and reports records/s next to baselines measured in the
same run on the same files (issue 5, item 5):

- ``sedata validate FILE --format json --out /dev/null --today 2030-01-01``, all layers, run in-process
  through the CLI app; its time includes the command's own lazy imports and spec loading, not the
  interpreter start-up;
- the same with ``--engine columnar`` (Polars screen, flagged records confirmed by the row engine);
- the parse floor: orjson (else json) per line of the JSONL; lxml ``iterparse`` of the record elements,
  clearing each, of the XML;
- JSONL, structure floor: pydantic ``validate_json`` of each record line, whose ``data`` is the generated
  model of its record type (``sedata.elements``), discriminated on ``recordType``;
- JSONL: the generated JSON Schema (``$defs/InspectionUploadRecord`` of sedata/schemas/sedata.schema.json)
  with ``jsonschema.Draft202012Validator`` per record line, on the first ``--schema-sample`` records;
- XML: the XSD (sedata/schemas/sedata.xsd) per record with lxml ``XMLSchema``, streaming over the whole
  file: each record element from ``iterparse`` is moved into a one-record message (the file's own root,
  header and ``records`` element, so it is checked against exactly the type it has in the full document)
  which is validated, then dropped. Each validation therefore also re-checks the small header. This keeps
  memory constant, unlike validating the whole document (about 1 GB per 100k records);
- XML: the same per-record wrapping validated with xmlschema, on the first ``--schema-sample`` records.

Baseline steps that stop early (subsets) count only the records they checked; every step counts records
its validator rejected, which should be none on a clean sample. Not run in CI or by pytest.

Run: python bench/validate.py [--count N] [--schema-sample N] [--dir DIR] [--keep] [--markdown]
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

def done(records, start, invalid=0, **extra):
    import resource  # worker processes (--jobs): the largest one's peak, reported beside the main process's
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"records": records, "seconds": time.perf_counter() - start, "peak_kib": peak_kib(),
                      "child_peak_kib": child, "invalid": invalid, **extra}))

path = Path(sys.argv[1])
n = int(sys.argv[2])
sample = int(sys.argv[3])
schemas = Path(sys.argv[4])
"""

VALIDATE = r"""
from sedata.cli.main import app
argv = ["validate", str(path), "--format", "json", "--out", "/dev/null", "--today", "2030-01-01", *EXTRA]
start = time.perf_counter()
try:
    app(argv, prog_name="sedata")
    code = 0
except SystemExit as exc:
    code = exc.code or 0
if code not in (0, 1):
    sys.exit(f"sedata validate exited with {code}")
done(n, start, exit_code=code)
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
    ("jsonl-validate", "JSONL: sedata validate (all layers)", "EXTRA = []" + VALIDATE, "jsonl"),
    ("jsonl-validate-j2", "JSONL: sedata validate --jobs 2", "EXTRA = ['--jobs', '2']" + VALIDATE, "jsonl"),
    (
        "jsonl-validate-columnar",
        "JSONL: sedata validate --engine columnar",
        "EXTRA = ['--engine', 'columnar']" + VALIDATE,
        "jsonl",
    ),
    ("jsonl-floor", "JSONL: parse floor ({loads} per line)", JSONL_FLOOR, "jsonl"),
    ("jsonl-pydantic", "JSONL: pydantic validate_json per line", JSONL_PYDANTIC, "jsonl"),
    ("jsonl-jsonschema", "JSONL: jsonschema per line (subset)", JSONL_JSONSCHEMA, "jsonl"),
    ("xml-validate", "XML: sedata validate (all layers)", "EXTRA = []" + VALIDATE, "xml"),
    ("xml-floor", "XML: lxml iterparse floor", XML_FLOOR, "xml"),
    ("xml-lxml-xsd", "XML: lxml XSD per record", XML_PER_RECORD + XML_LXML_XSD, "xml"),
    ("xml-xmlschema", "XML: xmlschema per record (subset)", XML_PER_RECORD + XML_XMLSCHEMA, "xml"),
]

# (label, numerator step, denominator step, target ratio of records/s)
RATIOS: list[tuple[str, str, str, float]] = [
    ("JSONL validate / orjson floor", "jsonl-validate", "jsonl-floor", 0.25),
    ("JSONL validate --jobs 2 / orjson floor", "jsonl-validate-j2", "jsonl-floor", 0.25),
    ("JSONL validate --engine columnar / orjson floor", "jsonl-validate-columnar", "jsonl-floor", 0.25),
    ("JSONL validate / jsonschema", "jsonl-validate", "jsonl-jsonschema", 10.0),
    ("JSONL validate --jobs 2 / jsonschema", "jsonl-validate-j2", "jsonl-jsonschema", 10.0),
    ("XML validate / lxml iterparse floor", "xml-validate", "xml-floor", 0.40),
    ("XML validate / xmlschema", "xml-validate", "xml-xmlschema", 10.0),
]
PEAK_TARGET_MIB = 200  # issue 5: at 1M records, in either format


def generate(folder: Path, count: int) -> dict[str, Path]:
    """Write the same ``count`` sample records as JSON Lines and as XML; return the paths by format."""
    from sedata.cli.sample_cmd import DEFAULT_RECEIVER, DEFAULT_SENDER
    from sedata.exchange import write
    from sedata.sample.generator import sample_records

    paths = {"jsonl": folder / "upload.jsonl", "xml": folder / "upload.xml"}
    for path in paths.values():
        records = (record for record, _ in sample_records("inspection-upload", count, seed=1, mode="changes"))
        write(
            path,
            records,
            message_type="inspection-upload",
            sender=DEFAULT_SENDER,
            receiver=DEFAULT_RECEIVER,
            mode="changes",
        )
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
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
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
        paths = generate(folder, args.count)
        sizes = ", ".join(f"{p.name} {p.stat().st_size / 2**20:.1f} MiB" for p in paths.values())
        print(
            f"{args.count:,} inspection-upload records (seed 1, mode changes) in {folder}: {sizes}; "
            f"generated in {time.perf_counter() - started:.1f} s; schema subset {args.schema_sample:,} records"
        )
        results: dict[str, dict[str, Any]] = {}
        rows = []
        for key, label, code, fmt in STEPS:
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
        print()
        print(table(rows, ["step", "records", "seconds", "records/s", "peak RSS MiB"], args.markdown))

        checks = []
        for label, num, den, target in RATIOS:
            ratio = rate(results[num]) / rate(results[den])
            shown = f"{ratio:.1%}" if target < 1 else f"{ratio:.1f}×"
            wanted = f"≥ {target:.0%}" if target < 1 else f"≥ {target:g}×"
            checks.append([label, shown, wanted, "met" if ratio >= target else "missed"])
        for key in ("jsonl-validate", "jsonl-validate-columnar", "xml-validate"):
            peak = results[key]["peak_kib"] / 1024
            checks.append(
                [
                    f"{key} peak RSS (target is for 1M records)",
                    f"{peak:.1f} MiB",
                    f"< {PEAK_TARGET_MIB} MiB",
                    "met" if peak < PEAK_TARGET_MIB else "missed",
                ]
            )
        print()
        print(table(checks, ["ratio (records/s)", "measured", "target", "result"], args.markdown))

        notes = []
        for key, label, _, _ in STEPS:
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
