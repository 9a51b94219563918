"""SE-CON: registration data against inspection data — every category fires when it should and only then."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from sedata.validate.layers.consistency import Reconciler, params, reconcile
from sedata.validate.report import Finding, Report

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

# The 湘西 goods lift's periodic inspection (不合格) and its re-inspection (复检合格), next due 2026-05-19;
# the 漳州 air tank's first periodic inspection, next due 2026-10-14 (examples/entities/Inspection.json).
LIFT_INSPECTIONS = [("Inspection", entity("Inspection", 2)), ("Inspection", entity("Inspection", 3))]
TANK_INSPECTION = ("Inspection", entity("Inspection", 1))


def registrations(tmp_path: Path, *extra: tuple[str, dict[str, Any]], name: str = "reg.jsonl") -> Path:
    """The 漳州 office's download: the goods lift's and the air tank's 使用登记, and ``extra`` records."""
    records = [("UseRegistration", entity("UseRegistration", 0)), ("UseRegistration", entity("UseRegistration", 1))]
    return write(tmp_path / name, "registration-download", [*records, *extra])


def inspections(
    tmp_path: Path, *records: tuple[str, dict[str, Any]], name: str = "ins.jsonl", base: bool = True
) -> Path:
    """The inspection bodies' upload: both devices with their inspections (``base``), then ``records``."""
    head: list[tuple[str, dict[str, Any]]] = []
    if base:
        head = [
            ("Equipment", equipment(XX_GOODS_LIFT)),
            *LIFT_INSPECTIONS,
            ("Equipment", equipment(ZZ_AIR_TANK)),
            TANK_INSPECTION,
        ]
    return write(tmp_path / name, "inspection-upload", [*head, *records])


def run(reg: list[Path], ins: list[Path], today: dt.date = TODAY) -> list[Finding]:
    report = reconcile(reg, ins, today=today)
    return report.findings


def only(findings: list[Finding], rule: str) -> Finding:
    hits = [f for f in findings if f.rule == rule]
    assert len(hits) == 1, [(f.rule, f.message.en) for f in findings]
    return hits[0]


def rules(findings: list[Finding]) -> list[str]:
    return sorted(f.rule for f in findings)


def test_consistent_data_gives_no_finding(tmp_path: Path) -> None:
    report = reconcile([registrations(tmp_path)], [inspections(tmp_path)], today=TODAY)
    assert report.findings == [] and report.valid
    (reg, ins) = report.files
    assert reg.records == 2 and ins.records == 5 and reg.format == "jsonl"
    # Rules of other layers are not part of a reconciliation: reported so, never as passed.
    assert "SE-BIZ-001" in reg.not_checked and "SE-CON-001" not in reg.not_checked


# --- SE-CON-001 registered but never inspected ------------------------------------------------------------
def test_a_registered_device_without_inspection_is_reported_on_its_registration(tmp_path: Path) -> None:
    reg = registrations(tmp_path)
    ins = inspections(tmp_path, ("Equipment", equipment(XX_GOODS_LIFT)), *LIFT_INSPECTIONS, base=False)
    f = only(run([reg], [ins]), "SE-CON-001")
    assert f.file == str(reg) and f.index == 1 and f.line == 3
    assert f.pointer == "/records/1/data/equipmentCode" and f.value == ZZ_AIR_TANK
    assert f.record_type == "UseRegistration" and f.key == "容15闽E00087(17)"
    assert f.element is not None and f.element.id == "SE.EQP.0001"
    assert f.severity == "warning" and f.layer == "consistency"
    assert (
        "已登记，但检验数据中没有该设备的检验记录" in f.message.zh and "UseRegistration（2017-11-20）" in f.message.zh
    )
    assert "is registered but the inspection data holds no inspection of it" in f.message.en


