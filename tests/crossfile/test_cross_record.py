"""SE-XRF: business keys unique across the files of a run; references resolved in the run or reference data."""

from __future__ import annotations

from pathlib import Path

from sedata.validate.layers.crossfile import CrossRecord, check_run
from sedata.validate.layers.crossfile import check_run as run
from sedata.validate.report import Finding

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


def fired(result: dict[str, list[Finding]], rule: str) -> list[Finding]:
    return [f for found in result.values() for f in found if f.rule == rule]


def upload(path: Path, *codes: str, inspections: tuple[str, ...] = (), mode: str = "snapshot") -> Path:
    """An inspection upload with the Equipment records of ``codes`` and one inspection per ``inspections`` device."""
    records = [("Equipment", equipment(c)) for c in codes]
    records += [
        ("Inspection", inspection(c, "2026-03-10", "2027-03-09", f"ZZ2026FTC{i:05d}"))
        for i, c in enumerate(inspections)
    ]
    return write(path, "inspection-upload", records, mode)


# --- SE-XRF-001 duplicate business key across files -------------------------------------------------------
def test_a_key_in_two_files_is_reported_in_the_second_with_the_first_location(tmp_path: Path) -> None:
    first = upload(tmp_path / "march.jsonl", ZZ_ELEVATOR, XX_GOODS_LIFT, inspections=(ZZ_ELEVATOR,))
    second = upload(tmp_path / "april.xml", XX_PASSENGER_LIFT, ZZ_ELEVATOR)
    result = run([first, second])
    (f,) = fired(result, "SE-XRF-001")
    assert f.file == str(second) and f.index == 1 and f.pointer == "/records/1"
    assert f.record_type == "Equipment" and f.key == ZZ_ELEVATOR
    assert f.severity == "error" and f.layer == "cross-record"
    assert str(first) in f.message.zh and "第 2 行" in f.message.zh and "records[0]" in f.message.zh
    assert "设备代码（SE.EQP.0001）" in f.message.zh
    assert "Equipment code (SE.EQP.0001) same as the record in" in f.message.en
    assert not result[str(first)]


def test_a_repeat_within_one_file_is_left_to_business_rule_010(tmp_path: Path) -> None:
    path = write(tmp_path / "m.jsonl", "inspection-upload", [("Equipment", equipment(ZZ_ELEVATOR))] * 2)
    assert not fired(run([path]), "SE-XRF-001")


def test_successive_versions_in_successive_change_sets_are_not_duplicates(tmp_path: Path) -> None:
    eq = equipment(ZZ_ELEVATOR)
    v1 = write(tmp_path / "1.jsonl", "inspection-upload", [change("Equipment", eq, 1, "add")], "changes")
    v2 = write(tmp_path / "2.jsonl", "inspection-upload", [change("Equipment", eq, 2)], "changes")
    again = write(tmp_path / "3.json", "inspection-upload", [change("Equipment", eq, 2)], "changes")
    assert not fired(run([v1, v2]), "SE-XRF-001")
    (f,) = fired(run([v1, v2, again]), "SE-XRF-001")
    assert f.file == str(again) and str(v2) in f.message.en


def test_a_third_file_is_reported_against_the_first(tmp_path: Path) -> None:
    paths = [upload(tmp_path / f"{n}.jsonl", ZZ_AIR_TANK) for n in ("a", "b", "c")]
    found = fired(run(paths), "SE-XRF-001")
    assert [f.file for f in found] == [str(paths[1]), str(paths[2])]
    assert all(str(paths[0]) in f.message.zh for f in found)


def test_reference_datasets_do_not_count_as_duplicates(tmp_path: Path) -> None:
    last_month = upload(tmp_path / "snapshot-2026-02.xml", ZZ_ELEVATOR, XX_GOODS_LIFT)
    this_month = upload(tmp_path / "upload.jsonl", ZZ_ELEVATOR, inspections=(ZZ_ELEVATOR,))
    assert not fired(run([this_month], references=[last_month]), "SE-XRF-001")


def test_deletes_are_not_counted(tmp_path: Path) -> None:
    from sedata import exchange as X

    deleted = X.Record("Inspection", None, "delete", "ZZ2026FTC00000", 2)
    a = write(tmp_path / "a.jsonl", "inspection-upload", [deleted], "changes")
    b = write(tmp_path / "b.jsonl", "inspection-upload", [deleted], "changes")
    assert not fired(run([a, b]), "SE-XRF-001")


