"""The consistency layer's findings whole (rule, severity, place, element, value, expected, both languages) and
the edges of its judgements: dates on the day, undated records, the latest value winning, what a reconciliation
reports as not checked (bench/mutate.py on sedata/validate/layers/consistency.py showed what was left open).

Records are the example devices (tests/crossfile/conftest.py), fed to the layer as the engine feeds them: each
registration record of ``reg.jsonl`` and inspection record of ``ins.jsonl`` at index i, line i + 2.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from sedata.exchange import Record
from sedata.validate.layers.consistency import (
    MANUAL,
    OUT_OF_SCOPE,
    UNREADABLE,
    Reconciler,
    finish_reports,
    reconcile,
    run_files,
)
from sedata.validate.report import FileReport, Finding, Text
from sedata.validate.shapes import DataPath

from .conftest import (
    SPEC,
    XX_GOODS_LIFT,
    XX_PASSENGER_LIFT,
    ZZ_AIR_TANK,
    ZZ_ELEVATOR,
    entity,
    equipment,
    inspection,
    status_change,
    write,
)

TODAY = dt.date(2026, 3, 1)
Records = list[tuple[str, dict[str, Any]]]


def reconciled(reg: Records, ins: Records, today: dt.date = TODAY, bad: dict[int, set] | None = None) -> list[Finding]:
    """The findings of both files, registration file first, each in record order."""
    layer = Reconciler(SPEC, today)
    layer.begin_file("reg.jsonl", "registration")
    layer.begin_file("ins.jsonl", "inspection")
    for i, (t, d) in enumerate(reg):
        layer.observe("reg.jsonl", Record(t, d, index=i, line=i + 2))
    for i, (t, d) in enumerate(ins):
        layer.observe("ins.jsonl", Record(t, d, index=i, line=i + 2), None, (bad or {}).get(i, ()))
    found = layer.finish()
    assert list(found) == ["reg.jsonl", "ins.jsonl"]
    return [*found["reg.jsonl"], *found["ins.jsonl"]]


def place(f: Finding) -> tuple[Any, ...]:
    return (f.rule, f.severity, f.file, f.index, f.line, f.pointer, f.record_type, f.key, f.value)


# --- SE-CON-001 -----------------------------------------------------------------------------------------
def test_registered_never_inspected_names_the_registering_record_and_its_date() -> None:
    (f,) = reconciled([("UseRegistration", entity("UseRegistration", 1))], [])
    assert place(f) == (
        "SE-CON-001",
        "warning",
        "reg.jsonl",
        0,
        2,
        "/records/0/data/equipmentCode",
        "UseRegistration",
        "容15闽E00087(17)",
        ZZ_AIR_TANK,
    )
    assert f.layer == "consistency" and f.element is not None and f.element.id == "SE.EQP.0001"
    assert f.message.en == (
        f"“Equipment code” (SE.EQP.0001) {ZZ_AIR_TANK} is registered but the inspection data holds no inspection "
        "of it (registration record UseRegistration (2017-11-20))"
    )
    assert f.message.zh == (
        f"“设备代码”（SE.EQP.0001）{ZZ_AIR_TANK} 已登记，但检验数据中没有该设备的检验记录"
        "（登记数据：UseRegistration（2017-11-20））"
    )


def test_an_undated_registering_record_is_named_without_a_date_and_keyed_by_the_device() -> None:
    (f,) = reconciled([("Equipment", equipment(ZZ_ELEVATOR))], [])
    assert (f.rule, f.record_type, f.key, f.value) == ("SE-CON-001", "Equipment", ZZ_ELEVATOR, ZZ_ELEVATOR)
    assert f.message.en.endswith("(registration record Equipment)")
    assert f.message.zh.endswith("（登记数据：Equipment）")


def test_the_latest_registering_record_is_the_one_reported() -> None:
    older = entity("UseRegistration", 1)
    newer = entity("UseRegistration", 1, registrationDate="2020-01-02", registrationCertNo="容15闽E00099(20)")
    for order in ([older, newer], [newer, older]):
        (f,) = reconciled([("UseRegistration", r) for r in order], [])
        assert (f.index, f.key) == (order.index(newer), "容15闽E00099(20)")
        assert f.message.en.endswith("(registration record UseRegistration (2020-01-02))")


@pytest.mark.parametrize(("use", "registration", "exempt"), [("3", None, True), ("2", "0", True), ("2", "1", False)])
def test_a_status_that_needs_no_inspection_exempts_a_registered_device(
    use: str, registration: str | None, exempt: bool
) -> None:
    change = status_change(ZZ_AIR_TANK, "2024-11-30", use, registration)
    found = reconciled([("UseRegistration", entity("UseRegistration", 1)), ("StatusChange", change)], [])
    assert [f.rule for f in found] == ([] if exempt else ["SE-CON-001"])


# --- SE-CON-002 -----------------------------------------------------------------------------------------
def test_inspected_not_registered_names_the_latest_inspection() -> None:
    older = inspection(ZZ_ELEVATOR, "2025-03-11", "2026-03-10", "R0")
    latest = inspection(ZZ_ELEVATOR, "2026-03-10", "2027-03-09", "R1")
    (f,) = reconciled([], [("Inspection", latest), ("Inspection", older)], today=dt.date(2026, 4, 1))
    assert place(f) == (
        "SE-CON-002",
        "warning",
        "ins.jsonl",
        0,
        2,
        "/records/0/data/equipmentCode",
        "Inspection",
        "R1",
        ZZ_ELEVATOR,
    )
    assert f.message.en.endswith(
        "was inspected but is not in the registration data (latest inspection 2026-03-10 (定期检验))"
    )
    assert f.message.zh.endswith("有检验记录，但登记数据中没有该设备（最近一次检验 2026-03-10（定期检验））")


def test_a_date_time_counts_as_its_day_and_a_broken_date_as_none() -> None:
    timed = inspection(ZZ_ELEVATOR, "2026-03-10T09:30:00+08:00", None, "R1")
    (f,) = reconciled([], [("Inspection", timed)])
    assert f.message.en.endswith("(latest inspection 2026-03-10 (定期检验))")
    for broken in ("2026-02-30", "2026-3-1"):
        (f,) = reconciled([], [("Inspection", inspection(ZZ_ELEVATOR, broken, None, "R1"))])
        assert f.message.en.endswith("(latest inspection undated (定期检验))"), broken


def test_an_undated_inspection_of_no_kind_says_so() -> None:
    undated = inspection(ZZ_ELEVATOR, "2026-03-10", None, "R1", inspectionDate=None, inspectionKind=None)
    undated = {k: v for k, v in undated.items() if v is not None}
    (f,) = reconciled([], [("Inspection", undated)])
    assert f.message.en.endswith("is not in the registration data (latest inspection undated)")
    assert f.message.zh.endswith("登记数据中没有该设备（最近一次检验日期不详）")


def test_an_equipment_record_on_the_inspection_side_is_no_inspection() -> None:
    found = reconciled([("UseRegistration", entity("UseRegistration", 1))], [("Equipment", equipment(ZZ_AIR_TANK))])
    assert [f.rule for f in found] == ["SE-CON-001"]
    assert reconciled([], [("Equipment", equipment(ZZ_AIR_TANK))]) == []


def test_an_exempting_kind_or_status_counts_even_as_the_first_value_seen() -> None:
    # The first text the layer interns gets the first id: the exemptions must find it as well as any other.
    installed = inspection(
        ZZ_ELEVATOR, "2026-02-20", None, "R1", inspectionKind="安装监督检验", registrationCertNo=None
    )
    assert reconciled([], [("Inspection", {k: v for k, v in installed.items() if v is not None})]) == []
    assert reconciled([("StatusChange", status_change(ZZ_AIR_TANK, "2024-11-30", "3"))], []) == []
    assert [f.rule for f in reconciled([("StatusChange", status_change(ZZ_AIR_TANK, "2024-11-30", "2"))], [])] == [
        "SE-CON-001"
    ]


# --- SE-CON-003 -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("use", "registration", "expected_en", "expected_zh"),
    [
        ("4", "3", "Scrapped (SE.EQP.0016 = 4, since 2025-09-01)", "报废（SE.EQP.0016 = 4，2025-09-01 起）"),
        (
            "2",
            "3",
            "Registration cancelled (SE.EQP.0017 = 3, since 2025-09-01)",
            "注销登记（SE.EQP.0017 = 3，2025-09-01 起）",
        ),
    ],
)
def test_an_inspection_after_retirement_names_the_status_and_its_date(
    use: str, registration: str, expected_en: str, expected_zh: str
) -> None:
    change = status_change(XX_PASSENGER_LIFT, "2025-09-01", use, registration)
    after = inspection(XX_PASSENGER_LIFT, "2025-10-10", "2026-10-09", "R2")
    found = reconciled([("StatusChange", change)], [("Inspection", after)])
    (f,) = [f for f in found if f.rule == "SE-CON-003"]
    assert place(f) == (
        "SE-CON-003",
        "warning",
        "ins.jsonl",
        0,
        2,
        "/records/0/data/inspectionDate",
        "Inspection",
        "R2",
        "2025-10-10",
    )
    assert f.element is not None and f.element.id == "SE.ISP.0004"
    assert f.expected == Text(expected_zh, expected_en)
    assert f.message.en.endswith(f"(Equipment code {XX_PASSENGER_LIFT}; status from StatusChange (2025-09-01))")
    assert f.message.zh.endswith(f"（设备代码 {XX_PASSENGER_LIFT}；状态依据 StatusChange（2025-09-01））")


@pytest.mark.parametrize(("inspected", "fires"), [("2025-09-01", False), ("2025-09-02", True)])
def test_an_inspection_on_the_day_of_scrapping_is_not_after_it(inspected: str, fires: bool) -> None:
    change = status_change(XX_PASSENGER_LIFT, "2025-09-01", "4")
    found = reconciled(
        [("StatusChange", change)], [("Inspection", inspection(XX_PASSENGER_LIFT, inspected, None, "R"))]
    )
    assert ("SE-CON-003" in [f.rule for f in found]) is fires


def test_the_latest_dated_status_decides_and_an_older_one_does_not_override_it() -> None:
    after = ("Inspection", inspection(XX_PASSENGER_LIFT, "2025-10-10", None, "R2"))
    scrapped = ("StatusChange", status_change(XX_PASSENGER_LIFT, "2025-09-01", "4"))
    back = ("StatusChange", status_change(XX_PASSENGER_LIFT, "2025-08-01", "2"))  # older: read after, ignored
    found = reconciled([scrapped, back], [after])
    assert "SE-CON-003" in [f.rule for f in found]
    later_back = ("StatusChange", status_change(XX_PASSENGER_LIFT, "2025-09-05", "2"))
    assert "SE-CON-003" not in [f.rule for f in reconciled([scrapped, later_back], [after])]


# --- SE-CON-004 -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("next_date", "overdue"), [("2026-02-28", True), ("2026-03-01", False)])
def test_overdue_from_the_day_after_the_next_inspection_date(next_date: str, overdue: bool) -> None:
    reg = [("Equipment", equipment(XX_GOODS_LIFT))]
    found = reconciled(reg, [("Inspection", inspection(XX_GOODS_LIFT, "2025-02-10", next_date, "R3"))])
    if not overdue:
        assert found == []
        return
    (f,) = found
    assert place(f) == (
        "SE-CON-004",
        "error",
        "ins.jsonl",
        0,
        2,
        "/records/0/data/nextInspectionDate",
        "Inspection",
        "R3",
        "2026-02-28",
    )
    assert f.element is not None and f.element.id == "SE.ISP.0007"
    assert f.expected == Text("2026-03-01", "2026-03-01")
    assert f.message.en == (
        "“Next inspection date” (SE.ISP.0007) 2026-02-28 has passed (today is 2026-03-01) with no later inspection "
        f"(Equipment code {XX_GOODS_LIFT}, latest inspection 2025-02-10 (定期检验))"
    )
    assert f.message.zh.endswith(f"（设备代码 {XX_GOODS_LIFT}，最近一次检验 2025-02-10（定期检验））")


def test_a_next_date_that_failed_the_schema_is_not_read() -> None:
    reg = [("Equipment", equipment(XX_GOODS_LIFT))]
    ins = [("Inspection", inspection(XX_GOODS_LIFT, "2025-02-10", "2026-02-27", "R3"))]
    assert [f.rule for f in reconciled(reg, ins)] == ["SE-CON-004"]
    assert reconciled(reg, ins, bad={0: {("nextInspectionDate",)}}) == []


@pytest.mark.parametrize(("grace", "overdue"), [(3, True), (4, False)])
def test_grace_days_move_the_day_a_device_becomes_overdue(grace: int, overdue: bool) -> None:
    layer = Reconciler(SPEC, TODAY)
    layer.p = dataclasses.replace(layer.p, grace_days=grace)  # the spec's is 0; a profile may allow some
    layer.begin_file("ins.jsonl", "inspection")
    data = inspection(XX_GOODS_LIFT, "2025-02-10", "2026-02-25", "R3")
    layer.observe("ins.jsonl", Record("Inspection", data, index=0, line=2))
    assert [f.rule for f in layer.finish()["ins.jsonl"]] == ["SE-CON-002", *(["SE-CON-004"] if overdue else [])]


def test_the_next_date_of_the_latest_inspection_counts_even_when_it_has_none() -> None:
    reg = [("Equipment", equipment(XX_GOODS_LIFT))]
    old = ("Inspection", inspection(XX_GOODS_LIFT, "2024-02-10", "2025-02-09", "R1"))
    new = ("Inspection", inspection(XX_GOODS_LIFT, "2025-02-10", None, "R2"))
    assert reconciled(reg, [new, old]) == [] and reconciled(reg, [old, new]) == []


@pytest.mark.parametrize(("use", "exempt"), [("3", True), ("9", False)])
def test_a_status_exempts_from_overdue_only_if_listed(use: str, exempt: bool) -> None:
    reg = [("Equipment", equipment(XX_GOODS_LIFT, useStatus=use))]
    ins = [("Inspection", inspection(XX_GOODS_LIFT, "2025-02-10", "2026-02-27", "R3"))]
    rules = [f.rule for f in reconciled(reg, ins)]
    assert ("SE-CON-004" in rules) is not exempt


# --- SE-CON-005 -----------------------------------------------------------------------------------------
def test_a_disagreement_is_reported_on_the_inspection_record_that_gave_the_value() -> None:
    reg = [("Equipment", equipment(XX_GOODS_LIFT))]
    wrong = inspection(XX_GOODS_LIFT, "2026-02-10", "2027-02-27", "R3", registrationCertNo="梯12湘U00091(19)")
    (f,) = reconciled(reg, [("Inspection", wrong)])
    assert place(f) == (
        "SE-CON-005",
        "error",
        "ins.jsonl",
        0,
        2,
        "/records/0/data/registrationCertNo",
        "Inspection",
        "R3",
        "梯12湘U00091(19)",
    )
    assert f.expected == Text("梯12湘U00019(19)", "梯12湘U00019(19)")
    assert f.message.en == (
        "“Registration certificate number” (SE.EQP.0003) is 梯12湘U00091(19) in the inspection data but "
        f"梯12湘U00019(19) in the registration data (Equipment code {XX_GOODS_LIFT}; registration record Equipment)"
    )
    assert f.message.zh.endswith(f"（设备代码 {XX_GOODS_LIFT}；登记数据：Equipment）")


def test_a_value_from_an_older_inspection_is_keyed_by_the_device_not_the_latest_report() -> None:
    reg = [("UseRegistration", entity("UseRegistration", 0))]
    older = inspection(XX_GOODS_LIFT, "2025-02-10", "2026-05-19", "R-OLD", registrationCertNo="梯12湘U00091(19)")
    newer = inspection(XX_GOODS_LIFT, "2025-06-11", "2026-05-19", "R-NEW", registrationCertNo=None)
    newer = {k: v for k, v in newer.items() if v is not None}
    (f,) = reconciled(reg, [("Inspection", older), ("Inspection", newer)])
    assert (f.rule, f.index, f.key, f.value) == ("SE-CON-005", 0, None, "梯12湘U00091(19)")
    assert f.message.en.endswith("registration record UseRegistration (2019-06-18))")
    (f,) = reconciled(reg, [("Inspection", newer), ("Inspection", older)])
    assert (f.index, f.key) == (1, None)


def test_values_are_compared_trimmed_and_blank_ones_not_at_all() -> None:
    reg = [("Equipment", equipment(XX_GOODS_LIFT))]
    for cert in ("  梯12湘U00019(19) ", "   "):
        ins = [("Inspection", inspection(XX_GOODS_LIFT, "2026-02-10", "2027-02-27", "R3", registrationCertNo=cert))]
        assert reconciled(reg, ins) == []


def test_records_of_no_device_and_deletes_are_skipped() -> None:
    reg = [("Unit", entity("Unit", 0)), ("Licence", entity("Licence", 0)), ("Equipment", None)]  # type: ignore[list-item]
    ins = [("Inspection", None), ("Equipment", {"equipmentCode": "  "}), ("Equipment", {"equipmentCode": 7})]
    assert reconciled(reg, ins) == []  # type: ignore[arg-type]


def test_a_value_that_failed_the_schema_is_not_compared() -> None:
    reg = [("Equipment", equipment(XX_GOODS_LIFT))]
    wrong = inspection(XX_GOODS_LIFT, "2026-02-10", "2027-02-27", "R3", registrationCertNo="梯12湘U00091(19)")
    assert reconciled(reg, [("Inspection", wrong)], bad={0: {("registrationCertNo",)}}) == []
    # No device: the inspection is skipped, so the registered device is never inspected.
    assert [f.rule for f in reconciled(reg, [("Inspection", wrong)], bad={0: {("equipmentCode",)}})] == ["SE-CON-001"]


# --- SE-CON-007 -----------------------------------------------------------------------------------------
def test_a_return_to_use_after_the_validity_lapsed_is_reported_whole() -> None:
    reg = [
        ("UseRegistration", entity("UseRegistration", 0)),
        ("StatusChange", status_change(XX_GOODS_LIFT, "2025-12-01", "3")),
        ("StatusChange", status_change(XX_GOODS_LIFT, "2026-06-01", "2")),
    ]
    found = reconciled(reg, [("Inspection", entity("Inspection", 3))], today=dt.date(2026, 7, 1))
    (f,) = [f for f in found if f.rule == "SE-CON-007"]
    assert place(f) == (
        "SE-CON-007",
        "warning",
        "reg.jsonl",
        2,
        4,
        "/records/2/data/changeDate",
        "StatusChange",
        f"{XX_GOODS_LIFT}|2026-06-01",
        "2026-06-01",
    )
    assert f.element is not None and f.element.id == "SE.REG.0008"
    assert f.expected == Text("2026-05-19", "2026-05-19")
    assert f.message.en.endswith(
        f"(Equipment code {XX_GOODS_LIFT}, stopped 2025-12-01, latest inspection 2025-06-11; TSG 08-2026 [S46])"
    )
    assert f.message.zh.endswith(
        f"（设备代码 {XX_GOODS_LIFT}，2025-12-01 停用，最近一次检验 2025-06-11；TSG 08-2026 [S46]）"
    )


def test_of_two_returns_to_use_on_one_day_the_later_read_is_reported() -> None:
    again = entity("UseRegistration", 0, registrationCategory="停用后启用", registrationDate="2026-06-01")
    reg = [
        ("UseRegistration", entity("UseRegistration", 0)),
        ("StatusChange", status_change(XX_GOODS_LIFT, "2025-12-01", "3")),
        ("StatusChange", status_change(XX_GOODS_LIFT, "2026-06-01", "2")),
        ("UseRegistration", again),
    ]
    found = reconciled(reg, [("Inspection", entity("Inspection", 3))], today=dt.date(2026, 5, 1))
    assert [(f.rule, f.index, f.record_type, f.value) for f in found] == [
        ("SE-CON-007", 3, "UseRegistration", "2026-06-01")
    ]


def test_a_dated_registration_that_is_no_return_to_use_is_nothing() -> None:
    renamed = entity("UseRegistration", 0, registrationCategory="使用单位更名", registrationDate="2026-06-01")
    reg = [
        ("UseRegistration", entity("UseRegistration", 0)),
        ("StatusChange", status_change(XX_GOODS_LIFT, "2025-12-01", "3")),
        ("UseRegistration", renamed),
    ]
    found = reconciled(reg, [("Inspection", entity("Inspection", 3))], today=dt.date(2026, 5, 1))
    assert [f.rule for f in found] == []


@pytest.mark.parametrize(("reuse", "fires"), [("2026-05-19", False), ("2026-05-20", True)])
def test_a_return_to_use_on_the_last_valid_day_is_not_after_the_validity(reuse: str, fires: bool) -> None:
    reg = [
        ("UseRegistration", entity("UseRegistration", 0)),
        ("StatusChange", status_change(XX_GOODS_LIFT, "2025-12-01", "3")),
        ("StatusChange", status_change(XX_GOODS_LIFT, reuse, "2")),
    ]
    found = reconciled(reg, [("Inspection", entity("Inspection", 3))], today=dt.date(2026, 5, 1))
    assert [f.rule for f in found] == (["SE-CON-007"] if fires else [])


def test_a_return_to_use_without_a_stop_before_it_is_nothing() -> None:
    reg = [
        ("UseRegistration", entity("UseRegistration", 0)),
        ("StatusChange", status_change(XX_GOODS_LIFT, "2026-06-01", "2")),
    ]
    assert reconciled(reg, [("Inspection", entity("Inspection", 3))], today=dt.date(2026, 5, 1)) == []


# --- the reconciliation's report --------------------------------------------------------------------------
def test_what_a_reconciliation_reports_as_not_checked() -> None:
    reports = [FileReport("reg.jsonl"), FileReport("ins.jsonl")]
    found = {"ins.jsonl": reconciled([], [("Inspection", inspection(ZZ_ELEVATOR, "2026-03-10", None, "R1"))])}
    report = finish_reports(reports, found, SPEC, "warning")
    reg, ins = report.files
    assert report.fail_on == "warning" and [f.rule for f in ins.findings] == ["SE-CON-002"] and reg.findings == []
    assert reg.not_checked["SE-BIZ-001"] == OUT_OF_SCOPE and reg.not_checked["SE-XRF-001"] == OUT_OF_SCOPE
    assert "SE-SYN-001" not in reg.not_checked and "SE-CON-001" not in reg.not_checked
    manual = [r for r, rule in SPEC.rules.items() if rule.check == "manual" and SPEC.rule_layers[r] == "consistency"]
    assert manual and all(reg.not_checked[r] == MANUAL for r in manual)
    assert OUT_OF_SCOPE == Text(
        "不属于登记与检验数据核对（sedata reconcile）的范围",
        "not part of reconciling registration with inspection data (sedata reconcile)",
    )
    assert MANUAL == Text("需人工检查，本程序不自动检查", "checked by people; this program does not check it")


def test_an_incomplete_reconciliation_marks_the_rules_that_did_not_fire(tmp_path: Path) -> None:
    ins = write(
        tmp_path / "ins.jsonl", "inspection-upload", [("Inspection", inspection(ZZ_ELEVATOR, "2026-03-10", None, "R1"))]
    )
    report = reconcile([tmp_path / "none.jsonl"], [ins], today=TODAY, fail_on="warning")
    missing, good = report.files
    assert [f.rule for f in missing.findings] == ["SE-SYN-001"] and report.fail_on == "warning"
    assert [f.rule for f in good.findings] == ["SE-CON-002"]
    assert good.not_checked["SE-CON-001"] == UNREADABLE and "SE-CON-002" not in good.not_checked
    assert missing.not_checked["SE-CON-002"] == UNREADABLE
    assert UNREADABLE == Text(
        "有文件无法读取或未读完，核对结果不完整", "a file could not be read through; the reconciliation is incomplete"
    )
    assert good.not_checked["SE-BIZ-001"] == OUT_OF_SCOPE


def test_a_reconciliation_fails_on_errors_unless_told(tmp_path: Path) -> None:
    ins = write(tmp_path / "ins.jsonl", "inspection-upload", [("Equipment", equipment(ZZ_ELEVATOR))])
    report = reconcile([], [ins], today=TODAY)
    assert report.fail_on == "error" and [fr.fail_on for fr in report.files] == ["error"]


def test_many_devices_grow_the_columns_in_blocks() -> None:
    layer = Reconciler(SPEC, TODAY)
    layer.begin_file("reg.jsonl", "registration")
    empty = layer.nbytes
    for i in range(4100):  # more devices than one block of rows; suspended (3), so no finding but the last
        data = {"equipmentCode": f"3110105232015{i:05d}", "useStatus": "3" if i < 4099 else "2"}
        layer.observe("reg.jsonl", Record("Equipment", data, index=i))
    assert layer.nbytes > empty
    # Everything the layer keeps per device is counted: key tables, every column, every location table.
    arrays = [layer.flags, layer.reg_date, layer.reg_type, layer.ins_date, layer.ins_next, layer.ins_kind]
    arrays += [layer.ins_type, layer.status_date, layer.status_type, layer.retired, layer.stop_date]
    arrays += [layer.reuse_date, layer.reuse_type]
    for side in layer.sides:
        arrays += [*side.value, *side.date, *side.type]
    parts = [layer.devices, layer.values, layer.reg_where, layer.ins_where, layer.reuse_where]
    parts += layer.sides[1].where  # the inspection side keeps where each value came from
    assert all(len(a) == 8192 for a in arrays)  # two blocks of 4096 rows
    assert layer.nbytes == sum(p.nbytes for p in parts) + sum(len(a) * a.itemsize for a in arrays)
    (f,) = layer.finish()["reg.jsonl"]
    assert (f.rule, f.value, f.index) == ("SE-CON-001", "311010523201504099", 4099)


# --- ties of one day, the order of findings, severities of dated versions, defaults ------------------------
# Files are read oldest first and a file's records in order, so of two records dated the same day the later read
# is the newer: it decides, as it does for returns to use above.
def test_of_two_registering_records_on_one_day_the_later_read_is_reported() -> None:
    first = entity("UseRegistration", 1)
    second = entity("UseRegistration", 1, registrationCertNo="容15闽E00099(20)")
    assert first["registrationDate"] == second["registrationDate"]
    (f,) = reconciled([("UseRegistration", first), ("UseRegistration", second)], [])
    assert (f.rule, f.index, f.key) == ("SE-CON-001", 1, "容15闽E00099(20)")
    # Undated records (an Equipment snapshot) tie on no date at all: the later read again.
    found = reconciled([("Equipment", equipment(ZZ_ELEVATOR)), ("Equipment", equipment(ZZ_ELEVATOR))], [])
    assert [(f.rule, f.index) for f in found] == [("SE-CON-001", 1)]


@pytest.mark.parametrize(("statuses", "retired"), [(("4", "2"), False), (("2", "4"), True)])
def test_of_two_status_changes_on_one_day_the_later_read_decides(statuses: tuple[str, str], retired: bool) -> None:
    reg = [("StatusChange", status_change(XX_PASSENGER_LIFT, "2025-09-01", use)) for use in statuses]
    found = reconciled(reg, [("Inspection", inspection(XX_PASSENGER_LIFT, "2025-10-10", None, "R2"))])
    assert ("SE-CON-003" in [f.rule for f in found]) is retired


def test_a_status_that_failed_the_schema_does_not_retire_a_device() -> None:
    layer = Reconciler(SPEC, TODAY)
    layer.begin_file("reg.jsonl", "registration")
    layer.begin_file("ins.jsonl", "inspection")
    scrapped = status_change(XX_PASSENGER_LIFT, "2025-09-01", "4")
    layer.observe("reg.jsonl", Record("StatusChange", scrapped, index=0, line=2), None, {("useStatus",)})
    after = inspection(XX_PASSENGER_LIFT, "2025-10-10", None, "R2")
    layer.observe("ins.jsonl", Record("Inspection", after, index=0, line=2))
    assert [f.rule for f in layer.finish()["ins.jsonl"]] == []


def test_a_stop_or_return_to_use_that_failed_the_schema_is_not_read() -> None:
    def reuse_findings(bad: dict[int, set[DataPath]]) -> list[str]:
        layer = Reconciler(SPEC, dt.date(2026, 7, 1))
        layer.begin_file("reg.jsonl", "registration")
        layer.begin_file("ins.jsonl", "inspection")
        reg = [
            ("UseRegistration", entity("UseRegistration", 0)),
            ("StatusChange", status_change(XX_GOODS_LIFT, "2025-12-01", "3")),
            ("StatusChange", status_change(XX_GOODS_LIFT, "2026-06-01", "2")),
        ]
        for i, (t, d) in enumerate(reg):
            layer.observe("reg.jsonl", Record(t, d, index=i, line=i + 2), None, bad.get(i, ()))
        layer.observe("ins.jsonl", Record("Inspection", entity("Inspection", 3), index=0, line=2))
        return [f.rule for fs in layer.finish().values() for f in fs if f.rule == "SE-CON-007"]

    assert reuse_findings({}) == ["SE-CON-007"]
    assert reuse_findings({1: {("useStatus",)}}) == []  # no stop known
    assert reuse_findings({2: {("useStatus",)}}) == []  # no return to use known


def test_findings_on_one_record_come_in_the_order_of_their_fields() -> None:
    # The inspection side took the lift's private owner for the user unit: name and code both disagree, found
    # in the order the rule lists them (name, code) and reported in the order of their pointers.
    owner_id = entity("UseRegistration", 0)["propertyUnitCode"]
    person = equipment(XX_GOODS_LIFT, userUnitCode=owner_id, userUnitName="向建国")
    found = reconciled([("UseRegistration", entity("UseRegistration", 0))], [("Equipment", person)])
    assert [(f.rule, f.index, f.pointer) for f in found if f.file == "ins.jsonl"] == [
        ("SE-CON-005", 0, "/records/0/data/userUnitCode"),
        ("SE-CON-005", 0, "/records/0/data/userUnitName"),
    ]


def _reuse_confirmed(by_status: dict[str, str], status: str) -> Any:
    """The spec as it would be once TSG 08-2026's text is read: SE-CON-007's version of ``status``, with
    ``by_status`` as the rule's severity per status."""
    rule = SPEC.rules["SE-CON-007"].model_copy(update={"severity_by_status": by_status})
    params = SPEC.rule_parameters["SE-CON-007"]
    texts = [t.model_copy(update={"status": status}) for t in params.texts]
    parameters = {**SPEC.rule_parameters, "SE-CON-007": params.model_copy(update={"texts": texts})}
    return dataclasses.replace(SPEC, rules={**SPEC.rules, "SE-CON-007": rule}, rule_parameters=parameters)


