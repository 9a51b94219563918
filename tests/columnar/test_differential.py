"""The columnar engine against the row engine: the screen never misses, and the reports are the same.

(a) every record the row engine finds a schema or codes finding on is flagged by the screen;
(b) both engines give the same report (findings, counts, digest verdicts, what was not checked), on
sample messages with injected defects, on every JSON Lines case of the conformance suite and on
single-field mutations of valid records drawn by hypothesis.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sedata import exchange as X
from sedata.exchange.records import Record
from sedata.sample.generator import sample_records
from sedata.spec import current
from sedata.spec.versions import spec_for
from sedata.testing.strategies import values
from sedata.validate.shapes import shapes
from tests.columnar.helpers import flagged_indexes, found_indexes, message_lines, reports, write_lines

SPEC = current()
CONFORMANCE = Path(__file__).resolve().parents[2] / "spec" / "conformance"
JSONL_MESSAGES = sorted(SPEC.messages)
SENDER, RECEIVER = "91310115MA1K3BTP2B", "91110000600037341L"  # the sample command's units (valid USCCs)


def _write(path: Path, records: list[Record], message_type: str = "inspection-upload", mode: str = "changes") -> None:
    X.write(path, records, message_type=message_type, sender=SENDER, receiver=RECEIVER, mode=mode)


@pytest.mark.parametrize("mode", ["changes", "snapshot"])
@pytest.mark.parametrize("message_type", JSONL_MESSAGES)
def test_sample_with_defects_same_report_and_no_miss(tmp_path: Path, message_type: str, mode: str) -> None:
    path = tmp_path / f"{message_type}.jsonl"
    records = [r for r, _ in sample_records(message_type, 120, seed=7, invalid_rate=0.2, mode=mode)]
    _write(path, records, message_type, mode)
    row, col = reports([path])
    assert json.loads(row)["files"][0]["findings"], "the injected defects must give findings"
    assert col == row
    flagged = flagged_indexes(path)
    assert flagged is not None
    missed = found_indexes(path) - flagged
    assert not missed, f"the screen let records with findings through: {sorted(missed)}"


@pytest.mark.parametrize("invalid_rate", [0.0, 0.2])
def test_a_message_declaring_1_0_0_is_screened_by_1_0_0(tmp_path: Path, invalid_rate: float) -> None:
    """A 1.0.0 message is screened, not confirmed row by row, by 1.0.0's own facts: records with a field 1.0.0 does
    not know (Inspection.commissioningDate, added in 1.1.0) are flagged, the others may pass, reports agree."""
    old = spec_for("1.0.0")
    assert old is not None and old is not SPEC
    path = tmp_path / "declared-1.0.0.jsonl"
    records = [r for r, _ in sample_records("inspection-upload", 160, seed=11, invalid_rate=invalid_rate)]
    X.write(path, records, message_type="inspection-upload", sender=SENDER, receiver=RECEIVER, mode="changes", spec=old)
    lines = path.read_bytes().splitlines()
    assert b'"specVersion":"1.0.0"' in lines[0]
    newer = set()
    for i in range(1, len(records), 6):
        obj = orjson.loads(lines[1 + i])
        if obj["recordType"] == "Inspection":  # a field of 1.1.0's Inspection only (the writer refuses it in 1.0.0)
            obj["data"]["commissioningDate"] = "2021-10-18"
            lines[1 + i] = orjson.dumps(obj)
            newer.add(i)
    write_lines(path, lines)  # the digest no longer matches: both engines must say so alike
    row, col = reports([path])
    assert col == row
    flagged = flagged_indexes(path)
    assert flagged is not None
    missed = found_indexes(path) - flagged
    assert not missed, f"the screen let records with findings through: {sorted(missed)}"
    assert newer and newer <= flagged, "a field 1.0.0 does not have must be left to the row engine"
    assert len(flagged) < len(records), "records valid in 1.0.0 pass the screen: it is compiled, not bypassed"


def test_a_clean_sample_is_not_flagged_at_all(tmp_path: Path) -> None:
    """The screen must be worth something: a valid sample's records pass it without confirmation."""
    path = tmp_path / "clean.jsonl"
    _write(path, [r for r, _ in sample_records("inspection-upload", 200, seed=3)])
    row, col = reports([path])
    assert col == row
    assert flagged_indexes(path) == set()


def _conformance_cases() -> list[dict[str, Any]]:
    cases = yaml.safe_load((CONFORMANCE / "cases.yaml").read_text(encoding="utf-8"))["cases"]
    return [c for c in cases if str(c.get("file", "")).endswith(".jsonl") and "reconcile" not in c]