def test_a_suspended_or_scrapped_device_needs_no_inspection(tmp_path: Path) -> None:
    ins = inspections(tmp_path, ("Equipment", equipment(XX_GOODS_LIFT)), *LIFT_INSPECTIONS, base=False)
    suspended = registrations(tmp_path, ("StatusChange", status_change(ZZ_AIR_TANK, "2024-11-30", "3", "1")))
    assert "SE-CON-001" not in rules(run([suspended], [ins]))
    cancelled = registrations(
        tmp_path, ("StatusChange", status_change(ZZ_AIR_TANK, "2024-11-30", "2", "3")), name="reg2.jsonl"
    )
    assert "SE-CON-001" not in rules(run([cancelled], [ins]))


def test_registered_by_an_equipment_snapshot_counts_too(tmp_path: Path) -> None:
    snapshot = write(tmp_path / "registry.xml", "inspection-upload", [("Equipment", equipment(ZZ_ELEVATOR))])
    f = only(run([snapshot], [inspections(tmp_path)]), "SE-CON-001")
    assert f.record_type == "Equipment" and f.key == ZZ_ELEVATOR and f.value == ZZ_ELEVATOR


# --- SE-CON-002 inspected but not registered --------------------------------------------------------------
def test_an_inspected_device_missing_from_the_registrations_is_reported_on_its_latest_inspection(
    tmp_path: Path,
) -> None:
    older = inspection(ZZ_ELEVATOR, "2025-03-11", "2026-03-10", "ZZ2025FTC00318")
    latest = entity("Inspection", 0)  # 2026-03-10, next 2027-03-09
    ins = inspections(tmp_path, ("Equipment", equipment(ZZ_ELEVATOR)), ("Inspection", latest), ("Inspection", older))
    f = only(run([registrations(tmp_path)], [ins], today=dt.date(2026, 4, 1)), "SE-CON-002")
    assert f.file == str(ins) and f.index == 6 and f.record_type == "Inspection" and f.key == "ZZ2026FTC00318"
    assert f.pointer == "/records/6/data/equipmentCode" and f.value == ZZ_ELEVATOR
    assert "最近一次检验 2026-03-10（定期检验）" in f.message.zh and "latest inspection 2026-03-10" in f.message.en
    assert f.severity == "warning"


def test_a_new_device_after_its_installation_inspection_is_not_yet_expected_registered(tmp_path: Path) -> None:
    installed = inspection(ZZ_ELEVATOR, "2026-02-20", None, "ZZ2026AZJ00001", inspectionKind="安装监督检验")
    ins = inspections(tmp_path, ("Inspection", installed))
    assert "SE-CON-002" not in rules(run([registrations(tmp_path)], [ins]))
    # Once a periodic inspection is the latest, the device must be registered.
    periodic = inspection(ZZ_ELEVATOR, "2027-02-20", "2028-02-19", "ZZ2027FTC00001")
    ins2 = inspections(tmp_path, ("Inspection", installed), ("Inspection", periodic), name="ins2.jsonl")
    assert "SE-CON-002" in rules(run([registrations(tmp_path)], [ins2], today=dt.date(2027, 3, 1)))


# --- SE-CON-003 inspected after 报废 / 注销 ----------------------------------------------------------------
def scrapped(tmp_path: Path, *later: tuple[str, dict[str, Any]]) -> Path:
    """Registrations with the 湘西 passenger lift registered, then scrapped and cancelled on 2025-09-01."""
    return registrations(
        tmp_path,
        ("IdentifierChange", entity("IdentifierChange", 0)),
        ("StatusChange", entity("StatusChange", 1)),  # useStatus 4 报废, registrationStatus 3 注销登记
        *later,
    )


def test_an_inspection_after_scrapping_is_reported(tmp_path: Path) -> None:
    after = inspection(XX_PASSENGER_LIFT, "2025-10-10", "2026-10-09", "XXTJ-DT-2025-0999")
    ins = inspections(tmp_path, ("Inspection", after))
    f = only(run([scrapped(tmp_path)], [ins]), "SE-CON-003")
    assert f.file == str(ins) and f.index == 5 and f.key == "XXTJ-DT-2025-0999"
    assert f.element is not None and f.element.id == "SE.ISP.0004" and f.value == "2025-10-10"
    assert f.pointer == "/records/5/data/inspectionDate"
    assert "设备状态为报废（SE.EQP.0016 = 4，2025-09-01 起），其后仍有检验" in f.message.zh
    assert "status is Scrapped (SE.EQP.0016 = 4, since 2025-09-01), yet it was inspected afterwards" in f.message.en
    assert "状态依据 StatusChange（2025-09-01）" in f.message.zh
    assert f.severity == "warning"