# --- SE-XRF-002 unresolved reference ----------------------------------------------------------------------
def test_an_inspection_of_a_device_nowhere_in_the_run_is_reported(tmp_path: Path) -> None:
    path = upload(tmp_path / "m.jsonl", ZZ_ELEVATOR, inspections=(ZZ_ELEVATOR, XX_GOODS_LIFT))
    (f,) = fired(run([path]), "SE-XRF-002")
    assert f.file == str(path) and f.index == 2 and f.line == 4
    assert f.pointer == "/records/2/data/equipmentCode"
    assert f.record_type == "Inspection" and f.key == "ZZ2026FTC00001"
    assert f.element is not None and f.element.id == "SE.EQP.0001"
    assert f.value == XX_GOODS_LIFT and f.severity == "warning"
    assert "找不到对应的特种设备（Equipment）" in f.message.zh and "仅此一条记录引用该值" in f.message.zh
    assert "names no Special equipment (Equipment)" in f.message.en


def test_a_reference_resolves_from_a_reference_dataset(tmp_path: Path) -> None:
    snapshot = upload(tmp_path / "snapshot.xml", XX_GOODS_LIFT, ZZ_AIR_TANK)
    changes = upload(tmp_path / "changes.jsonl", inspections=(XX_GOODS_LIFT,), mode="changes")
    assert fired(run([changes]), "SE-XRF-002")
    result = run([changes], references=[snapshot])
    assert not fired(result, "SE-XRF-002")
    assert str(snapshot) not in result  # a reference dataset read cleanly has no entry


def test_a_reference_resolves_from_a_later_file_of_the_run(tmp_path: Path) -> None:
    inspections = upload(tmp_path / "1.jsonl", inspections=(XX_GOODS_LIFT,))
    devices = upload(tmp_path / "2.jsonl", XX_GOODS_LIFT)
    assert not fired(run([inspections, devices]), "SE-XRF-002")


def test_many_records_naming_one_missing_value_make_one_finding(tmp_path: Path) -> None:
    records = [
        ("Inspection", inspection(XX_GOODS_LIFT, "2025-05-20", "2026-05-19", "XXTJ-DT-2025-0431")),
        ("Inspection", inspection(XX_GOODS_LIFT, "2025-06-11", "2026-05-19", "XXTJ-DT-2025-0431-F")),
        ("Inspection", inspection(XX_GOODS_LIFT, "2026-05-10", "2027-05-09", "XXTJ-DT-2026-0120")),
    ]
    path = write(tmp_path / "m.xml", "inspection-upload", records)
    (f,) = fired(run([path]), "SE-XRF-002")
    assert f.index == 0 and "共 3 条记录引用该值" in f.message.zh and "3 records name it" in f.message.en


def test_a_registrations_user_and_owner_units_resolve_against_unit_records(tmp_path: Path) -> None:
    # The 湘西 goods lift is owned by a private person: 产权单位代码 is a citizen ID.
    registration = entity("UseRegistration", 0)
    assert registration["propertyUnitCode"].endswith("X") or len(registration["propertyUnitCode"]) == 18
    reg = write(tmp_path / "reg.jsonl", "registration-download", [("UseRegistration", registration)])
    units = write(
        tmp_path / "units.xml",
        "licence-information",
        [("Licence", entity("Licence", 0, holderCode="91110000600037341L")), ("Unit", entity("Unit", 3))],
    )
    found = fired(run([reg], references=[units]), "SE-XRF-002")
    by_field = {f.element.field: f for f in found if f.element}
    assert set(by_field) == {"userUnitCode", "propertyUnitCode"}
    user, owner = by_field["userUnitCode"], by_field["propertyUnitCode"]
    assert user.element is not None and user.element.id == "SE.UNT.0102"
    assert "单位（机构）（Unit）" in user.message.zh
    # A company's USCC is shown; an individual owner's citizen ID is masked in every language.
    assert user.value == registration["userUnitCode"]
    assert owner.value != registration["propertyUnitCode"] and "*" in (owner.value or "")
    assert registration["propertyUnitCode"] not in owner.message.zh + owner.message.en
    # With the user unit's record in the reference data, only the private owner is left.
    units2 = write(
        tmp_path / "units2.xml",
        "licence-information",
        [("Licence", entity("Licence", 0, holderCode="91433101772274167P")), ("Unit", entity("Unit", 1))],
    )
    (left,) = fired(run([reg], references=[units2]), "SE-XRF-002")
    assert left.element is not None and left.element.field == "propertyUnitCode"


