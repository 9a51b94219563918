"""The document readers' fast paths read exactly what their full paths read, or stand aside.

The XML reader takes a record element's fields in one lean pass (``simple_element``) and writes its canonical
line itself; the JSON document reader cuts a record written in canonical form out of the buffer and parses it
with orjson. Each returns nothing when the record is not that simple, and the full reading then decides. Every
test reads the same file twice, with the fast paths on and off, and asks for the same records, the same
canonical lines and the same error (class, message, line, offset, record index) at the same place.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from sedata import exchange as X
from sedata.exchange import jsondoc, xmldoc
from sedata.exchange.records import canonical_line
from sedata.exchange.xmlrecord import from_element, simple_element
from sedata.sample.generator import sample_records
from sedata.spec import current
from sedata.spec.envelope import HEADER_ENTITY
from sedata.validate import validate_files

SPEC = current()
SENDER, RECEIVER = "91310115MA1K3BTP2B", "91110000600037341L"
NS = SPEC.info.namespace

Reading = tuple[list[tuple[X.Record, bytes]], tuple[Any, ...] | None]


def _base(tmp_path: Path, fmt: str, count: int = 8) -> str:
    records = [r for r, _ in sample_records("inspection-upload", count, seed=5)]
    path = tmp_path / f"base.{fmt}"
    X.write(path, records, message_type="inspection-upload", sender=SENDER, receiver=RECEIVER, mode="changes")
    return path.read_text(encoding="utf-8")


def _read(path: Path, fast: bool, monkeypatch: pytest.MonkeyPatch) -> Reading:
    """Every record with its canonical line, and the error that ended the reading (None if none)."""
    out: list[tuple[X.Record, bytes]] = []
    with monkeypatch.context() as m:
        if not fast:
            m.setattr(xmldoc, "simple_element", lambda *_: None)
            m.setattr(xmldoc, "_chunk_tokens", lambda *_: (None, 0))
            m.setattr(jsondoc, "_FAST_MISSES", 0)
        try:
            with X.open_message(path) as reader:
                for record, line in reader.with_canonical():
                    out.append((record, line))
        except X.ExchangeError as exc:
            return out, (type(exc).__name__, str(exc), exc.line, exc.offset, exc.index)
    return out, None


def _same_both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> Reading:
    fast, full = _read(path, True, monkeypatch), _read(path, False, monkeypatch)
    assert fast == full
    for record, line in fast[0]:
        assert line == canonical_line(record, SPEC)
    return fast


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_clean_message_reads_alike_and_takes_the_fast_path(
    tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / f"clean.{fmt}"
    path.write_text(_base(tmp_path, fmt), encoding="utf-8")
    records, error = _same_both_ways(path, monkeypatch)
    assert error is None and len(records) == 8
    # The fast paths are taken: the full ones, made to fail, are not reached for these records.
    with monkeypatch.context() as m:
        m.setattr(xmldoc, "from_element", _records_unreachable(xmldoc.from_element))
        m.setattr(jsondoc.Scanner, "value", _unreachable_value(jsondoc.Scanner.value))
        assert _read(path, True, monkeypatch) == (records, None)


def _records_unreachable(read: Any) -> Any:
    def guarded(entity: str, *rest: Any) -> Any:
        if entity != HEADER_ENTITY:  # the header is read in full, once
            raise AssertionError("the full reading was used for a simple record")
        return read(entity, *rest)

    return guarded


def _unreachable_value(value: Any) -> Any:
    def guarded(self: Any, depth: int, index: int | None = None) -> Any:
        # The header, and the last record before the buffer's end or the array's end, take the strict parser.
        if depth == 2 and index is not None and index < 7:
            raise AssertionError(f"the strict parser read record {index}, written in canonical form")
        return value(self, depth, index)

    return guarded


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("attribute-on-field", "<inspectionDate>", '<inspectionDate unit="d">'),
        ("repeated-field", "<inspectionDate>", "<inspectionDate>2020-01-01</inspectionDate><inspectionDate>"),
        ("mixed-content", "<inspectionDate>", "text<inspectionDate>"),
        ("text-after-field", "</inspectionDate>", "</inspectionDate>x"),
        ("element-in-leaf", "<inspectionDate>", "<inspectionDate><b/>"),
        ("unknown-element", "<inspectionDate>", "<oddElement>1</oddElement><inspectionDate>"),
        ("xinclude", "<inspectionDate>", '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude"/><inspectionDate>'),
        ("out-of-order", "<reportNo>", "<commissioningDate>2020-01-01</commissioningDate><reportNo>"),
        ("cdata", "<inspectionBodyName>", "<inspectionBodyName><![CDATA[a<b]]>"),
        ("entity", "<inspectionBodyName>", "<inspectionBodyName>&amp;&#x6f33;"),
        ("record-text", 'recordVersion="1">', 'recordVersion="1">x'),
        ("version", 'recordVersion="1"', 'recordVersion="01"'),
        ("big-version", 'recordVersion="1"', 'recordVersion="99999999999999999999999"'),
        ("white-space", "<inspectionDate>", "\n  <inspectionDate>"),
        # The chunk reader (MarkupTokens, FlatEntity.read) reads lxml's serialisation: each of these either
        # reads exactly as the element-wise reading does, or stands aside for it.
        ("padded-date", "<inspectionDate>", "<inspectionDate> \u3000"),
        ("padded-date-end", "</inspectionDate>", "\u2028 </inspectionDate>"),
        ("empty-field", "<inspectionBodyName>", "<internalNumber/><inspectionBodyName>"),
        ("empty-leaf", "<inspectionConclusion>", "<inspectionConclusion></inspectionConclusion><x>"),
        ("quote-and-gt", "<inspectionBodyName>", '<inspectionBodyName>"a" > b \\ c'),
        ("tab-newline", "<inspectionBodyName>", "<inspectionBodyName>\t\r\n"),
        ("escaped-key", 'recordKey="JY', 'recordKey="&quot;&lt;JY'),
        ("newline-in-key", 'recordKey="JY', 'recordKey="&#10;JY'),
        ("unknown-attribute", 'recordVersion="1">', 'recordVersion="1" colour="red">'),
        ("xml-lang", 'recordVersion="1">', 'recordVersion="1" xml:lang="zh">'),
        ("namespaced-attribute", 'recordVersion="1">', 'recordVersion="1" xmlns:p="urn:p" p:x="1">'),
        ("declaration-only", 'recordVersion="1">', 'recordVersion="1" xmlns:p="urn:p">'),
        ("default-redeclared", 'recordVersion="1">', f'recordVersion="1" xmlns="{NS}">'),
        ("no-attributes", ' operation="add" recordKey=', ' data-none="" recordKey='),
        ("prefixed-field", "<inspectionDate>", f'<p:inspectionDate xmlns:p="{NS}">'),
        ("field-in-no-namespace", "<reportNo>", '<reportNo xmlns="">'),
        ("field-elsewhere", "<reportNo>", '<reportNo xmlns="urn:other">'),
        ("prefixed-record", "<Inspection ", f'<p:Inspection xmlns:p="{NS}" '),
        ("stray-element", "\n<Inspection ", "<stray/>\n<Inspection "),
        ("stray-text", "\n<Inspection ", "x\n<Inspection "),
        ("nested-field", "<inspectionDate>", "<inspectionDate><inspectionDate>2020-01-01</inspectionDate>"),
        ("long-attribute", 'recordKey="JY', 'recordKey="' + "K" * 5000 + "JY"),
        (
            "delete",
            "\n<Inspection ",
            '\n<Delete recordType="Inspection" recordKey="JY1" recordVersion="2"/>\n<Inspection ',
        ),
    ],
)
def test_xml_odd_records_read_alike(
    tmp_path: Path, name: str, old: str, new: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _base(tmp_path, "xml")
    assert old in text
    path = tmp_path / f"{name}.xml"
    path.write_text(text.replace(old, new, 2), encoding="utf-8")
    _same_both_ways(path, monkeypatch)


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("version", 'recordVersion="1"', 'recordVersion=" +01 "'),
        ("life", "<manufactureDate>", "<designLifeYears> 08 </designLifeYears><manufactureDate>"),
        ("life-text", "<manufactureDate>", "<designLifeYears>8 years</designLifeYears><manufactureDate>"),
        ("related", "<registrationDate>", "<relatedUnits><unitRole>制造</unitRole></relatedUnits><registrationDate>"),
        ("pretty", "><", ">\n  <"),
        ("root-declarations", f'xmlns="{NS}"', f'xmlns="{NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'),
        ("comment", "<productName>", "<!-- a > b --><productName>"),
        ("pi", "<productName>", "<?keep a > b?><productName>"),
    ],
)
def test_xml_odd_equipment_reads_alike(
    tmp_path: Path, name: str, old: str, new: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _base(tmp_path, "xml")
    assert old in text
    path = tmp_path / f"{name}.xml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    records, _ = _same_both_ways(path, monkeypatch)
    assert records  # the odd records are read, not refused before the first one


def test_xml_chunks_read_alike_and_take_the_chunk_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Records across the reader's 64 KiB chunks: each chunk's records are read from one serialisation, with
    an odd record in the middle of a chunk sending the rest of that chunk to the element-wise reading."""
    records = [r for r, _ in sample_records("inspection-upload", 400, seed=9)]
    path = tmp_path / "long.xml"
    X.write(path, records, message_type="inspection-upload", sender=SENDER, receiver=RECEIVER, mode="changes")
    assert path.stat().st_size > 3 * (1 << 16)
    read, error = _same_both_ways(path, monkeypatch)
    assert error is None and len(read) == 400
    with monkeypatch.context() as m:  # every record takes the chunk reader: the lean pass is not reached
        m.setattr(xmldoc, "simple_element", _records_unreachable(xmldoc.simple_element))
        assert _read(path, True, monkeypatch) == (read, None)
    text = path.read_text(encoding="utf-8")
    odd = tmp_path / "odd.xml"
    nested = "<relatedUnits><unitRole>制造</unitRole></relatedUnits><registrationDate>"
    odd.write_text(text.replace("<registrationDate>", nested, 40), encoding="utf-8")
    read, error = _same_both_ways(odd, monkeypatch)
    assert len(read) == 400 and error is not None and error[0] == "DigestMismatchError"  # the records changed