def test_an_inspection_before_scrapping_or_after_a_return_to_use_is_not_reported(tmp_path: Path) -> None:
    before = inspection(XX_PASSENGER_LIFT, "2025-05-10", "2026-05-09", "XXTJ-DT-2025-0200")
    ins = inspections(tmp_path, ("Inspection", before))
    assert "SE-CON-003" not in rules(run([scrapped(tmp_path)], [ins]))
    after = inspection(XX_PASSENGER_LIFT, "2025-10-10", "2026-10-09", "XXTJ-DT-2025-0999")
    back = ("StatusChange", status_change(XX_PASSENGER_LIFT, "2025-10-01", "2", "1"))
    ins2 = inspections(tmp_path, ("Inspection", after), name="ins2.jsonl")
    found = run([scrapped(tmp_path, back)], [ins2])
    assert "SE-CON-003" not in rules(found)


def test_a_scrapping_known_only_from_an_undated_record_cannot_date_it(tmp_path: Path) -> None:
    registry = write(
        tmp_path / "registry.xml",
        "inspection-upload",
        [("Equipment", equipment(XX_PASSENGER_LIFT, useStatus="4", registrationStatus="3"))],
    )
    after = inspection(XX_PASSENGER_LIFT, "2025-10-10", "2026-10-09", "XXTJ-DT-2025-0999")
    ins = inspections(tmp_path, ("Inspection", after), base=False)
    assert "SE-CON-003" not in rules(run([registry], [ins]))


# --- SE-CON-004 overdue ------------------------------------------------------------------------------------
def test_a_passed_next_inspection_date_without_a_later_inspection_is_overdue(tmp_path: Path) -> None:
    reg, ins = registrations(tmp_path), inspections(tmp_path)
    f = only(run([reg], [ins], today=dt.date(2026, 5, 20)), "SE-CON-004")
    assert f.file == str(ins) and f.index == 2 and f.key == "XXTJ-DT-2025-0431-F"
    assert f.element is not None and f.element.id == "SE.ISP.0007" and f.value == "2026-05-19"
    assert f.expected is not None and f.expected.zh == "2026-05-20"
    assert "已过（当前日期 2026-05-20），此后没有新的检验" in f.message.zh
    assert "设备代码 312043310020190010，最近一次检验 2025-06-11（复检）" in f.message.zh
    assert f.severity == "error"
    # On the due date itself the device is not overdue yet.
    assert "SE-CON-004" not in rules(run([reg], [ins], today=dt.date(2026, 5, 19)))


def test_a_later_inspection_clears_the_overdue_date(tmp_path: Path) -> None:
    newer = inspection(XX_GOODS_LIFT, "2026-05-10", "2027-05-09", "XXTJ-DT-2026-0120")
    # The newer inspection comes first in the file: the latest is chosen by date, not by position.
    ins = write(
        tmp_path / "ins.xml",
        "inspection-upload",
        [("Inspection", newer), ("Equipment", equipment(XX_GOODS_LIFT)), *LIFT_INSPECTIONS],
    )
    assert "SE-CON-004" not in rules(run([registrations(tmp_path)], [ins], today=dt.date(2026, 6, 1)))


def test_no_next_date_or_a_suspended_device_is_not_overdue(tmp_path: Path) -> None:
    no_next = inspection(XX_GOODS_LIFT, "2025-07-01", None, "XXTJ-DT-2025-0600")
    ins = inspections(tmp_path, ("Inspection", no_next))
    assert "SE-CON-004" not in rules(run([registrations(tmp_path)], [ins], today=dt.date(2026, 6, 1)))
    suspended = registrations(tmp_path, ("StatusChange", status_change(XX_GOODS_LIFT, "2026-01-10", "3")))
    found = run([suspended], [inspections(tmp_path, name="ins2.jsonl")], today=dt.date(2026, 6, 1))
    assert "SE-CON-004" not in rules(found)


