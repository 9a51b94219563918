"""Personal data (citizen IDs, names, phones) never appears unmasked in any rendering of a report."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sedata.codes import citizen_id
from sedata.validate import Report, validate_files
from sedata.validate.masking import mask
from sedata.validate.render import FORMATS, render
from sedata.validate.shapes import EntityShape, shapes

from .conftest import RECEIVER, SENDER, SPEC, sample, write_jsonl, write_sample

ROOT = Path(__file__).resolve().parents[2]
TOKEN = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{18}(?![0-9A-Za-z])")


def _personal(entity: EntityShape, data: dict[str, Any]) -> Iterator[str]:
    """Every personal value in a record's data, nested entities included."""
    all_shapes = shapes(SPEC)
    for name, value in data.items():
        field = entity.fields.get(name)
        if field is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            if field.entity is not None and isinstance(item, dict):
                yield from _personal(all_shapes[field.entity], item)
            elif field.personal is not None and isinstance(item, str):
                yield item


def _use_registration(tmp: Path) -> tuple[Path, list[dict[str, Any]]]:
    """A registration download whose people's data is wrong in ways that put it into findings."""
    examples = json.loads((ROOT / "examples" / "entities" / "UseRegistration.json").read_text("utf-8"))
    broken = dict(examples[0])
    broken["mobilePhone"] = "1390743881A"  # not a phone number: SE-SCH-002 shows the value
    broken["safetyManager"] = "向红梅" * 30  # too long: SE-SCH-002
    broken["formFiller"] = 12345  # wrong type: SE-SCH-003
    body = broken["propertyUnitCode"]
    broken["propertyUnitCode"] = body[:-1] + ("5" if body[-1] != "5" else "6")  # bad check digit: SE-COD-002
    envs = [
        {
            "recordType": "UseRegistration",
            "operation": "add",
            "recordKey": d["registrationCertNo"],
            "recordVersion": 1,
            "data": d,
        }
        for d in (broken, examples[1])
    ]
    path = write_jsonl(tmp / "登记.jsonl", envs, message_type="registration-download")
    return path, [e["data"] for e in envs]


@pytest.fixture(scope="module")
def report_and_values(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, set[str]]:
    tmp = tmp_path_factory.mktemp("personal")
    records = sample("operator-certificate-upload", 300, 3, 0.1)[0]
    certs = write_sample(tmp / "certs.xml", "operator-certificate-upload", "xml", records)
    registration, datas = _use_registration(tmp)
    values = {v for r in records if r.data for v in _personal(shapes(SPEC)[r.type], r.data)}
    values |= {v for d in datas for v in _personal(shapes(SPEC)["UseRegistration"], d)}
    return validate_files([certs, registration]), values


def test_the_report_does_show_the_records_with_personal_data(report_and_values: tuple[Report, set[str]]) -> None:
    report, _ = report_and_values
    rules = {f.rule for f in report.findings if f.record_type == "UseRegistration"}
    assert {"SE-SCH-002", "SE-SCH-003", "SE-COD-002"} <= rules
    phone = next(f for f in report.findings if f.element and f.element.field == "mobilePhone")
    assert phone.value == mask("1390743881A", "phone") == "139****881A"
    manager = next(f for f in report.findings if f.element and f.element.field == "safetyManager")
    assert manager.value == "向*"
    certs = [f for f in report.findings if f.record_type == "OperatorCertificate"]
    assert certs and all(f.key and "*" in f.key for f in certs)  # certificate numbers are citizen IDs


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_rendering_shows_personal_data(report_and_values: tuple[Report, set[str]], fmt: str, lang: str) -> None:
    report, values = report_and_values
    text = render(report, fmt, lang)
    tokens = TOKEN.findall(text)
    assert tokens, "the scan must see the 18-character codes (masked IDs, USCCs)"
    leaked = [t for t in tokens if citizen_id.is_valid(t)]
    assert leaked == []
    assert values
    # The header names sender and receiver by USCC (not personal); the example user unit is the receiver.
    shown = [v for v in values - {SENDER, RECEIVER} if len(v) > 1 and v in text]
    assert shown == []


def test_reports_mask_each_kind_as_the_spec_report_profile_does() -> None:
    from sedata.privacy import mask_value

    privacy = SPEC.privacy
    assert privacy is not None and privacy.report_profile == "share"
    profile = privacy.by_id[privacy.report_profile]
    for kind, how in profile.kinds.items():
        assert how.examples, kind
        for example in how.examples:  # the spec's own examples, e.g. an address cut at its county
            assert mask(example.value, kind) == example.masked == mask_value(kind, example.value, "share")
    assert (
        mask("湖南省湘西土家族苗族自治州吉首市乾州街道世纪大道196号", "address") == "湖南省湘西土家族苗族自治州吉首市*"
    )
    assert mask("胜利西路88号", "address") == "*"  # no division to keep: nothing is shown
