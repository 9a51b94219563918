"""The cross-record layer's findings in detail, through its public calls (``begin_file``, ``observe``,
``add_reference``, ``finish``, ``check_run``): repeats across and within files, unresolved references, what
is left unchecked (bench/mutate.py on sedata/validate/layers/crossfile.py showed what the file-level tests
left open). Only the findings and the layer's public answers are asserted, never how keys are stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sedata.exchange import Record
from sedata.sample.generator import sample_records
from sedata.validate import validate_files
from sedata.validate.context import Where
from sedata.validate.layers.crossfile import CrossRecord, check_run, key_text, members_read
from sedata.validate.report import Finding, Text

from .conftest import (
    SPEC,
    XX_GOODS_LIFT,
    XX_PASSENGER_LIFT,
    ZZ_AIR_TANK,
    ZZ_ELEVATOR,
    change,
    entity,
    equipment,
    inspection,
    write,
)


def observe(layer: CrossRecord, file: str, record_type: str, data: Any, index: int | None = None, **kw: Any) -> None:
    """Feed one record at ``index`` (line ``index + 2``, as in a JSON Lines file); ``bad``: paths that failed."""
    bad = kw.pop("bad", ())
    line = None if index is None else index + 2
    record = Record(record_type, data, index=index, line=line, **kw)
    key = key_text(("reportNo",), record) if record_type == "Inspection" else None
    layer.observe(file, record, Where(line=line, index=index, record_type=record_type, key=key), bad)


def layer_of(*files: str, message_type: str = "inspection-upload") -> CrossRecord:
    layer = CrossRecord(SPEC)
    for f in files:
        layer.begin_file(f, message_type)
    return layer


def brief(found: dict[str, list[Finding]]) -> list[tuple[str, str, int | None, str | None]]:
    return [(file, f.rule, f.index, f.pointer) for file, fs in found.items() for f in fs]


# --- SE-XRF-001 -----------------------------------------------------------------------------------------
def test_a_key_seen_in_another_file_names_where_it_was_first() -> None:
    layer = layer_of("a.jsonl", "b.jsonl")
    observe(layer, "a.jsonl", "Equipment", equipment(ZZ_ELEVATOR), 3)
    observe(layer, "b.jsonl", "Equipment", equipment(XX_GOODS_LIFT), 0)
    observe(layer, "b.jsonl", "Equipment", equipment(ZZ_ELEVATOR), 1)
    found = layer.finish()
    assert list(found) == ["a.jsonl", "b.jsonl"] and found["a.jsonl"] == []
    (f,) = found["b.jsonl"]
    assert (f.rule, f.severity, f.layer, f.file) == ("SE-XRF-001", "error", "cross-record", "b.jsonl")
    assert (f.index, f.line, f.pointer, f.record_type, f.value) == (1, 3, "/records/1", "Equipment", "Equipment")
    assert f.message.en == (
        "the business key of this Equipment record already occurs in another file of this run: "
        "Equipment code (SE.EQP.0001) same as the record in a.jsonl, line 5 (records[3])"
    )
    assert f.message.zh == (
        "Equipment 记录的业务键在本次校验的其他文件中已出现："
        "设备代码（SE.EQP.0001） 与 a.jsonl 第 5 行（records[3]）的记录相同"
    )


def test_a_first_record_without_a_place_is_named_by_its_file_alone() -> None:
    layer = layer_of("a.jsonl", "b.jsonl")
    observe(layer, "a.jsonl", "Equipment", equipment(ZZ_ELEVATOR))
    observe(layer, "b.jsonl", "Equipment", equipment(ZZ_ELEVATOR), 0)
    (f,) = layer.finish()["b.jsonl"]
    assert f.message.en.endswith("same as the record in a.jsonl, line ?")
    assert f.message.zh.endswith("与 a.jsonl 第 ? 行的记录相同")


def test_a_repeat_within_a_file_is_business_rule_010_when_the_key_comes_from_the_data() -> None:
    layer = layer_of("a.jsonl")
    for i in range(3):
        observe(layer, "a.jsonl", "Equipment", equipment(ZZ_ELEVATOR), i)
    found = layer.finish()["a.jsonl"]
    assert [(f.rule, f.severity, f.index, f.line, f.pointer) for f in found] == [
        ("SE-BIZ-010", "error", 1, 3, "/records/1/data"),
        ("SE-BIZ-010", "error", 2, 4, "/records/2/data"),
    ]
    assert "repeats within the file: Equipment code (SE.EQP.0001) same as an earlier record" in found[0].message.en


def test_a_composite_key_is_named_by_all_its_elements() -> None:
    layer = layer_of("a.jsonl", "b.jsonl", message_type="registration-download")
    change = {"equipmentCode": ZZ_ELEVATOR, "changeDate": "2026-03-01", "useStatus": "2"}
    observe(layer, "a.jsonl", "StatusChange", change, 0)
    observe(layer, "b.jsonl", "StatusChange", dict(change, changeDate="2026-03-02"), 0)
    observe(layer, "b.jsonl", "StatusChange", change, 1)
    (f,) = layer.finish()["b.jsonl"]
    assert (f.rule, f.index) == ("SE-XRF-001", 1)
    assert f.message.en.endswith(
        "Equipment code (SE.EQP.0001), Change date (SE.REG.0008) same as the record in a.jsonl, line 2 (records[0])"
    )
    assert f.message.zh.endswith(
        "设备代码（SE.EQP.0001）、变更日期（SE.REG.0008） 与 a.jsonl 第 2 行（records[0]）的记录相同"
    )


def test_a_key_from_the_record_key_alone_repeats_silently_within_a_file_but_not_across_files() -> None:
    data = equipment(ZZ_ELEVATOR, equipmentCode=None)  # no key field: the envelope's recordKey is the key
    layer = layer_of("a.jsonl", "b.jsonl")
    observe(layer, "a.jsonl", "Equipment", data, 0, key=ZZ_ELEVATOR)
    observe(layer, "a.jsonl", "Equipment", data, 1, key=ZZ_ELEVATOR)
    observe(layer, "b.jsonl", "Equipment", data, 0, key=ZZ_ELEVATOR)
    assert brief(layer.finish()) == [("b.jsonl", "SE-XRF-001", 0, "/records/0")]


def test_a_key_field_that_failed_the_schema_is_not_indexed() -> None:
    layer = layer_of("a.jsonl", "b.jsonl")
    observe(layer, "a.jsonl", "Equipment", equipment(ZZ_ELEVATOR), 0)
    observe(layer, "b.jsonl", "Equipment", equipment(ZZ_ELEVATOR), 0, bad={("equipmentCode",)})
    observe(layer, "b.jsonl", "Equipment", equipment(ZZ_ELEVATOR), 1, bad={("productName",)})
    assert brief(layer.finish()) == [("b.jsonl", "SE-XRF-001", 1, "/records/1")]


def test_versions_of_one_key_are_different_entries() -> None:
    layer = layer_of("a.jsonl", "b.jsonl")
    observe(layer, "a.jsonl", "Equipment", equipment(ZZ_ELEVATOR), 0, operation="add", version=1)
    observe(layer, "b.jsonl", "Equipment", equipment(ZZ_ELEVATOR), 0, operation="update", version=2)
    observe(layer, "b.jsonl", "Equipment", equipment(ZZ_ELEVATOR), 1)  # no version: a third entry
    assert brief(layer.finish()) == []
    observe(layer, "b.jsonl", "Equipment", equipment(ZZ_ELEVATOR), 2, operation="update", version=1)
    assert brief(layer.finish()) == [("b.jsonl", "SE-XRF-001", 2, "/records/2")]


def test_records_of_no_known_entity_or_without_data_are_not_indexed() -> None:
    layer = layer_of("a.jsonl", "b.jsonl")
    for file in ("a.jsonl", "b.jsonl"):
        observe(layer, file, "Equipment", None, 0, operation="delete", key=ZZ_ELEVATOR)
        observe(layer, file, "NoSuchEntity", equipment(ZZ_ELEVATOR), 1)
        observe(layer, file, "Equipment", [ZZ_ELEVATOR], 2)
    assert brief(layer.finish()) == []


def test_the_business_key_as_text() -> None:
    change = {"equipmentCode": ZZ_ELEVATOR, "changeDate": "2026-03-01"}
    names = ("equipmentCode", "changeDate")
    assert key_text(names, Record("StatusChange", change)) == f"{ZZ_ELEVATOR}|2026-03-01"
    assert key_text(("a", "b"), Record("X", {"a": 7, "b": "x"})) == "7|x"
    assert key_text(("a",), Record("X", {"a": True}, key="K")) == "K"  # a boolean is no key value
    assert key_text(("a",), Record("X", {"a": 1.5}, key="K")) == "K"
    assert key_text(names, Record("StatusChange", {"equipmentCode": ZZ_ELEVATOR}, key="K")) == "K"
    assert key_text(names, Record("StatusChange", {"equipmentCode": ZZ_ELEVATOR})) is None
    assert key_text(names, Record("StatusChange", ["x"], key="K")) == "K"
    assert key_text((), Record("X", {"a": "1"}, key="K")) == "K"
    assert key_text(("a",), Record("X", {}, key="")) is None


def test_the_members_each_entity_is_read_for() -> None:
    read = members_read(SPEC)
    assert read["Inspection"] == {"reportNo", "equipmentCode"}
    assert read["UseRegistration"] == {"registrationCertNo", "userUnitCode", "propertyUnitCode"}
    assert read["StatusChange"] == {"equipmentCode", "changeDate"}
    assert read["Accident"] == {"accidentId", "equipmentCodes"}
    assert read["Equipment"] == {"equipmentCode"}
    assert "RelatedUnit" not in read and "LicenceScope" not in read  # components are never records


def test_the_same_package_twice_in_a_run_is_one_delivery() -> None:
    layer = CrossRecord(SPEC)
    assert layer.same_package("a.json", "m1", "sha256:1") is None
    assert layer.same_package("a.json", "m1", "sha256:1") is None
    assert layer.same_package("a.xml", "m1", "sha256:1") == "a.json"
    assert layer.same_package("b.xml", "m1", "sha256:2") is None
    assert layer.same_package("c.xml", "m2", "sha256:1") is None


# --- SE-XRF-002 -----------------------------------------------------------------------------------------
def _inspection(code: Any, report: str) -> dict[str, Any]:
    data = inspection(XX_GOODS_LIFT, "2026-03-10", "2027-03-09", report)
    data["equipmentCode"] = code
    return data


def test_an_unresolved_reference_is_reported_on_the_first_record_naming_it() -> None:
    layer = layer_of("a.jsonl", "b.jsonl")
    observe(layer, "a.jsonl", "Inspection", _inspection(XX_GOODS_LIFT, "R1"), 4)
    observe(layer, "b.jsonl", "Inspection", _inspection(XX_GOODS_LIFT, "R2"), 0)
    found = layer.finish()
    assert found["b.jsonl"] == []
    (f,) = found["a.jsonl"]
    assert (f.rule, f.severity, f.layer, f.index, f.line) == ("SE-XRF-002", "warning", "cross-record", 4, 6)
    assert (f.pointer, f.record_type, f.key, f.value) == (
        "/records/4/data/equipmentCode",
        "Inspection",
        "R1",
        XX_GOODS_LIFT,
    )
    assert f.element is not None and (f.element.id, f.element.field) == ("SE.EQP.0001", "equipmentCode")
    assert f.expected is not None and (f.expected.zh, f.expected.en) == (
        "特种设备（Equipment）",
        "Special equipment (Equipment)",
    )
    assert f.message.en.endswith(
        "names no Special equipment (Equipment) in the files of this run or in the reference data: "
        "2 records name it; this is the first"
    )
    assert f.message.zh.endswith("找不到对应的特种设备（Equipment）：共 2 条记录引用该值，此处为第一条")
    assert layer.not_checked() == {} and layer.unchecked == set()


def test_a_reference_named_once_says_so() -> None:
    layer = layer_of("a.jsonl")
    observe(layer, "a.jsonl", "Inspection", _inspection(XX_GOODS_LIFT, "R1"), 0)
    (f,) = layer.finish()["a.jsonl"]
    assert f.message.en.endswith("in the files of this run or in the reference data: only this record names it")
    assert f.message.zh.endswith("找不到对应的特种设备（Equipment）：仅此一条记录引用该值")


def test_a_reference_resolved_before_or_after_is_no_finding() -> None:
    layer = layer_of("a.jsonl")
    observe(layer, "a.jsonl", "Equipment", equipment(ZZ_ELEVATOR), 0)
    observe(layer, "a.jsonl", "Inspection", _inspection(ZZ_ELEVATOR, "R1"), 1)
    observe(layer, "a.jsonl", "Inspection", _inspection(XX_GOODS_LIFT, "R2"), 2)
    observe(layer, "a.jsonl", "Equipment", equipment(XX_GOODS_LIFT), 3)
    assert brief(layer.finish()) == []


@pytest.mark.parametrize("value", [12345, "", None])
def test_values_that_are_not_text_are_not_looked_up(value: Any) -> None:
    layer = layer_of("a.jsonl")
    observe(layer, "a.jsonl", "Inspection", _inspection(value, "R1"), 0)
    assert brief(layer.finish()) == []


def test_each_item_of_a_repeated_reference_is_looked_up() -> None:
    layer = layer_of("a.jsonl", message_type="accident-report")
    layer.begin_file("b.xml", "inspection-upload")
    observe(layer, "b.xml", "Equipment", equipment(XX_PASSENGER_LIFT), 0)
    accident = entity("Accident", 0, equipmentCodes=[XX_PASSENGER_LIFT, XX_GOODS_LIFT, 7, ZZ_AIR_TANK])
    observe(layer, "a.jsonl", "Accident", accident, 0, bad={("equipmentCodes", 3)})
    assert brief(layer.finish()) == [("a.jsonl", "SE-XRF-002", 0, "/records/0/data/equipmentCodes/1")]


def test_findings_come_in_record_order_places_first() -> None:
    layer = layer_of("a.jsonl", "b.jsonl")
    observe(layer, "a.jsonl", "Equipment", equipment(ZZ_AIR_TANK), 5)
    observe(layer, "a.jsonl", "Equipment", equipment(ZZ_ELEVATOR), 0)
    observe(layer, "b.jsonl", "Equipment", equipment(ZZ_AIR_TANK), 2)
    observe(layer, "b.jsonl", "Inspection", _inspection(XX_GOODS_LIFT, "R1"), 3)
    observe(layer, "b.jsonl", "Equipment", equipment(ZZ_ELEVATOR), 1)
    observe(layer, "b.jsonl", "Equipment", equipment(ZZ_ELEVATOR, equipmentCode=None), None, key=ZZ_ELEVATOR)
    assert brief(layer.finish()) == [
        ("b.jsonl", "SE-XRF-001", None, None),
        ("b.jsonl", "SE-XRF-001", 1, "/records/1"),
        ("b.jsonl", "SE-XRF-001", 2, "/records/2"),
        ("b.jsonl", "SE-XRF-002", 3, "/records/3/data/equipmentCode"),
    ]


def test_references_to_an_entity_nothing_carries_are_left_unchecked_and_said_so() -> None:
    layer = layer_of("a.jsonl", message_type="registration-download")
    observe(layer, "a.jsonl", "UseRegistration", entity("UseRegistration", 0), 0)
    assert brief(layer.finish()) == []
    assert layer.unchecked == {("userUnitCode", "Unit"), ("propertyUnitCode", "Unit")}
    assert layer.not_checked()["SE-XRF-002"] == Text(
        "本次运行及参照数据中没有可携带被引用实体的报文，部分引用未检查",
        "no file of the run or the reference data has a message type that carries the referenced entity; "
        "some references were not checked",
    )
    # A record of the entity seen in the run makes it carried, whatever the file's message type.
    layer = layer_of("a.jsonl", message_type="registration-download")
    observe(layer, "a.jsonl", "UseRegistration", entity("UseRegistration", 0), 0)
    observe(layer, "a.jsonl", "Unit", entity("Unit", 3), 1)
    found = layer.finish()
    assert {f.element.field for f in found["a.jsonl"] if f.element} == {"userUnitCode", "propertyUnitCode"}
    assert layer.unchecked == set() and layer.not_checked() == {}


def test_an_unknown_message_type_carries_nothing() -> None:
    layer = layer_of("a.jsonl", message_type="no-such-message")
    layer.begin_file("b.jsonl", None)
    observe(layer, "a.jsonl", "Inspection", _inspection(XX_GOODS_LIFT, "R1"), 0)
    assert brief(layer.finish()) == [] and layer.unchecked == {("equipmentCode", "Equipment")}


# --- reference datasets and whole runs ------------------------------------------------------------------
def test_reference_data_resolves_only_the_entities_referenced(tmp_path: Path) -> None:
    units = write(
        tmp_path / "units.xml",
        "licence-information",
        [("Licence", entity("Licence", 0, holderCode="91433101772274167P")), ("Unit", entity("Unit", 1))],
    )
    layer = layer_of("reg.jsonl", message_type="registration-download")
    assert layer.add_reference(units) == []
    # Records of entities nothing references (inspections) and deletes in a reference dataset are passed over.
    other = write(
        tmp_path / "other.jsonl",
        "inspection-upload",
        [change("Inspection", inspection(XX_GOODS_LIFT, "2026-03-10", None, "R9"), 1, "add"),
         Record("Equipment", None, "delete", XX_GOODS_LIFT, 2)],
        "changes",
    )  # fmt: skip
    assert layer.add_reference(other) == []
    reg = entity("UseRegistration", 0)
    observe(layer, "reg.jsonl", "UseRegistration", reg, 0)
    found = layer.finish()["reg.jsonl"]
    assert [f.element.field for f in found if f.element] == ["propertyUnitCode"]
    assert list(layer.finish()) == ["reg.jsonl"]  # the reference is not a file of the run


def test_a_run_with_an_unreadable_file_reports_it_beside_the_others(tmp_path: Path) -> None:
    devices = write(tmp_path / "d.jsonl", "inspection-upload", [("Equipment", equipment(ZZ_ELEVATOR))])
    again = write(tmp_path / "e.jsonl", "inspection-upload", [("Equipment", equipment(ZZ_ELEVATOR))])
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"header": ', "utf-8")
    result = check_run([devices, broken, again], references=[tmp_path / "none.xml"])
    assert [(f.rule, f.line) for f in result[str(broken)]] == [("SE-SYN-005", 1)]
    assert [f.rule for f in result[str(again)]] == ["SE-XRF-001"] and result[str(devices)] == []
    assert [f.rule for f in result[str(tmp_path / "none.xml")]] == ["SE-SYN-001"]
    assert list(result)[:3] == [str(devices), str(broken), str(again)]


def test_keys_in_bulk_of_a_type_without_a_plan_are_none_to_index() -> None:
    layer = layer_of("a.jsonl")
    assert layer.observe_keys("a.jsonl", "NoSuchEntity", ["k"], [{}], [0], [2]) == []
    assert layer.observe_keys("a.jsonl", "RelatedUnit", ["k"], [{}], [0], [2]) == []


def test_the_index_grows_with_the_keys_it_holds() -> None:
    layer = layer_of("a.jsonl")
    empty = layer.nbytes
    assert empty >= 0
    for i in range(1000):
        observe(layer, "a.jsonl", "Equipment", {"equipmentCode": f"3110105232015{i:05d}"}, i)
    # Each 18-character device code is held twice: in the key index and among the referenced keys.
    assert layer.nbytes > empty + 2 * 18 * 1000


def test_the_byte_count_is_every_key_index_with_its_first_locations_and_the_referenced_keys() -> None:
    layer = layer_of("a.jsonl")
    for i in range(300):
        observe(layer, "a.jsonl", "Equipment", {"equipmentCode": f"3110105232015{i:05d}"}, i)
        observe(layer, "a.jsonl", "Inspection", {"reportNo": f"R{i}", "equipmentCode": f"3110105232015{i:05d}"}, i)
    tables = list(layer._keys.values())
    assert sorted(layer._keys) == ["Equipment", "Inspection"] and all(loc.nbytes > 0 for _, loc in tables)
    held = sum(t.nbytes + loc.nbytes for t, loc in tables) + sum(t.nbytes for t in layer._targets.values())
    assert layer.nbytes == held


@pytest.mark.parametrize("engine", ["row", "columnar"])
def test_versioned_keys_indexed_in_bulk_resolve_and_repeat_as_row_by_row(tmp_path: Path, engine: str) -> None:
    # Clean sample records: the columnar engine indexes their keys in bulk, version appended.
    records = [r for r, _ in sample_records("inspection-upload", 6, seed=3, invalid_rate=0.0, mode="changes")]
    devices = [r for r in records if r.type == "Equipment"]
    inspections = [r for r in records if r.type == "Inspection"]
    a, b = write(tmp_path / "a.jsonl", "inspection-upload", devices, "changes"), tmp_path / "b.jsonl"
    write(b, "inspection-upload", [*inspections, devices[0]], "changes")
    report = validate_files([a, b], engine=engine)  # type: ignore[arg-type]
    found = [(Path(fr.file).name, f.rule, f.index, f.pointer) for fr in report.files for f in fr.findings]
    assert found == [("b.jsonl", "SE-XRF-001", 3, "/records/3")]


@pytest.mark.parametrize("engine", ["row", "columnar"])
def test_references_waiting_across_files_are_counted_and_reported_once(tmp_path: Path, engine: str) -> None:
    # An inspection of a device in no file, named again in a later file and by an accident: one SE-XRF-002 on the
    # first, counting all three, whether the later files' keys are indexed in bulk (columnar) or row by row.
    records = [r for r, _ in sample_records("inspection-upload", 6, seed=3, invalid_rate=0.0, mode="changes")]
    devices = [r for r in records if r.type == "Equipment"]
    inspections = [r for r in records if r.type == "Inspection"]
    orphan, missing = inspections[1], devices[1].data["equipmentCode"]
    a = write(tmp_path / "a.jsonl", "inspection-upload", [devices[0], devices[2], *inspections], "changes")
    again = dict(orphan.data, reportNo=orphan.data["reportNo"] + "-F")
    b = write(tmp_path / "b.jsonl", "inspection-upload", [change("Inspection", again, 1, "add")], "changes")
    accidents = [r for r, _ in sample_records("accident-report", 2, seed=3, invalid_rate=0.0, mode="changes")]
    named = dict(accidents[0].data, equipmentCodes=[devices[0].data["equipmentCode"], missing])
    c = write(tmp_path / "c.jsonl", "accident-report", [change("Accident", named, 1, "add"), accidents[1]], "changes")
    report = validate_files([a, b, c], engine=engine)  # type: ignore[arg-type]
    found = [(Path(fr.file).name, f.rule, f.index, f.pointer) for fr in report.files for f in fr.findings]
    assert found == [
        ("a.jsonl", "SE-XRF-002", 3, "/records/3/data/equipmentCode"),
        ("c.jsonl", "SE-XRF-002", 1, "/records/1/data/equipmentCodes/0"),
    ]
    first = report.files[0].findings[0]
    assert first.value == missing and first.message.en.endswith("3 records name it; this is the first")