# --- SE-CON-005 key fields disagree -------------------------------------------------------------------------
def test_a_different_user_unit_name_is_reported_with_both_values(tmp_path: Path) -> None:
    renamed = equipment(XX_GOODS_LIFT, userUnitName="湘西自治州峒河冷链物流有限公司")
    ins = inspections(tmp_path, ("Equipment", renamed), base=False)
    f = only(run([registrations(tmp_path)], [ins]), "SE-CON-005")
    assert f.file == str(ins) and f.index == 0 and f.record_type == "Equipment" and f.key == XX_GOODS_LIFT
    assert f.element is not None and f.element.id == "SE.UNT.0101"
    assert f.pointer == "/records/0/data/userUnitName"
    assert f.value == "湘西自治州峒河冷链物流有限公司"
    assert f.expected is not None and f.expected.zh == "湘西自治州峒河农产品物流有限公司"
    assert "检验数据为 湘西自治州峒河冷链物流有限公司，登记数据为 湘西自治州峒河农产品物流有限公司" in f.message.zh
    assert "登记数据：UseRegistration（2019-06-18）" in f.message.zh
    assert f.severity == "error"


def test_an_individual_users_code_and_name_are_masked_an_organisations_are_not(tmp_path: Path) -> None:
    # The inspection body took the lift's private owner (a citizen ID) for the user unit.
    owner_id = entity("UseRegistration", 0)["propertyUnitCode"]
    person = equipment(XX_GOODS_LIFT, userUnitCode=owner_id, userUnitName="向建国")
    ins = inspections(tmp_path, ("Equipment", person), base=False)
    found = {f.element.id: f for f in run([registrations(tmp_path)], [ins]) if f.element and f.rule == "SE-CON-005"}
    code, name = found["SE.UNT.0102"], found["SE.UNT.0101"]
    for f in (code, name):
        assert owner_id not in f.message.zh and owner_id not in f.message.en and "向建国" not in f.message.zh
    assert code.value is not None and "*" in code.value and name.value == "向*"
    # The registered user is a company: its USCC and name are no personal data and are shown whole.
    assert code.expected is not None and code.expected.zh == "91433101772274167P"
    assert name.expected is not None and name.expected.zh == "湘西自治州峒河农产品物流有限公司"


def test_a_certificate_number_from_the_latest_inspection_is_compared(tmp_path: Path) -> None:
    wrong = inspection(
        XX_GOODS_LIFT, "2026-02-01", "2027-01-31", "XXTJ-DT-2026-0033", registrationCertNo="梯12湘U00091(19)"
    )
    ins = inspections(tmp_path, ("Inspection", wrong))
    f = only(run([registrations(tmp_path)], [ins]), "SE-CON-005")
    assert f.record_type == "Inspection" and f.key == "XXTJ-DT-2026-0033" and f.index == 5
    assert f.element is not None and f.element.id == "SE.EQP.0003" and f.value == "梯12湘U00091(19)"


def test_statuses_are_compared_with_the_latest_status_change(tmp_path: Path) -> None:
    # The office suspended the goods lift; the inspection body still reports it in use.
    reg = registrations(tmp_path, ("StatusChange", status_change(XX_GOODS_LIFT, "2026-01-10", "3", "1")))
    f = only(run([reg], [inspections(tmp_path)]), "SE-CON-005")
    assert f.element is not None and f.element.id == "SE.EQP.0016"
    assert f.value == "2" and f.expected is not None and f.expected.zh == "3"
    assert "StatusChange（2026-01-10）" in f.message.zh