def test_an_accidents_equipment_is_checked_item_by_item(tmp_path: Path) -> None:
    accident = entity("Accident", 0, equipmentCodes=[XX_PASSENGER_LIFT, XX_GOODS_LIFT])
    report = write(tmp_path / "accident.jsonl", "accident-report", [("Accident", accident)])
    devices = upload(tmp_path / "devices.xml", XX_PASSENGER_LIFT)
    (f,) = fired(run([report], references=[devices]), "SE-XRF-002")
    assert f.pointer == "/records/0/data/equipmentCodes/1" and f.value == XX_GOODS_LIFT
    assert f.key == "XX-2025-DT-007"


def test_references_to_an_entity_no_file_can_carry_are_not_checked(tmp_path: Path) -> None:
    # A registration download alone: no message of the run carries Unit or Licence records.
    reg = write(
        tmp_path / "reg.jsonl",
        "registration-download",
        [("ConstructionNotice", entity("ConstructionNotice", 0)), ("UseRegistration", entity("UseRegistration", 1))],
    )
    layer = CrossRecord(SPEC)
    from sedata.validate.layers._stream import stream

    stream(reg, SPEC, layer.begin_file, layer.observe, "error")
    result = layer.finish()
    assert not fired(result, "SE-XRF-002")
    assert ("userUnitCode", "Unit") in layer.unchecked and ("installerLicenceNo", "Licence") in layer.unchecked
    assert "SE-XRF-002" in layer.not_checked()


def test_values_that_failed_the_schema_are_not_looked_up(tmp_path: Path) -> None:
    from sedata.exchange import Record
    from sedata.validate.context import Where

    layer = CrossRecord(SPEC)
    layer.begin_file("m.jsonl", "inspection-upload")
    bad_code = inspection(ZZ_ELEVATOR, "2026-03-10", "2027-03-09", "ZZ2026FTC00001", equipmentCode="3110-BAD")
    layer.observe("m.jsonl", Record("Inspection", bad_code, index=0, line=2), Where(index=0), {("equipmentCode",)})
    assert not fired(layer.finish(), "SE-XRF-002")
    layer = CrossRecord(SPEC)
    layer.begin_file("m.jsonl", "inspection-upload")
    layer.observe("m.jsonl", Record("Inspection", bad_code, index=0, line=2), Where(index=0))
    assert fired(layer.finish(), "SE-XRF-002")


def test_an_unreadable_reference_is_reported_not_raised(tmp_path: Path) -> None:
    run_file = upload(tmp_path / "m.jsonl", ZZ_ELEVATOR)
    missing = tmp_path / "no-such-snapshot.xml"
    result = check_run([run_file], references=[missing])
    (f,) = result[str(missing)]
    assert f.rule == "SE-SYN-001"


def test_the_same_run_in_any_order_gives_the_same_findings(tmp_path: Path) -> None:
    a = upload(tmp_path / "a.jsonl", ZZ_ELEVATOR, inspections=(ZZ_ELEVATOR, ZZ_AIR_TANK))
    b = upload(tmp_path / "b.xml", ZZ_ELEVATOR, XX_GOODS_LIFT, inspections=(XX_PASSENGER_LIFT,))

    def summary(result: dict[str, list[Finding]]) -> set[tuple[str, str | None]]:
        return {(f.rule, f.value) for found in result.values() for f in found}

    assert summary(run([a, b])) == summary(run([b, a]))
    assert {rule for rule, _ in summary(run([a, b]))} == {"SE-XRF-001", "SE-XRF-002"}


def test_a_record_of_a_type_the_message_does_not_carry_does_not_end_the_reading(tmp_path: Path) -> None:
    from sedata.spec import current
    from sedata.validate.layers._stream import stream

    path = upload(tmp_path / "u.jsonl", ZZ_ELEVATOR, XX_GOODS_LIFT, ZZ_AIR_TANK)
    lines = path.read_text("utf-8").splitlines()
    lines[1] = lines[1].replace('"recordType":"Equipment"', '"recordType":"Licence"', 1)  # the validator's SE-SCH-005
    path.write_text("\n".join(lines) + "\n", "utf-8")
    seen: list[str] = []
    report = stream(path, current(), lambda *_: None, lambda _f, record, _w, _b: seen.append(record.type), "error")
    assert seen == ["Licence", "Equipment", "Equipment"] and report.stopped is None
    assert [f.rule for f in report.findings] == ["SE-SYN-009"]  # the records differ from the digest; read to the end
    assert not report.verified
