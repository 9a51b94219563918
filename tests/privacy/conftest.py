"""Shared material for the masking tests: sample messages of every type and format, and messages about individuals."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sedata import exchange as X
from sedata.codes import citizen_id
from sedata.sample.generator import sample_records
from sedata.spec import current
from sedata.validate.shapes import EntityShape, shapes

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SPEC = current()
FORMATS = ("json", "jsonl", "xml")
EXTENSION = {"json": ".json", "jsonl": ".jsonl", "xml": ".xml"}
MESSAGE_TYPES = tuple(SPEC.messages)
KEY = b"tests-privacy-key-0123456789abcdef"
OTHER_KEY = b"tests-privacy-key-fedcba9876543210"
# Valid unit codes of the example data set; the sender and receiver of every test message.
SENDER = "123506004885497331"
RECEIVER = "91433101772274167P"
# Individuals of the crafted messages (valid citizen IDs, python-stdnum and example test values).
OWNER_ID = "433122196507110334"
USER_ID = "11010519491231002X"
HOLDER_ID = "360426199101010071"
MOBILE = "13907438816"
CERTIFICATE_ID = "350602198603140371"  # the first example certificate (its holder's ID)


def entity_examples(entity: str) -> list[dict[str, Any]]:
    """The records of examples/entities/<entity>.json."""
    records: list[dict[str, Any]] = json.loads((EXAMPLES / "entities" / f"{entity}.json").read_text("utf-8"))
    return records


# Every (overlapping) 18-character window that could be a number; no other window can pass the check.
_WINDOW = re.compile(r"(?=([0-9]{17}[0-9Xx]))")


def valid_ids(text: str) -> set[str]:
    """Every 18-character window of ``text`` that the citizen-ID validator accepts (the test's own scan)."""
    return {w for w in _WINDOW.findall(text) if citizen_id.is_valid(w, legacy=False)}


def personal_values(entity: EntityShape, data: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(field, kind, value) of every element marked personal in ``data``, nested entities included."""
    every = shapes(SPEC)
    for name, value in data.items():
        field = entity.fields.get(name)
        if field is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            if field.entity is not None and isinstance(item, dict):
                yield from personal_values(every[field.entity], item)
            elif field.personal is not None and isinstance(item, str):
                yield name, field.personal, item


def strip_personal(entity: EntityShape, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without its personal elements (read from the validator's shapes, not from the masking plan)."""
    every = shapes(SPEC)
    out: dict[str, Any] = {}
    for name, value in data.items():
        field = entity.fields.get(name)
        if field is not None and field.personal is not None:
            continue
        if field is not None and field.entity is not None:
            nested = every[field.entity]
            items = [strip_personal(nested, v) for v in (value if isinstance(value, list) else [value])]
            value = items if isinstance(value, list) else items[0]
        out[name] = value
    return out


def write(path: Path, records: list[X.Record], message_type: str, mode: str = "changes") -> Path:
    """Write a message with the test sender and receiver (format from the extension)."""
    X.write(path, records, message_type=message_type, sender=SENDER, receiver=RECEIVER, mode=mode, sequence=3)
    return path


def _individual_records() -> dict[str, list[X.Record]]:
    """Records in which individuals act as units: an owner, a user, a licence holder's unit, related units."""
    registrations = entity_examples("UseRegistration")  # the first one has an individual owner (龙正华)
    user = dict(registrations[1])
    user.update(
        userUnitName="王建国",
        userUnitCode=USER_ID,
        userUnitAddress="北京市朝阳区酒仙桥北路9号院3号楼2单元501",
        useLocation="北京市朝阳区酒仙桥北路9号院地下车库",
        unitPhone=MOBILE,
        registrationCertNo="容15闽E00088(17)",
    )
    notice = entity_examples("ConstructionNotice")
    changes = [*registrations, user]
    units = entity_examples("Unit")
    person_unit = dict(units[0], unitCode=HOLDER_ID, unitName="陈国平", orgCode=None, unitPhone="0596-2035169")
    person_unit = {k: v for k, v in person_unit.items() if v is not None}
    person_unit["unitAddress"] = "福建省漳州市芗城区南昌中路32号5幢1201"
    equipment = entity_examples("Equipment")
    inspections = entity_examples("Inspection")

    def env(entity: str, data: dict[str, Any]) -> X.Record:
        return X.Record(entity, data, "add", X.record_key(entity, data), 1)

    return {
        "registration-download": [env("ConstructionNotice", n) for n in notice]
        + [env("UseRegistration", r) for r in changes]
        + [env("IdentifierChange", r) for r in entity_examples("IdentifierChange")]
        + [env("StatusChange", r) for r in entity_examples("StatusChange")],
        "licence-information": [env("Licence", r) for r in entity_examples("Licence")]
        + [env("Unit", u) for u in [*units, person_unit]]
        + [X.Record("Unit", None, "delete", HOLDER_ID, 2)],
        "inspection-upload": [env("Equipment", e) for e in equipment] + [env("Inspection", i) for i in inspections],
        "operator-certificate-upload": [env("OperatorCertificate", c) for c in entity_examples("OperatorCertificate")]
        + [X.Record("OperatorCertificate", None, "delete", CERTIFICATE_ID, 3)],
    }


@pytest.fixture(scope="session")
def messages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """name → path: sedata samples of every type and format, messages about individuals, and examples/messages."""
    folder = tmp_path_factory.mktemp("privacy-in")
    out: dict[str, Path] = {}
    for message_type in MESSAGE_TYPES:
        records = [r for r, _ in sample_records(message_type, 25, seed=7)]
        for fmt in FORMATS:
            name = f"sample-{message_type}{EXTENSION[fmt]}"
            out[name] = write(folder / name, records, message_type)
    for message_type, records in _individual_records().items():
        for fmt in FORMATS:
            name = f"individuals-{message_type}{EXTENSION[fmt]}"
            out[name] = write(folder / name, records, message_type)
    for path in sorted((EXAMPLES / "messages").iterdir()):
        out[f"example-{path.name}"] = path
    return out
