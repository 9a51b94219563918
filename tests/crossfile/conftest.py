"""Small hand-made messages for the cross-record and consistency layers, from the example records.

The records are those of examples/entities (realistic 漳州 and 湘西 devices, units and inspections, valid codes),
copied and changed where a case needs it, and written with ``sedata.exchange.write`` like any exchange file.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from sedata import exchange as X
from sedata.spec import current

SPEC = current()
ENTITIES = Path(__file__).resolve().parents[2] / "examples" / "entities"

# Parties of the example data set (examples/build_messages.py): made-up codes with valid check digits.
ZHANGZHOU_SAMR = "11350600003654173F"  # 漳州市市场监督管理局
ZHANGZHOU_INSPECTION = "123506004885497331"  # 福建省特种设备检验研究院漳州分院
XIANGXI_SAMR = "11433100007105235D"  # 湘西土家族苗族自治州市场监督管理局
NATIONAL_SAMR = "11110000MB0L5K3A21"  # 国家市场监督管理总局

PARTIES = {
    "inspection-upload": (ZHANGZHOU_INSPECTION, ZHANGZHOU_SAMR),
    "registration-download": (ZHANGZHOU_SAMR, ZHANGZHOU_INSPECTION),
    "accident-report": (XIANGXI_SAMR, NATIONAL_SAMR),
    "licence-information": (NATIONAL_SAMR, ZHANGZHOU_SAMR),
    "operator-certificate-upload": (ZHANGZHOU_SAMR, NATIONAL_SAMR),
}

# The example devices by name (examples/entities/Equipment.json).
ZZ_ELEVATOR = "311010523201500318"  # 漳州 曳引驱动乘客电梯, 梯11闽E3622(16)
XX_GOODS_LIFT = "312043310020190010"  # 湘西 曳引驱动载货电梯, 梯12湘U00019(19)
XX_PASSENGER_LIFT = "311010617201600452"  # 湘西 曳引驱动乘客电梯, scrapped 2025-09-01
ZZ_AIR_TANK = "215010890201500098"  # 漳州 空气储罐 (第二类压力容器)


def entity(name: str, index: int, **changes: Any) -> dict[str, Any]:
    """A copy of examples/entities/<name>.json[index] with ``changes`` applied (None removes a member)."""
    records: list[dict[str, Any]] = json.loads((ENTITIES / f"{name}.json").read_text("utf-8"))
    data = copy.deepcopy(records[index])
    for k, v in changes.items():
        if v is None:
            data.pop(k, None)
        else:
            data[k] = v
    return data


def equipment(code: str, **changes: Any) -> dict[str, Any]:
    """The example Equipment record of device ``code``."""
    records: list[dict[str, Any]] = json.loads((ENTITIES / "Equipment.json").read_text("utf-8"))
    index = next(i for i, r in enumerate(records) if r["equipmentCode"] == code)
    return entity("Equipment", index, **changes)


def inspection(code: str, date: str, next_date: str | None, report_no: str, **changes: Any) -> dict[str, Any]:
    """A 定期检验 of device ``code`` on ``date`` (the 漳州 elevator's example inspection, re-targeted)."""
    eq = equipment(code)
    data = entity(
        "Inspection",
        0,
        reportNo=report_no,
        equipmentCode=code,
        equipmentKind=eq["equipmentKind"],
        registrationCode=eq.get("registrationCode"),
        registrationCertNo=eq.get("registrationCertNo"),
        inspectionDate=date,
        nextInspectionDate=next_date,
    )
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def status_change(code: str, date: str, use_status: str, registration_status: str | None = None) -> dict[str, Any]:
    """A StatusChange of device ``code``."""
    data = {"equipmentCode": code, "changeDate": date, "useStatus": use_status, "changeReason": "使用单位申请变更状态"}
    if registration_status is not None:
        data["registrationStatus"] = registration_status
    return data


def write(
    path: Path,
    message_type: str,
    records: list[tuple[str, dict[str, Any]]] | list[X.Record],
    mode: str = "snapshot",
) -> Path:
    """Write ``records`` ((record type, data) pairs or Records) as a message of ``message_type``; return the path."""
    sender, receiver = PARTIES[message_type]
    items = [
        r if isinstance(r, X.Record) else change(r[0], r[1], 1, "add") if mode == "changes" else X.Record(r[0], r[1])
        for r in records
    ]
    X.write(path, items, message_type=message_type, sender=sender, receiver=receiver, mode=mode)
    return path


def change(record_type: str, data: dict[str, Any], version: int, operation: str = "update") -> X.Record:
    """A change-set record keyed by its business key."""
    return X.Record(record_type, data, operation, X.record_key(record_type, data), version)
