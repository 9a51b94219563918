"""Every rule of spec/rules has templates in both languages, and each one fires with its template filled.

The cases below are the smallest files that make each automatic rule fire; a rule added to the spec
without a case here fails ``test_every_automatic_rule_has_a_case``.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sedata import exchange as X
from sedata.validate import LAYERS, Text, validate_file
from sedata.validate.context import FileContext, MissingPlaceholder, render

from .conftest import HEADER_FIELDS, SPEC, doubtful, envelope, sample, write_jsonl, write_sample

_FORMATTER = string.Formatter()


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in _FORMATTER.parse(template) if name is not None}


def _records() -> tuple[X.Record, ...]:
    # Seed 10: records[2] is an elevator (梯32…) and records[3] its Inspection, as the builders below expect.
    return sample("inspection-upload", 6, 10, 0.0)[0]


def _envs() -> list[dict[str, Any]]:
    return [envelope(r) for r in _records()]


def _jsonl(tmp: Path, envs: list[dict[str, Any]], **kw: Any) -> Path:
    return write_jsonl(tmp / "case.jsonl", envs, **kw)


def _written(tmp: Path, fmt: str) -> Path:
    return write_sample(tmp / f"case.{fmt}", "inspection-upload", fmt, _records())


def _syn_002(tmp: Path) -> Path:
    path = _written(tmp, "jsonl")
    path.write_bytes(path.read_bytes().replace("检验".encode(), b"\xff\xfe", 1))
    return path


def _syn_004(tmp: Path) -> Path:
    path = _written(tmp, "xml")
    text = path.read_text("utf-8")
    path.write_text(text.replace("?>", "?>\n<!DOCTYPE x>", 1), "utf-8")
    return path


def _syn_005(tmp: Path) -> Path:
    path = _written(tmp, "jsonl")
    path.write_bytes(path.read_bytes()[:-30])
    return path


def _syn_008(tmp: Path) -> Path:
    path = _written(tmp, "jsonl")
    path.write_text("".join(path.read_text("utf-8").splitlines(keepends=True)[:-1]), "utf-8")
    return path


def _syn_009(tmp: Path) -> Path:
    path = _written(tmp, "jsonl")
    path.write_text(path.read_text("utf-8").replace('"定期检验"', '"首次检验"', 1), "utf-8")
    return path


def _syn_010(tmp: Path) -> Path:
    path = _written(tmp, "xml")
    path.write_bytes(path.read_bytes() + b"<InspectionUpload/>")
    return path


def _syn_011(tmp: Path) -> Path:
    path = _written(tmp, "json")
    text = path.read_text("utf-8")
    path.write_text(text.replace('"records":[', '"records":[' + "[" * 100 + "]" * 100 + ",", 1), "utf-8")
    return path


def _data(index: int, name: str, value: Any) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        envs = _envs()
        if value is None:
            del envs[index]["data"][name]
        else:
            envs[index]["data"][name] = value
        return _jsonl(tmp, envs)

    return build


def _cod_002(tmp: Path) -> Path:
    envs = _envs()
    code = envs[0]["data"]["userUnitCode"]
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    envs[0]["data"]["userUnitCode"] = code[:-1] + alphabet[(alphabet.index(code[-1]) + 1) % len(alphabet)]
    return _jsonl(tmp, envs)


def _sch_005(tmp: Path) -> Path:
    envs = _envs()
    envs[0]["recordType"] = "Unit"
    return _jsonl(tmp, envs)


def _sch_006(tmp: Path) -> Path:
    envs = _envs()
    del envs[1]["recordKey"]
    return _jsonl(tmp, envs)


def _sch_007(tmp: Path) -> Path:
    envs = _envs()
    envs[1]["recordKey"] = "JY000"
    return _jsonl(tmp, envs)


def _missing(tmp: Path) -> Path:
    return tmp / "no-such-file.xml"


def _write(content: bytes) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        path = tmp / "case.jsonl"
        path.write_bytes(content)
        return path

    return build


def _inspection(**changes: Any) -> Callable[[Path], Path]:
    """The sample's elevator Inspection (records[3], kind 3000) with ``changes`` to its data."""

    def build(tmp: Path) -> Path:
        envs = _envs()
        envs[3]["data"].update(changes)
        return _jsonl(tmp, envs)

    return build


def _biz_001(tmp: Path) -> Path:
    envs = _envs()
    data = envs[2]["data"]  # an elevator (variety 3320) with certificate 梯32…
    data["registrationCertNo"] = data["registrationCertNo"].replace("梯32", "梯31", 1)
    return _jsonl(tmp, envs)


def _biz_006(tmp: Path) -> Path:
    # domain.md §6 worked example: 2 deaths + 12 serious injuries is 较大事故, not 一般事故.
    envs = [envelope(r) for r in sample("accident-report", 2, 11, 0.0)[0]]
    envs[1]["data"].update({"deaths": 2, "seriousInjuries": 12, "accidentGrade": "一般事故"})
    return _jsonl(tmp, envs, message_type="accident-report")


def _biz_007(tmp: Path) -> Path:
    envs = [envelope(r) for r in sample("operator-certificate-upload", 2, 11, 0.0)[0]]
    issued = envs[0]["data"]["issueDate"]
    envs[0]["data"]["expiryDate"] = f"{int(issued[:4]) + 3}{issued[4:]}"
    return _jsonl(tmp, envs, message_type="operator-certificate-upload")


def _biz_010(tmp: Path) -> Path:
    envs = _envs()
    return _jsonl(tmp, [*envs, envs[3]])