_SNIPPETS = [
    " ",
    "\u3000",
    "\n\t",
    "x",
    "&amp;",
    '"',
    ">",
    "<!-- c -->",
    "<internalNumber/>",
    "<reportNo>JY1</reportNo>",
    "<designLifeYears> 8 </designLifeYears>",
    "<b>1</b>",
    f'<p:reportNo xmlns:p="{NS}">JY2</p:reportNo>',
    '<Delete recordType="Inspection" recordKey="JY9" recordVersion="1"/>',
]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(_SNIPPETS)), min_size=1, max_size=4))
def test_xml_records_edited_at_random_read_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edits: list[tuple[int, str]]
) -> None:
    """Snippets put before random tags or texts of the records: the chunk reader reads what the element-wise
    reading reads (records, canonical lines, error), or stands aside for it."""
    text = _base(tmp_path, "xml")
    start = text.index("<records>") + len("<records>")
    for at, snippet in edits:
        cuts = [i for i in range(start, len(text)) if text[i] in "<>"]
        where = cuts[at * len(cuts) // 10_001]  # spread over the records, not only near the first one
        cut = where + (1 if text[where] == ">" else 0)
        text = text[:cut] + snippet + text[cut:]
    path = tmp_path / "edited.xml"
    path.write_text(text, encoding="utf-8")
    _same_both_ways(path, monkeypatch)


def _inspection_element(tmp_path: Path) -> Any:
    text = _base(tmp_path, "xml", count=4)
    root = etree.fromstring(text.encode("utf-8"))
    return next(el for el in root.iter(f"{{{NS}}}Inspection"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=st.lists(st.tuples(st.sampled_from(["swap", "copy", "drop"]), st.integers(0, 40), st.integers(0, 40))))
def test_simple_element_is_from_element_or_stands_aside(tmp_path: Path, moves: list[tuple[str, int, int]]) -> None:
    """Fields reordered, repeated or dropped: the lean pass reads what the full one reads, or returns None when a
    single-valued field repeats (which the reader refuses) and nothing else is wrong."""
    el = _inspection_element(tmp_path)
    for move, a, b in moves:
        children = list(el)
        if not children:
            break
        first, second = children[a % len(children)], children[b % len(children)]
        if move == "swap":
            first.addnext(etree.fromstring(etree.tostring(second)))
            el.remove(second)
        elif move == "copy":
            first.addnext(etree.fromstring(etree.tostring(first)))
        else:
            el.remove(first)
    lean = simple_element("Inspection", el, SPEC)
    full = from_element("Inspection", el, SPEC)
    tags = [child.tag for child in el]
    repeats = len(full) + sum(len(v) - 1 for v in full.values() if isinstance(v, list)) != len(tags)
    if lean is None:
        assert repeats, "a record without repeats must take the lean pass"
    else:
        assert not repeats and lean == full and list(lean) == list(full)


def _json_doc(tmp_path: Path) -> tuple[dict[str, Any], str]:
    text = _base(tmp_path, "json")
    return json.loads(text), text


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("float", '"recordVersion":1,', '"recordVersion":1.0,'),
        ("exponent", '"recordVersion":1,', '"recordVersion":1e0,'),
        # Floats orjson writes back to the same bytes: only the look for numbers that are not integers finds them.
        ("float-as-written", '"recordVersion":1,', '"recordVersion":1.5,'),
        ("exponent-as-written", '"recordVersion":1,', '"recordVersion":1e+16,'),
        ("nested-float", '"operation":"add"', '"operation":"add","extra":[{"a":[5e-324]}]'),
        ("big-integer", '"recordVersion":1,', '"recordVersion":123456789012345678901234567890,'),
        ("negative-zero", '"recordVersion":1,', '"recordVersion":-0,'),
        ("duplicate", '"recordVersion":1,', '"recordVersion":1,"recordVersion":2,'),
        ("escape", '"operation":"add"', '"operation":"\\u0061dd"'),
        ("lone-surrogate", '"operation":"add"', '"operation":"\\ud800"'),
        ("space", '"operation":"add"', '"operation": "add"'),
        ("null", '"operation":"add"', '"operation":null'),
        ("member-order", '"operation":"add","recordKey"', '"recordKey"'),
        ("separator-in-string", '"operation":"add"', '"operation":"x\\",{\\"recordType\\":"'),
        ("invalid", '"operation":"add"', '"operation":add'),
        ("deep", '"operation":"add"', '"operation":' + "[" * 70 + "]" * 70),
        ("nested-ok", '"operation":"add"', '"operation":' + "[" * 5 + "]" * 5),
        ("constant", '"recordVersion":1,', '"recordVersion":NaN,'),
        ("unknown-member", '"operation":"add"', '"operation":"add","extra":[1,{"a":true}]'),
        # A record start nested in a record: the batch's cut at it would not be a record boundary.
        ("nested-record-start", '"operation":"add"', '"operation":"add","extra":[1,{"recordType":"Inspection"}]'),
        ("record-type-not-text", '{"recordType":"Inspection"', '{"recordType":["Inspection"]'),
        ("record-type-number", '{"recordType":"Inspection"', '{"recordType":7'),
        ("record-not-object", '{"recordType":"Inspection","operation":"add"', '["recordType",{"operation":"add"'),
        ("pretty", '},{"recordType"', '},\n  {"recordType"'),
    ],
)
def test_json_odd_records_read_alike(
    tmp_path: Path, name: str, old: str, new: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, text = _json_doc(tmp_path)
    assert old in text
    path = tmp_path / f"{name}.json"
    path.write_text(text.replace(old, new, 3), encoding="utf-8")
    _same_both_ways(path, monkeypatch)


def test_json_records_before_the_header_read_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc, _ = _json_doc(tmp_path)
    path = tmp_path / "records-first.json"
    path.write_text(
        '{"records":'
        + json.dumps(doc["records"], ensure_ascii=False, separators=(",", ":"))
        + ',"header":'
        + json.dumps(doc["header"], ensure_ascii=False, separators=(",", ":"))
        + "}",
        encoding="utf-8",
    )
    records, error = _same_both_ways(path, monkeypatch)
    assert error is None and len(records) == 8


def test_json_buffer_boundaries_read_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Records across the scanner's 64 KiB reads: cut where whole, parsed strictly where the buffer ends."""
    records = [r for r, _ in sample_records("inspection-upload", 300, seed=9)]
    path = tmp_path / "long.json"
    X.write(path, records, message_type="inspection-upload", sender=SENDER, receiver=RECEIVER, mode="changes")
    assert path.stat().st_size > 3 * (1 << 16)
    read, error = _same_both_ways(path, monkeypatch)
    assert error is None and len(read) == 300


@pytest.fixture(scope="module")
def long_json(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An inspection upload of 600 records as a JSON document (several of the reader's batches)."""
    records = [r for r, _ in sample_records("inspection-upload", 600, seed=11)]
    path = tmp_path_factory.mktemp("long") / "long.json"
    X.write(path, records, message_type="inspection-upload", sender=SENDER, receiver=RECEIVER, mode="changes")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("float", '"recordVersion":1,', '"recordVersion":1.5,'),
        ("space", '"operation":"add"', '"operation": "add"'),
        ("nested-record-start", '"operation":"add"', '"operation":"add","extra":[1,{"recordType":"Equipment"}]'),
        ("deep", '"operation":"add"', '"operation":' + "[" * 70 + "]" * 70),
        ("invalid", '"operation":"add"', '"operation":add'),
    ],
)
def test_an_odd_record_amid_batches_reads_alike_and_costs_one_batch(
    tmp_path: Path, long_json: str, name: str, old: str, new: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One odd record in the middle of a long document: the batches before and after it are read fast, the
    records of its batch one at a time (the odd one by the strict parser), and everything read is what the
    strict parser reads."""
    at = long_json.index(old, len(long_json) // 2)
    path = tmp_path / f"{name}.json"
    path.write_text(long_json[:at] + new + long_json[at + len(old) :], encoding="utf-8")
    strict: list[int] = []
    value = jsondoc.Scanner.value

    def counted(self: Any, depth: int, index: int | None = None) -> Any:
        if depth == 2:
            strict.append(-1 if index is None else index)
        return value(self, depth, index)

    with monkeypatch.context() as m:
        m.setattr(jsondoc.Scanner, "value", counted)
        fast = _read(path, True, monkeypatch)
    assert fast == _read(path, False, monkeypatch)
    odd = long_json.count('{"recordType":', 0, at) - 1  # the odd record's index
    assert odd in strict
    if fast[1] is None:
        assert len(fast[0]) == 600 and 599 in strict
    # Only a batch's worth of records was parsed strictly, never the rest of the file.
    assert len(strict) < 600 // 2


def test_a_null_amid_batches_reads_alike(tmp_path: Path, long_json: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A null member round-trips through orjson, so its batch is taken whole: the record's line is then its
    canonical line (the null dropped), not its bytes as written."""
    old = '"modelSpec":"'
    at = long_json.index(old, len(long_json) // 2)
    end = long_json.index('"', at + len(old))
    path = tmp_path / "null.json"
    path.write_text(long_json[:at] + '"modelSpec":null' + long_json[end + 1 :], encoding="utf-8")
    read, error = _same_both_ways(path, monkeypatch)
    assert isinstance(error, tuple) and error[0] == "DigestMismatchError" and len(read) == 600
    odd = long_json.count('{"recordType":', 0, at) - 1
    record, line = read[odd]
    assert record.data is not None and record.data["modelSpec"] is None and b'"modelSpec"' not in line


def test_batches_take_every_record_of_a_clean_document(tmp_path: Path, long_json: str) -> None:
    """A clean long document: each record's bytes as written are its canonical line, the strict parser reads
    only the last record (no record start follows it), and the digest and count check out."""
    path = tmp_path / "clean.json"
    path.write_text(long_json, encoding="utf-8")
    strict: list[int | None] = []
    value = jsondoc.Scanner.value

    def counted(self: Any, depth: int, index: int | None = None) -> Any:
        if depth == 2:
            strict.append(index)
        return value(self, depth, index)

    with pytest.MonkeyPatch.context() as m:
        m.setattr(jsondoc.Scanner, "value", counted)
        with X.open_message(path) as reader:
            read = list(reader.with_canonical())
        assert reader.verified
    assert len(read) == 600 and strict == [599]
    body = long_json.encode("utf-8")
    for record, line in read:
        assert line == canonical_line(record, SPEC) and line in body


@pytest.mark.parametrize("engine", ["row", "columnar"])
@pytest.mark.parametrize("kind", ['["Inspection"]', '{"a":1}'])
def test_a_record_type_that_is_not_text_is_a_finding_not_an_internal_error(
    tmp_path: Path, engine: str, kind: str
) -> None:
    """The validator reads on past envelope problems, so the fast paths meet a record type of any JSON type:
    SE-SCH-005 names it, as it does in JSON Lines, and the reading goes on to the digest."""
    _, text = _json_doc(tmp_path)
    old = '{"recordType":"Inspection"'
    at = text.index(old, text.index(old) + 1)  # the second inspection, amid the records
    path = tmp_path / "odd-type.json"
    path.write_text(text[:at] + '{"recordType":' + kind + text[at + len(old) :], encoding="utf-8")
    report = validate_files([path], engine=engine)  # type: ignore[arg-type]
    rules = sorted({f.rule for f in report.files[0].findings})
    assert rules == ["SE-SCH-005", "SE-SYN-009"], rules  # the type, and the digest of the record changed
    assert report.files[0].records == 8


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_orjson_writes_every_float_with_a_point_or_an_exponent_sign(x: float) -> None:
    """What the batches' look for numbers that are not integers relies on (``.``, ``+`` or ``e-`` in the bytes):
    a float that orjson writes back to the bytes it was read from shows one of them."""
    written = orjson.dumps(x)
    assert b"." in written or b"e+" in written or b"e-" in written
    assert orjson.dumps(orjson.loads(written)) == written


@pytest.mark.parametrize("how", ["invalid-utf8", "cut", "cut-after-comma", "ends-early"])
def test_broken_bytes_amid_batches_fail_alike(
    tmp_path: Path, long_json: str, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bad bytes, or the end of the file, in the middle of a long document: the records before them are read
    (fast) and the error names the same record, line, byte and message as the strict reading's."""
    body = long_json.encode("utf-8")
    at = body.index(b'"productName":"', len(body) // 2) + len(b'"productName":"')
    broken = {
        "invalid-utf8": body[:at] + b"\xff\xfe" + body[at:],
        "cut": body[:at],
        "cut-after-comma": body[: body.index(b',{"recordType":', at) + 1],
        "ends-early": body[: body.index(b',{"recordType":', at)] + b"]}",
    }[how]
    path = tmp_path / f"{how}.json"
    path.write_bytes(broken)
    read, error = _same_both_ways(path, monkeypatch)
    assert error is not None
    whole = (
        broken.count(b'{"recordType":')
        if how.startswith(("cut-", "ends-"))
        else body.count(b'{"recordType":', 0, at) - 1
    )
    assert len(read) == whole >= 300  # the batches before the break were read
