"""Hostile inputs for the readers, built at test time from one clean inspection upload per format.

Each :class:`Case` writes one file into a folder and says what must come of reading it: the exception
``sedata.exchange`` raises (None: it reads through), and the rule, the words of the English message and
the exit code of ``sedata validate``. Nothing big is committed: the largest files (a 21 MiB string, a 17 MiB line, an
11 MB text node, 40,000 attributes) are generated here. Run ``python -m tests.hostile.corpus DIR`` to
write the corpus into a folder and look at it.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sedata import exchange as X

ROOT = Path(__file__).resolve().parents[2]
# Units of the example data set (valid USCC check digits): the 漳州 inspection body and a 湘西 user unit.
SENDER = "123506004885497331"
RECEIVER = "91433101772274167P"
EXTENSION = {"json": ".json", "jsonl": ".jsonl", "xml": ".xml"}
NAMESPACE = ' xmlns="urn:sedata:spec:1"'


def records() -> list[X.Record]:
    """Two devices and their four inspections, from examples/entities."""
    entities = ROOT / "examples" / "entities"
    equipment = json.loads((entities / "Equipment.json").read_text("utf-8"))
    inspections = json.loads((entities / "Inspection.json").read_text("utf-8"))
    return [X.Record("Equipment", equipment[0]), X.Record("Equipment", equipment[3])] + [
        X.Record("Inspection", r) for r in inspections
    ]


def clean(folder: Path, fmt: str) -> bytes:
    """The clean message in ``fmt`` (written once per folder); 6 records, record 1 has ``designLifeYears`` 20."""
    path = folder / f".clean{EXTENSION[fmt]}"
    if not path.exists():
        X.write(path, records(), format=fmt, message_type="inspection-upload", sender=SENDER, receiver=RECEIVER)
    return path.read_bytes()


Build = Callable[[Path], bytes]


def replaced(fmt: str, old: str, new: str | bytes) -> Build:
    """The clean message with the first ``old`` replaced by ``new``."""

    def build(folder: Path) -> bytes:
        body = clean(folder, fmt)
        assert old.encode() in body, (fmt, old)
        return body.replace(old.encode(), new if isinstance(new, bytes) else new.encode(), 1)

    return build


def record_data(fmt: str, index: int, data: object) -> Build:
    """The clean JSON or JSON Lines message with record ``index``'s ``data`` replaced by any JSON value."""

    def build(folder: Path) -> bytes:
        body = clean(folder, fmt)
        if fmt == "json":
            doc = json.loads(body)
            doc["records"][index]["data"] = data
            return json.dumps(doc, ensure_ascii=False).encode()
        lines = body.split(b"\n")
        record = json.loads(lines[index + 1])
        record["data"] = data
        lines[index + 1] = json.dumps(record, ensure_ascii=False).encode()
        return b"\n".join(lines)

    return build


def json_header_in_array(folder: Path) -> bytes:
    doc = json.loads(clean(folder, "json"))
    return json.dumps({"header": [doc["header"]], "records": doc["records"]}, ensure_ascii=False).encode()


def appended(fmt: str, extra: bytes) -> Build:
    return lambda folder: clean(folder, fmt) + extra


def jsonl_lines(change: Callable[[list[bytes]], list[bytes]]) -> Build:
    """The clean JSON Lines message with its lines (without line ends) changed."""
    return lambda folder: b"\n".join(change(clean(folder, "jsonl").split(b"\n")))


def _header_member(extra: str) -> Callable[[list[bytes]], list[bytes]]:
    def change(lines: list[bytes]) -> list[bytes]:
        assert lines[0].endswith(b"}}")
        return [lines[0][:-2] + extra.encode() + b"}}", *lines[1:]]

    return change


DEEP = 100_000
BIG_NUMBER = "7" * 5_000  # past Python's 4,300-digit int limit: segfaulted ijson's C backend


@dataclass(frozen=True)
class Case:
    """One hostile file and what reading it must give."""

    name: str
    fmt: str
    build: Build
    rule: str
    """The rule ``sedata validate`` reports for it (the first finding of that rule is checked)."""
    en: str
    """Words the English message of that finding holds."""
    error: type[X.ExchangeError] | None
    """What ``sedata.exchange.read`` raises (None: the file reads through)."""
    exit: int = 1
    records: int | None = None
    """Records validated before the finding, where it matters (content after a whole message: all 6)."""
    read_as: tuple[int, str, object] | None = None
    """For a value the reader keeps as written for validation to judge: (record, field, the value read)."""

    def write(self, folder: Path) -> Path:
        path = folder / f"{self.name}{EXTENSION[self.fmt]}"
        path.write_bytes(self.build(folder))
        return path


J, L, M = "json", "jsonl", "xml"