def _cod_004(tmp: Path) -> Path:
    # A header that declares the package masked, over operator certificates whose holder IDs are whole.
    envs = [envelope(r) for r in sample("operator-certificate-upload", 2, 11, 0.0)[0]]
    masked = {HEADER_FIELDS.by_key("masking_profile").name: "share"}
    return write_jsonl(tmp / "case.jsonl", envs, message_type="operator-certificate-upload", header=masked)


CASES: dict[str, Callable[[Path], Path]] = {
    "SE-SYN-001": _missing,
    "SE-SYN-002": _syn_002,
    "SE-SYN-003": _write(b"not a message\n"),
    "SE-SYN-004": _syn_004,
    "SE-SYN-005": _syn_005,
    "SE-SYN-006": _write(b'{"header": {"specVersion": "1.0.0"}}\n'),
    "SE-SYN-007": lambda tmp: _jsonl(tmp, _envs(), header={"specVersion": "0.9.0"}),
    "SE-SYN-008": _syn_008,
    "SE-SYN-009": _syn_009,
    "SE-SYN-010": _syn_010,
    "SE-SYN-011": _syn_011,
    "SE-SCH-001": _data(0, "productName", None),
    "SE-SCH-002": _data(0, "manufactureDate", "2023-02-30"),
    "SE-SCH-003": _data(0, "designLifeYears", "20"),
    "SE-SCH-004": _data(0, "colour", "红"),
    "SE-SCH-005": _sch_005,
    "SE-SCH-006": _sch_006,
    "SE-SCH-007": _sch_007,
    "SE-COD-001": _data(0, "useStatus", "8"),
    "SE-COD-002": _cod_002,
    # The example whose certificate uses the UNCONFIRMED category character 容 (a PARTIAL rule).
    "SE-COD-003": doubtful,
    "SE-COD-004": _cod_004,
    "SE-BIZ-001": _biz_001,
    "SE-BIZ-002": _inspection(inspectionConclusion="符合要求"),
    "SE-BIZ-003": _inspection(inspectionDate="2024-05-01", nextInspectionDate="2024-05-01"),
    "SE-BIZ-004": _inspection(inspectionDate="2023-05-01", nextInspectionDate="2024-05-02"),
    "SE-BIZ-005": _inspection(
        equipmentKind="9000", equipmentVariety="9110", inspectionDate="2024-05-01", nextInspectionDate="2026-05-01"
    ),
    "SE-BIZ-006": _biz_006,
    "SE-BIZ-007": _biz_007,
    "SE-BIZ-008": _inspection(inspectionNature="委托"),
    "SE-BIZ-009": _inspection(inspectionDate="2999-01-01", nextInspectionDate="3000-01-01"),
    "SE-BIZ-010": _biz_010,
}


def test_every_rule_has_both_templates_with_the_same_placeholders() -> None:
    assert SPEC.rules
    allowed = {"name", "element", "value", "expected", "detail"}
    for rule in SPEC.rules.values():
        assert rule.message.zh.strip() and rule.message.en.strip(), rule.id
        assert rule.name.zh.strip() and rule.name.en.strip(), rule.id
        zh, en = _placeholders(rule.message.zh), _placeholders(rule.message.en)
        assert zh == en, rule.id
        assert zh <= allowed, f"{rule.id} uses a placeholder no layer fills: {sorted(zh - allowed)}"
        assert re.search(r"[一-鿿]", rule.message.zh), f"{rule.id}: the zh template is not Chinese"


def test_every_automatic_rule_has_a_case() -> None:
    automatic = {r.id for r in SPEC.rules.values() if r.check == "automatic" and SPEC.rule_layers[r.id] in LAYERS}
    assert set(CASES) == automatic


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_each_rule_fires_with_its_template_filled(rule_id: str, tmp_path: Path) -> None:
    report = validate_file(CASES[rule_id](tmp_path))
    fired = [f for f in report.findings if f.rule == rule_id]
    assert fired, [f.rule for f in report.findings]
    rule = SPEC.rules[rule_id]
    for f in fired:
        assert f.severity == rule.severity and f.layer == SPEC.rule_layers[rule_id]
        for lang in ("zh", "en"):
            text = f.message.get(lang)
            for name in rule.placeholders:
                assert "{" + name + "}" not in text, (rule_id, lang, text)
        # The literal parts of each template appear in the message, in order.
        for lang, template in (("zh", rule.message.zh), ("en", rule.message.en)):
            pieces = [lit for lit, _, _, _ in _FORMATTER.parse(template) if lit]
            at = 0
            for piece in pieces:
                at = f.message.get(lang).index(piece, at) + len(piece)
        if {"name", "element"} & rule.placeholders:
            assert f.element is not None and f.element.id in f.message.zh and f.element.id in f.message.en


def test_a_placeholder_left_unfilled_is_an_error_not_a_blank() -> None:
    rule = SPEC.rules["SE-SCH-002"]
    with pytest.raises(MissingPlaceholder):
        render(rule, {"name": Text("设备代码", "Equipment code")})
    ctx = FileContext(SPEC, "x.jsonl")
    with pytest.raises(MissingPlaceholder):
        ctx.finding("SE-SYN-008", value="1")  # "expected" is missing


def test_values_are_not_read_as_format_directives() -> None:
    rule = SPEC.rules["SE-SCH-002"]
    params = {
        k: Text(v, v) for k, v in {"name": "{0}", "element": "SE.X", "value": "{value}", "expected": "a{2}"}.items()
    }
    message = render(rule, params)
    assert "{value}" in message.zh and "{0}" in message.en and "a{2}" in message.en