@pytest.mark.parametrize("case", _conformance_cases(), ids=lambda c: c["id"])
def test_conformance_case_same_report(case: dict[str, Any]) -> None:
    files = [CONFORMANCE / f for f in case.get("with", [])] + [CONFORMANCE / case["file"]]
    today = dt.date.fromisoformat(str(case.get("today", "2030-01-01")))
    row, col = reports(files, today=today)
    assert col == row
    target = CONFORMANCE / case["file"]
    flagged = flagged_indexes(target) if target.exists() else None
    if flagged is not None:
        missed = found_indexes(target, today) - flagged
        assert not missed, f"{case['id']}: the screen let records with findings through: {sorted(missed)}"


# --- hypothesis: one field of one valid record changed -------------------------------------------------
_BASE = [r for r, _ in sample_records("inspection-upload", 6, seed=21)]
_SHAPES = shapes(SPEC)
_ELEMENTS = sorted(SPEC.elements)


_ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.text(max_size=12),
    st.just(""),
    st.lists(st.text(max_size=3), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=1),
    st.sampled_from(_ELEMENTS).flatmap(lambda e: values(e, SPEC)),
)


@st.composite
def _mutation(draw: st.DrawFn) -> tuple[int, str, str, Any]:
    index = draw(st.integers(0, len(_BASE) - 1))
    record = _BASE[index]
    entity = _SHAPES[record.type]
    where = draw(st.sampled_from(["data", "data", "data", "envelope"]))
    if where == "envelope":
        name = draw(st.sampled_from(["recordType", "operation", "recordKey", "recordVersion"]))
    else:
        name = draw(st.one_of(st.sampled_from(sorted(entity.fields)), st.just("unknownMember")))
    value = draw(st.one_of(_ODD, _near(record, name)))
    return index, where, name, value


def _near(record: Record, name: str) -> st.SearchStrategy[Any]:
    """A small change of the value that is there: a character replaced, dropped or added."""
    current_value = (record.data or {}).get(name)
    if not isinstance(current_value, str) or not current_value:
        return st.nothing()
    return st.tuples(st.integers(0, len(current_value) - 1), st.sampled_from(["", "0", "9", "X", "-", " ", "中"])).map(
        lambda t: current_value[: t[0]] + t[1] + current_value[t[0] + 1 :]
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutation=_mutation())
def test_single_field_mutations(tmp_path: Path, mutation: tuple[int, str, str, Any]) -> None:
    index, where, name, value = mutation
    header_path = tmp_path / "base.jsonl"
    _write(header_path, _BASE)
    header = orjson.loads(header_path.read_bytes().split(b"\n", 1)[0])["header"]
    records = [r.to_json_data(SPEC) for r in _BASE]
    target = records[index]
    if where == "envelope":
        target[name] = value
    else:
        target["data"] = {**target["data"], name: value}
    try:
        lines = message_lines(records, header)
    except (TypeError, ValueError, orjson.JSONEncodeError):
        lines = [orjson.dumps({"header": header})] + [
            json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode() for r in records
        ]
    path = write_lines(tmp_path / "m.jsonl", lines)
    row, col = reports([path])
    assert col == row
    if row.startswith("raised"):
        return  # a defect of the row engine's layers, met the same way by both engines
    flagged = flagged_indexes(path)
    assert flagged is not None
    assert not (found_indexes(path) - flagged)


@pytest.mark.parametrize(
    "change",
    [
        lambda line: line.replace(b'"data":{', b'"data": {'),  # spacing: not canonical
        lambda line: line.replace(b'"recordVersion":1', b'"recordVersion":1.0'),  # a float
        lambda line: line.replace(b'"operation":"add"', b'"operation":"add","operation":"add"'),  # repeated
        lambda line: line.replace("检".encode(), b"\\u68c0"),  # an escape
        lambda line: line + b"\r",  # a CR line end
        lambda line: b"",  # a blank line between records
        lambda line: line[:-5],  # a broken line
    ],
    ids=["spacing", "float", "repeated-member", "escape", "crlf", "blank", "broken"],
)
def test_raw_line_changes(tmp_path: Path, change: Any) -> None:
    """Changes the JSON model cannot see are left to the strict reader, which reports them as before."""
    base = tmp_path / "base.jsonl"
    _write(base, _BASE)
    lines = base.read_bytes().split(b"\n")[:-1]
    lines[3] = change(lines[3])
    path = write_lines(tmp_path / "raw.jsonl", lines)
    row, col = reports([path])
    assert col == row