CASES: tuple[Case, ...] = (
    # --- JSON documents ---------------------------------------------------------------------------------
    Case("json-huge-integer", J, replaced(J, '"designLifeYears":20', f'"designLifeYears":{BIG_NUMBER}'),
         "SE-SYN-011", "longer than 1000 digits", X.LimitError),
    Case("json-huge-integer-in-header", J, replaced(J, '"sequence":1', f'"sequence":{BIG_NUMBER}'),
         "SE-SYN-011", "longer than 1000 digits", X.LimitError),
    Case("json-huge-exponent", J, replaced(J, '"designLifeYears":20', '"designLifeYears":1e' + "9" * 5000),
         "SE-SYN-003", "is not an integer", X.NonIntegerNumberError),
    Case("json-deep-record", J, replaced(J, '"designLifeYears":20', '"designLifeYears":' + "[" * DEEP + "]" * DEEP),
         "SE-SYN-011", "nested deeper than 64 levels", X.LimitError),
    Case("json-deep-header", J, replaced(J, '"sequence":1', '"sequence":' + "[" * DEEP + "]" * DEEP),
         "SE-SYN-011", "nested deeper than 64 levels", X.LimitError),
    Case("json-lone-surrogate", J, replaced(J, "空气储罐", "\\ud800"),
         "SE-SYN-002", "lone surrogate \\ud800", X.EncodingError),
    Case("json-lone-low-surrogate-after-pair", J, replaced(J, "空气储罐", "\\ud83d\\ude00\\udc00"),
         "SE-SYN-002", "lone surrogate \\udc00", X.EncodingError),
    Case("json-raw-surrogate-bytes", J, replaced(J, "空气储罐", b"\xed\xa0\x80"),
         "SE-SYN-002", "UTF-8-encoded surrogate", X.EncodingError),
    Case("json-data-is-an-array", J, record_data(J, 2, [1]),
         "SE-SCH-006", "a record needs a data object, not array", X.StructureError),
    Case("json-data-is-a-string", J, record_data(J, 2, "x"),
         "SE-SCH-006", "a record needs a data object, not string", X.StructureError),
    Case("json-record-is-a-number", J, replaced(J, '"records":[', '"records":[1,'),
         "SE-SYN-003", "a record must be a JSON object, not integer", X.StructureError),
    Case("json-records-is-an-object", J, replaced(J, '"records":[', '"records":{},"more":['),
         "SE-SYN-003", "records must be an array, not object", X.StructureError),
    Case("json-header-is-an-array", J, json_header_in_array,
         "SE-SYN-006", "the header must be an object", X.HeaderError),
    Case("json-long-string", J, replaced(J, "空气储罐", "长" * (7 << 20)),
         "SE-SYN-011", "longer than 16777216", X.LimitError),
    Case("json-second-message-after", J, appended(J, b'{"header":{}}'),
         "SE-SYN-010", "more content follows", X.TrailingContentError, records=6),
    Case("json-garbage-after", J, appended(J, b"\n\x00garbage"),
         "SE-SYN-010", "more content follows", X.TrailingContentError, records=6),
    # --- JSON Lines --------------------------------------------------------------------------------------
    Case("jsonl-huge-integer-in-header", L, jsonl_lines(_header_member(f',"x":{BIG_NUMBER}')),
         "SE-SYN-011", "longer than 1000 digits", X.LimitError),
    Case("jsonl-huge-integer-in-record", L, replaced(L, '"designLifeYears":20', f'"designLifeYears":{BIG_NUMBER}'),
         "SE-SYN-011", "longer than 1000 digits", X.LimitError),
    Case("jsonl-deep-record", L, replaced(L, '"designLifeYears":20', '"designLifeYears":' + "[" * DEEP + "]" * DEEP),
         "SE-SYN-011", "nested deeper than 64 levels", X.LimitError),
    Case("jsonl-lone-surrogate", L, replaced(L, "空气储罐", "\\ud800"),
         "SE-SYN-002", "lone surrogate \\ud800", X.EncodingError),
    Case("jsonl-header-line-over-1-mb", L, jsonl_lines(_header_member(',"note":"' + "x" * (2 << 20) + '"')),
         "SE-SYN-006", "note: Extra inputs are not permitted", X.HeaderError),
    Case("jsonl-without-header-line", L, jsonl_lines(lambda lines: lines[1:]),
         "SE-SYN-006", "the first line must be", X.HeaderError),
    Case("jsonl-data-is-true", L, record_data(L, 2, True),
         "SE-SCH-006", "a record needs a data object, not boolean", X.StructureError),
    Case("jsonl-data-is-a-number", L, record_data(L, 2, 12),
         "SE-SCH-006", "a record needs a data object, not integer", X.StructureError),
    Case("jsonl-line-over-16-mib", L, replaced(L, "空气储罐", "x" * (17 << 20)),
         "SE-SYN-011", "longer than 16777216 bytes", X.LimitError),
    # --- XML ---------------------------------------------------------------------------------------------
    Case("xml-second-root-after", M, appended(M, b"<InspectionUpload/>"),
         "SE-SYN-010", "more content after the root element", X.TrailingContentError, records=6),
    Case("xml-garbage-after", M, appended(M, b"garbage"),
         "SE-SYN-010", "more content after the root element", X.TrailingContentError, records=6),
    Case("xml-40000-attributes", M,
         replaced(M, "<Inspection>", "<Inspection " + " ".join(f'a{i}="x"' for i in range(40_000)) + ">"),
         "SE-SYN-003", "has 40000 attribute(s), unknown: a0, a1, a2 … (40000 in all)", X.StructureError),
    Case("xml-5-mb-attribute", M, replaced(M, "<Inspection>", '<Inspection recordKey="' + "k" * (5 << 20) + '">'),
         "SE-SYN-011", "over the limit of 4096", X.LimitError),
    Case("xml-deep", M, replaced(M, "<reportNo>ZZ2026FTC00318</reportNo>", "<a>" * 300 + "</a>" * 300),
         "SE-SYN-011", "nested deeper than 256 levels", X.LimitError),
    Case("xml-11-mb-text", M, replaced(M, "ZZ2026FTC00318", "t" * 11_000_000),
         "SE-SYN-011", "too long", X.LimitError),
    Case("xml-no-namespace", M, replaced(M, NAMESPACE, ""),
         "SE-SYN-006", "has no namespace", X.HeaderError),
    Case("xml-utf-32", M,
         lambda folder: clean(folder, M).decode().replace('"UTF-8"', '"UTF-32"', 1).encode("utf-32"),
         "SE-SYN-002", "UTF-32", X.EncodingError),
    Case("xml-mixed-content-in-record", M, replaced(M, "<reportNo>ZZ2026FTC00318", "stray<reportNo>ZZ2026FTC00318"),
         "SE-SYN-003", "mixed content in <Inspection>", X.StructureError),
    Case("xml-mixed-content-in-field", M, replaced(M, "ZZ2026FTC00318", "ZZ<b>2026</b>FTC00318"),
         "SE-SYN-003", "holds text only", X.StructureError),
    Case("xml-xinclude-in-field", M, replaced(M, "ZZ2026FTC00318",
         '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd" parse="text"/>'),
         "SE-SYN-003", "XInclude is not processed", X.StructureError),
    Case("xml-xinclude-in-record", M, replaced(M, "<reportNo>ZZ2026FTC00318",
         '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd"/><reportNo>ZZ2026FTC00318'),
         "SE-SYN-003", "XInclude is not processed", X.StructureError),
    Case("xml-attribute-on-field", M, replaced(M, "<reportNo>", '<reportNo note="x">'),
         "SE-SYN-003", "<reportNo> has 1 attribute(s), unknown: note", X.StructureError),
    Case("xml-attribute-on-header", M, replaced(M, "<header>", '<header note="x">'),
         "SE-SYN-006", "<header> has 1 attribute(s), unknown: note", X.HeaderError),
    Case("xml-attribute-on-root", M, replaced(M, NAMESPACE, NAMESPACE + ' note="x"'),
         "SE-SYN-003", "<InspectionUpload> has 1 attribute(s), unknown: note", X.StructureError),
    Case("xml-attribute-on-records", M, replaced(M, "<records>", '<records note="x">'),
         "SE-SYN-003", "<records> has 1 attribute(s), unknown: note", X.StructureError),
    Case("xml-integer-with-underscore", M, replaced(M, "<designLifeYears>20<", "<designLifeYears>2_0<"),
         "SE-SCH-003", 'got "2_0"', X.DigestMismatchError, read_as=(1, "designLifeYears", "2_0")),
    Case("xml-integer-in-arabic-indic-digits", M, replaced(M, "<designLifeYears>20<", "<designLifeYears>٢٠<"),
         "SE-SCH-003", 'got "٢٠"', X.DigestMismatchError, read_as=(1, "designLifeYears", "٢٠")),
    Case("xml-version-with-underscore", M, replaced(M, "<Inspection>", '<Inspection recordVersion="1_0">'),
         "SE-SYN-003", "must be an integer written with 0-9", X.StructureError),
    Case("xml-date-in-arabic-indic-digits", M, replaced(M, "<inspectionDate>2026-03-10<",
         "<inspectionDate>٢٠٢٦-٠٣-١٠<"),
         "SE-SCH-002", "٢٠٢٦-٠٣-١٠", X.DigestMismatchError, read_as=(2, "inspectionDate", "٢٠٢٦-٠٣-١٠")),
)  # fmt: skip


def fifo(folder: Path) -> Path:
    """A named pipe nobody writes to: the reader must refuse it at once, not wait."""
    path = folder / "pipe.jsonl"
    os.mkfifo(path)
    return path


def main(folder: str) -> None:
    """Write every case into ``folder``."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        print(case.write(out))


if __name__ == "__main__":
    main(sys.argv[1])