@pytest.mark.parametrize(("status", "severity"), [("CONFIRMED", "error"), ("PARTIAL", "warning")])
def test_a_finding_made_with_a_dated_version_has_the_severity_of_its_status(status: str, severity: str) -> None:
    assert SPEC.rules["SE-CON-007"].severity == "warning"  # the rule's own severity, without a status
    spec = _reuse_confirmed({"CONFIRMED": "error", "PARTIAL": "warning"}, status)
    layer = Reconciler(spec, dt.date(2026, 7, 1))
    layer.begin_file("reg.jsonl", "registration")
    layer.begin_file("ins.jsonl", "inspection")
    reg = [
        ("UseRegistration", entity("UseRegistration", 0)),
        ("StatusChange", status_change(XX_GOODS_LIFT, "2025-12-01", "3")),
        ("StatusChange", status_change(XX_GOODS_LIFT, "2026-06-01", "2")),
    ]
    for i, (t, d) in enumerate(reg):
        layer.observe("reg.jsonl", Record(t, d, index=i, line=i + 2))
    layer.observe("ins.jsonl", Record("Inspection", entity("Inspection", 3), index=0, line=2))
    found = [f for fs in layer.finish().values() for f in fs]
    (f,) = [f for f in found if f.rule == "SE-CON-007"]
    assert f.severity == severity
    assert all(g.severity == SPEC.rules[g.rule].severity for g in found if g is not f)  # no version: unchanged


