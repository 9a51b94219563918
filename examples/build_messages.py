"""Write the example messages in examples/messages/ from the entity examples, with sedata's own writer.

Run from the checkout: ``python examples/messages/build.py``. Every message is written in JSON, JSON
Lines and XML (one canonical message, so the three files carry the same digest). Headers are fixed
(message id, creation time, sequence) so the files only change when the records or the writer do.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sedata import exchange as X

HERE = Path(__file__).resolve().parent / "messages"
ENTITIES = HERE.parent / "entities"
CST = X.CHINA_STANDARD_TIME

# Supervision offices and platforms of the example data set. The USCCs are made up (机关 codes 11…),
# with correct check digits for the code and the embedded 组织机构代码, like those in examples/entities.
ZHANGZHOU_SAMR = "11350600003654173F"  # 漳州市市场监督管理局
ZHANGZHOU_INSPECTION = "123506004885497331"  # 福建省特种设备检验研究院漳州分院 (Unit.json)
JISHOU_SAMR = "1143310100718261X3"  # 吉首市市场监督管理局
XIANGXI_SAMR = "11433100007105235D"  # 湘西土家族苗族自治州市场监督管理局
FUJIAN_SAMR = "11350000003624150X"  # 福建省市场监督管理局 (province platform)
# 国家市场监督管理总局 (national platform). Made up in 110000: central-level codes with 100000 in
# positions 3-8 are not in GB/T 2260 and their use is unconfirmed, so sedata.codes rejects them.
NATIONAL_SAMR = "11110000MB0L5K3A21"


def entity(name: str, index: int) -> dict[str, Any]:
    """One record of examples/entities/<name>.json."""
    records: list[dict[str, Any]] = json.loads((ENTITIES / f"{name}.json").read_text("utf-8"))
    return records[index]


def change(name: str, index: int, operation: str, version: int, data: dict[str, Any] | None = None) -> X.Record:
    """A change-set record of an entity example, keyed by its business key."""
    record = data if data is not None else entity(name, index)
    return X.Record(name, record, operation, X.record_key(name, record), version)


def first_accident_report() -> dict[str, Any]:
    """The 快报 of the 吉首 entrapment, sent while the passengers were still trapped (the 续报 is the example)."""
    full = entity("Accident", 0)
    quick = {k: v for k, v in full.items() if k not in ("strandedHours", "accidentCause")}
    quick["accidentSummary"] = (
        "2025年6月1日14时30分，1号客梯在上行途中停梯，3名乘客被困轿厢内，维保单位正赶赴现场救援。"
    )
    quick["reportedAt"] = "2025-06-01T14:52:00+08:00"
    return quick


MESSAGES: dict[str, dict[str, Any]] = {
    "inspection-upload": {
        "sender": ZHANGZHOU_INSPECTION,
        "receiver": ZHANGZHOU_SAMR,
        "sequence": 318,
        "mode": "changes",
        "message_id": "5b0f3c2e-8d41-4a6b-9f27-1c3e5d7a9b01",
        "created_at": dt.datetime(2026, 3, 11, 2, 0, 0, tzinfo=CST),
        # The night after the 漳州 elevator's periodic inspection: the inspection, the device's new next
        # inspection date, and the withdrawal of a commissioned (委托) report uploaded by mistake, since
        # commissioned inspections must not enter the supervision system.
        "records": [
            change("Equipment", 0, "update", 3),
            change("Inspection", 0, "add", 1),
            X.Record("Inspection", None, "delete", "ZZ2026WTJ00012", 2),
        ],
    },
    "registration-download": {
        "sender": ZHANGZHOU_SAMR,
        "receiver": ZHANGZHOU_INSPECTION,
        "sequence": 57,
        "mode": "snapshot",
        "message_id": "0e7d2a94-3b6c-4f81-a5d2-7c9e1b4f6a28",
        "created_at": dt.datetime(2025, 3, 13, 2, 0, 0, tzinfo=CST),
        # A full download of what the 漳州 office holds for the inspection body's devices.
        "records": [
            X.Record("ConstructionNotice", entity("ConstructionNotice", 0)),
            X.Record("UseRegistration", entity("UseRegistration", 1)),
            X.Record("IdentifierChange", entity("IdentifierChange", 1)),
            X.Record("StatusChange", entity("StatusChange", 0)),
        ],
    },
    "operator-certificate-upload": {
        "sender": FUJIAN_SAMR,
        "receiver": NATIONAL_SAMR,
        "sequence": 12,
        "mode": "snapshot",
        "message_id": "9c41e6b8-2f5a-4d07-8e3b-6a1f0c7d5e92",
        "created_at": dt.datetime(2026, 4, 30, 23, 30, 0, tzinfo=CST),
        "records": [X.Record("OperatorCertificate", entity("OperatorCertificate", i)) for i in (0, 3)],
    },
    "accident-report": {
        "sender": JISHOU_SAMR,
        "receiver": XIANGXI_SAMR,
        "sequence": 7,
        "mode": "changes",
        "message_id": "d3a8f1c5-6e29-4b7a-8c04-5f2e9a1b7d63",
        "created_at": dt.datetime(2025, 6, 1, 17, 10, 0, tzinfo=CST),
        "records": [
            change("Accident", 0, "add", 1, first_accident_report()),
            change("Accident", 0, "update", 2),
        ],
    },
    "licence-information": {
        "sender": NATIONAL_SAMR,
        "receiver": ZHANGZHOU_SAMR,
        "sequence": 5,
        "mode": "snapshot",
        "message_id": "71b9c4e2-5a8d-4f36-b1e7-3d6c8a2f0e45",
        "created_at": dt.datetime(2026, 1, 5, 9, 0, 0, tzinfo=CST),
        "records": [
            X.Record("Licence", entity("Licence", 0)),
            X.Record("Licence", entity("Licence", 1)),
            X.Record("Unit", entity("Unit", 3)),
        ],
    },
}


def build(folder: Path = HERE) -> list[Path]:
    """Write every example message in the three formats into ``folder``; return the files written."""
    written = []
    for message_type, spec in MESSAGES.items():
        header = X.new_header(
            message_type,
            spec["sender"],
            spec["receiver"],
            spec["sequence"],
            spec["mode"],
            message_id=spec["message_id"],
            created_at=spec["created_at"],
        )
        for ext in ("json", "jsonl", "xml"):
            path = folder / f"{message_type}.{ext}"
            X.write(path, spec["records"], header=header)
            written.append(path)
    return written


if __name__ == "__main__":
    for path in build():
        print(f"wrote {path.relative_to(HERE.parent.parent)}")