def test_the_latest_registration_wins(tmp_path: Path) -> None:
    # A change of registration (使用单位更名) after the first one: the inspection data has the new name.
    renamed = entity(
        "UseRegistration",
        0,
        registrationCategory="使用单位更名",
        registrationDate="2024-03-05",
        formDate="2024-03-01",
        registrationCertNo="梯12湘U00231(24)",
        userUnitName="湘西自治州峒河冷链物流有限公司",
    )
    reg = registrations(tmp_path, ("UseRegistration", renamed))
    current_side = equipment(
        XX_GOODS_LIFT, userUnitName="湘西自治州峒河冷链物流有限公司", registrationCertNo="梯12湘U00231(24)"
    )
    inspected = inspection(
        XX_GOODS_LIFT, "2025-06-11", "2026-05-19", "XXTJ-DT-2025-0431-F", registrationCertNo="梯12湘U00231(24)"
    )
    ins = inspections(tmp_path, ("Equipment", current_side), ("Inspection", inspected), base=False)
    assert "SE-CON-005" not in rules(run([reg], [ins]))
    stale = inspections(tmp_path, base=True, name="stale.jsonl")  # still the old name and certificate
    found = [f for f in run([reg], [stale]) if f.rule == "SE-CON-005"]
    assert sorted(f.element.id for f in found if f.element) == ["SE.EQP.0003", "SE.UNT.0101"]


# --- the run as a whole --------------------------------------------------------------------------------------
def test_files_and_records_in_any_order_give_the_same_findings(tmp_path: Path) -> None:
    late = inspection(XX_PASSENGER_LIFT, "2025-10-10", "2026-10-09", "XXTJ-DT-2025-0999")
    reg = scrapped(tmp_path, ("StatusChange", status_change(XX_GOODS_LIFT, "2026-01-10", "3", "1")))
    ins_a = inspections(tmp_path, ("Inspection", late), ("Equipment", equipment(ZZ_ELEVATOR)))
    ins_b = write(
        tmp_path / "b.xml", "inspection-upload", [("Inspection", entity("Inspection", 0)), *LIFT_INSPECTIONS[::-1]]
    )

    def summary(found: list[Finding]) -> list[tuple[str, str | None, str | None]]:
        return sorted((f.rule, f.value, f.element.id if f.element else None) for f in found)

    one = summary(run([reg], [ins_a, ins_b], today=dt.date(2026, 11, 1)))
    two = summary(run([reg], [ins_b, ins_a], today=dt.date(2026, 11, 1)))
    assert one == two
    assert {r for r, _, _ in one} == {"SE-CON-002", "SE-CON-003", "SE-CON-004", "SE-CON-005"}