def test_max_errors_stops_where_the_row_engine_stops(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    records = [r for r, _ in sample_records("inspection-upload", 200, seed=9, invalid_rate=0.5)]
    _write(path, records)
    row, col = reports([path], max_errors=5)
    assert json.loads(row)["files"][0]["stopped"] == "max-errors"
    assert col == row


def test_trailing_blank_lines_are_tolerated_as_by_the_reader(tmp_path: Path) -> None:
    base = tmp_path / "base.jsonl"
    _write(base, _BASE)
    path = tmp_path / "trailing.jsonl"
    path.write_bytes(base.read_bytes() + b"\n\n")
    row, col = reports([path])
    assert col == row
    assert json.loads(col)["files"][0]["findings"] == []


@pytest.mark.parametrize("message_type", JSONL_MESSAGES)
def test_clean_samples_are_flagged_only_for_nested_entities(tmp_path: Path, message_type: str) -> None:
    """Only records holding a nested entity (not screened yet) go to the row engine when nothing is wrong."""
    path = tmp_path / "clean.jsonl"
    records = [r for r, _ in sample_records(message_type, 150, seed=5)]
    _write(path, records, message_type)
    nested = {
        i
        for i, r in enumerate(records)
        if any(f.entity is not None and f.name in (r.data or {}) for f in _SHAPES[r.type].fields.values())
    }
    assert flagged_indexes(path) == nested


@pytest.mark.parametrize(
    ("message_type", "record_type", "member"),
    [
        ("licence-information", "Unit", "unitRoles"),
        ("operator-certificate-upload", "OperatorCertificate", "operatorItems"),
        ("accident-report", "Accident", "equipmentCodes"),
        ("accident-report", "Accident", "accidentEvents"),
    ],
)
@pytest.mark.parametrize("value", [[], ["X"], [1], "A1", [None], ["A1", "A1"], ["使用", "监管"], ["A1", "Q2"]])
def test_repeated_fields(tmp_path: Path, message_type: str, record_type: str, member: str, value: Any) -> None:
    records = [r for r, _ in sample_records(message_type, 30, seed=8)]
    target = next(r for r in records if r.type == record_type)
    header_path = tmp_path / "base.jsonl"
    _write(header_path, records, message_type)
    header = orjson.loads(header_path.read_bytes().split(b"\n", 1)[0])["header"]
    objs = [r.to_json_data(SPEC) for r in records]
    obj = objs[records.index(target)]
    obj["data"] = {**obj["data"], member: value}
    path = write_lines(tmp_path / "m.jsonl", message_lines(objs, header))
    row, col = reports([path])
    assert col == row
    if row.startswith("raised"):
        return  # a defect of the row engine's layers (an empty key part), met the same way by both engines
    flagged = flagged_indexes(path)
    assert flagged is not None
    assert not (found_indexes(path) - flagged)


@pytest.mark.parametrize(
    ("member", "value"),
    [
        ("inspectionDate", "0000-01-01"),  # polars parses year 0; Python's dates do not
        ("inspectionDate", "2023-02-29"),
        ("inspectionDate", "2024-02-29"),
        ("inspectionDate", "٢٠٢٠-٠١-٠١"),  # Arabic-Indic digits
        ("inspectionDate", "2020-1-01"),
        ("inspectionDate", "9999-12-31"),
        ("equipmentCode", "341043129201900001 "),
        ("equipmentCode", "３41043129201900001"),  # a full-width digit
        ("reportNo", ""),
        ("inspectionConclusion", "合格 "),
    ],
)
def test_edge_values(tmp_path: Path, member: str, value: str) -> None:
    index = next(i for i, r in enumerate(_BASE) if r.type == "Inspection")
    header_path = tmp_path / "base.jsonl"
    _write(header_path, _BASE)
    header = orjson.loads(header_path.read_bytes().split(b"\n", 1)[0])["header"]
    objs = [r.to_json_data(SPEC) for r in _BASE]
    objs[index]["data"] = {**objs[index]["data"], member: value}
    path = write_lines(tmp_path / "m.jsonl", message_lines(objs, header))
    row, col = reports([path])
    assert col == row
    if row.startswith("raised"):
        return  # a defect of the row engine's layers (an empty key part), met the same way by both engines
    flagged = flagged_indexes(path)
    assert flagged is not None
    assert not (found_indexes(path) - flagged)