def test_the_stand_alone_steps_fail_on_errors_unless_told(tmp_path: Path) -> None:
    ins = write(
        tmp_path / "ins.jsonl", "inspection-upload", [("Inspection", inspection(ZZ_ELEVATOR, "2026-03-10", None, "R1"))]
    )
    report = run_files(Reconciler(SPEC, TODAY), [], [ins])
    assert report.fail_on == "error" and [fr.fail_on for fr in report.files] == ["error"]
    assert [f.rule for f in report.files[0].findings] == ["SE-CON-002"]
    assert finish_reports([FileReport("reg.jsonl")], {}, SPEC).fail_on == "error"


def test_a_later_status_change_whose_status_cannot_be_read_leaves_the_scrapping_in_force() -> None:
    layer = Reconciler(SPEC, TODAY)
    layer.begin_file("reg.jsonl", "registration")
    layer.begin_file("ins.jsonl", "inspection")
    scrapped = status_change(XX_PASSENGER_LIFT, "2025-09-01", "4")
    unreadable = status_change(XX_PASSENGER_LIFT, "2025-09-20", "在用")  # failed the schema: no status known
    layer.observe("reg.jsonl", Record("StatusChange", scrapped, index=0, line=2))
    layer.observe("reg.jsonl", Record("StatusChange", unreadable, index=1, line=3), None, {("useStatus",)})
    after = inspection(XX_PASSENGER_LIFT, "2025-10-10", None, "R2")
    layer.observe("ins.jsonl", Record("Inspection", after, index=0, line=2))
    (f,) = [f for f in layer.finish()["ins.jsonl"] if f.rule == "SE-CON-003"]
    assert f.message.en.endswith(f"(Equipment code {XX_PASSENGER_LIFT}; status from StatusChange (2025-09-01))")


def test_a_files_findings_come_in_record_order_whatever_their_rules() -> None:
    # Record 0 disagrees with the registration (SE-CON-005), record 1 is of a device never registered
    # (SE-CON-002): the report follows the records, not the rule numbers.
    wrong = inspection(XX_GOODS_LIFT, "2026-02-01", "2027-01-31", "R1", registrationCertNo="梯12湘U00091(19)")
    unregistered = inspection(ZZ_ELEVATOR, "2026-02-01", "2027-01-31", "R2")
    found = reconciled(
        [("UseRegistration", entity("UseRegistration", 0))], [("Inspection", wrong), ("Inspection", unregistered)]
    )
    assert [(f.file, f.index, f.rule) for f in found] == [
        ("ins.jsonl", 0, "SE-CON-005"),
        ("ins.jsonl", 1, "SE-CON-002"),
    ]