def test_an_unreadable_file_is_reported_and_the_result_marked_incomplete(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-registrations.jsonl"
    report: Report = reconcile([missing], [inspections(tmp_path)], today=TODAY)
    assert report.unreadable
    bad = next(fr for fr in report.files if fr.file == str(missing))
    assert [f.rule for f in bad.findings] == ["SE-SYN-001"]
    good = next(fr for fr in report.files if fr.file != str(missing))
    # Without registrations every inspected device looks unregistered; the result says it is incomplete.
    assert {f.rule for f in good.findings} == {"SE-CON-002"}
    assert "SE-CON-001" in good.not_checked and "incomplete" in good.not_checked["SE-CON-001"].en
    assert "SE-CON-002" not in good.not_checked


def test_the_observe_hook_skips_values_that_failed_the_schema(tmp_path: Path) -> None:
    from sedata.exchange import Record

    layer = Reconciler(SPEC, TODAY)
    layer.begin_file("reg.jsonl", "registration")
    layer.begin_file("ins.jsonl", "inspection")
    layer.observe("reg.jsonl", Record("UseRegistration", entity("UseRegistration", 0), index=0, line=2))
    odd = equipment(XX_GOODS_LIFT, userUnitName="?")
    layer.observe("ins.jsonl", Record("Equipment", odd, index=0, line=2), None, {("userUnitName",)})
    layer.observe("ins.jsonl", Record("Inspection", entity("Inspection", 3), index=1, line=3))
    found = [f for fs in layer.finish().values() for f in fs]
    assert found == []


# --- the parameters ------------------------------------------------------------------------------------------
def test_every_code_in_the_parameters_is_in_its_code_set() -> None:
    p = params(SPEC)
    assert p.compared == ("SE.UNT.0101", "SE.UNT.0102", "SE.EQP.0003", "SE.EQP.0016", "SE.EQP.0017")
    assert p.retired == {"SE.EQP.0016": frozenset({"4"}), "SE.EQP.0017": frozenset({"3"})}
    assert p.exempt_kinds == {"SE.ISP.0002": frozenset({"安装监督检验"})}


@pytest.mark.parametrize(
    ("rule", "key", "value", "says"),
    [
        ("SE-CON-003", "retired", {"SE.EQP.0016": "8"}, "8 is not a code of SE.EQP.0016"),  # no use-status 8
        ("SE-CON-001", "registered_by", "Registration", "Registration is not an entity"),
        ("SE-CON-005", "elements", "SE.UNT.0101 SE.XXX.0001", "SE.XXX.0001 is not a data element"),
    ],
)
def test_parameters_the_spec_cannot_back_are_refused(rule: str, key: str, value: object, says: str) -> None:
    """The spec loader refuses them (with file and line: tests/test_spec_rule_schemas.py) from the typed model."""
    from sedata.spec.rule_params import schema_of

    schema = schema_of(rule)
    assert schema is not None
    typed = schema.parameters.model_validate({**SPEC.rules[rule].parameters, key: value})
    assert [m for _, m in typed.problems(SPEC)] == [says]


# --- SE-CON-007: back in use after a stop past the inspection validity (TSG 08-2026, from 2026-05-01) -------------
@pytest.mark.parametrize(
    ("stop", "reuse", "inspected", "fires"),
    [
        ("2025-12-01", "2026-06-01", None, True),  # the lift's validity ended 2026-05-19, nothing since
        ("2025-12-01", "2026-05-10", None, False),  # back in use while still valid
        ("2025-12-01", "2026-06-01", "2026-05-25", False),  # inspected again before the reuse
        ("2025-12-01", "2026-06-01", "2026-06-10", False),  # inspected after the reuse: the data cannot tell
        ("2026-07-01", "2026-06-01", None, False),  # stopped again after the reuse: not back in use
    ],
)
def test_a_device_back_in_use_after_its_validity_lapsed_needs_an_inspection_first(
    tmp_path: Path, stop: str, reuse: str, inspected: str | None, fires: bool
) -> None:
    reg = registrations(
        tmp_path,
        ("StatusChange", status_change(XX_GOODS_LIFT, stop, "3")),
        ("StatusChange", status_change(XX_GOODS_LIFT, reuse, "2")),
    )
    extra = [] if inspected is None else [("Inspection", inspection(XX_GOODS_LIFT, inspected, None, "JY-R1"))]
    found = [f for f in run([reg], [inspections(tmp_path, *extra)]) if f.rule == "SE-CON-007"]
    assert len(found) == (1 if fires else 0), [f.message.en for f in found]
    if fires:
        (f,) = found
        assert f.severity == "warning" and f.record_type == "StatusChange" and f.value == reuse
        assert f.expected is not None and f.expected.en == "2026-05-19"
        assert "TSG 08-2026" in f.message.en and "stopped 2025-12-01" in f.message.en


@pytest.mark.parametrize(("reuse", "fires"), [("2026-04-30", False), ("2026-05-01", True)])
def test_a_reuse_before_tsg_08_2026_applied_is_not_judged_by_it(tmp_path: Path, reuse: str, fires: bool) -> None:
    reg = registrations(
        tmp_path,
        ("StatusChange", status_change(ZZ_AIR_TANK, "2026-01-05", "3")),
        ("StatusChange", status_change(ZZ_AIR_TANK, reuse, "2")),
    )
    tank = ("Inspection", inspection(ZZ_AIR_TANK, "2024-04-01", "2026-04-01", "JY-T1"))
    found = run([reg], [inspections(tmp_path, ("Equipment", equipment(ZZ_AIR_TANK)), tank, base=False)])
    assert ("SE-CON-007" in rules(found)) is fires
