"""Messages that tell the sender what to do (issue 12): nearest codes, formats in words, Chinese reports in Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sedata.validate import Report, validate_files
from sedata.validate.hints import format_words, nearest_codes
from sedata.validate.render import FORMATS, render

from .conftest import SPEC

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "messages"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    tmp = tmp_path_factory.mktemp("hints")
    text = (EXAMPLES / "inspection-upload.jsonl").read_text("utf-8")
    text = text.replace('"inspectionKind":"定期检验"', '"inspectionKind":"定其检验"')
    text = text.replace('"registrationCertNo":"梯11闽E3622(16)"', '"registrationCertNo":"梯11闽e3622(16)"')
    text = text.replace('"equipmentVariety":"3110"', '"equipmentVariety":"3111"')
    path = tmp / "hints.jsonl"
    path.write_text(text, "utf-8")
    return validate_files([path, tmp / "missing.xml"])


def _one(report: Report, field: str) -> tuple[str, str]:
    f = next(f for f in report.findings if f.element is not None and f.element.field == field)
    return f.message.zh, f.message.en


def test_a_code_not_in_its_set_names_the_nearest_codes_and_the_command(report: Report) -> None:
    zh, en = _one(report, "inspectionKind")
    assert "最接近的代码：定期检验" in zh and "sedata spec show inspection-kind" in zh
    assert "nearest: 定期检验 Periodic inspection" in en and "all codes: sedata spec show inspection-kind" in en
    zh, en = _one(report, "equipmentVariety")
    assert "最接近的代码：3110（曳引驱动乘客电梯）" in zh and "sedata spec show equipment-catalogue" in en


def test_nearest_codes_are_allowed_codes_and_none_when_nothing_is_close() -> None:
    domain = SPEC.domains[next(e for e, el in SPEC.elements.items() if el.key == "inspection_kind")]
    assert domain.codes is not None
    near = nearest_codes(SPEC, domain, "定其检验")
    assert near[0][0] == "定期检验" and all(code in domain.codes for code, _, _ in near)
    assert nearest_codes(SPEC, domain, "periodic inspection")[0][0] == "定期检验"  # English names count too
    assert nearest_codes(SPEC, domain, "☃") == ()


def test_a_pattern_failure_is_explained_in_words(report: Report) -> None:
    zh, en = _one(report, "registrationCertNo")
    assert "类别字+品种代码第2、3位" in zh and "例如 梯11闽E3622(16)" in zh
    assert "Category character + digits 2-3" in en
    for text in (zh, en):
        assert not re.search(r"\[[^\]]*-[^\]]*\]|\{[0-9,]+\}", text), text  # no character class or repetition


def test_format_words() -> None:
    assert (
        format_words("n4").zh == "4 位数字（n4）" and format_words("an..20").en == "up to 20 letters or digits (an..20)"
    )
    assert format_words("YYYY-MM-DD").en == "YYYY-MM-DD"


# Words of the English report that must not appear in the Chinese one (data, ids and commands aside).
ENGLISH = re.compile(
    r"\b(error|errors|warning|warnings|notes?|info|stopped|broken|unreadable|finding|findings|valid|invalid|"
    r"summary|total|verdict|line|column|nearest|rules not checked|file|format|the)\b"
)


def test_the_chinese_text_report_is_chinese(report: Report) -> None:
    text = render(report, "text", "zh")
    text = re.sub(r"No such file or directory", "", text)  # the operating system's words, not the report's
    # Leave out what is data or notation: paths, pointers, record notation, commands, format names.
    text = re.sub(r"/[^\s，,：]*|records\[\d+\]|sedata spec show \S+|\((?:json|jsonl|xml)\)", "", text)
    assert ENGLISH.findall(text) == []
    assert "提前停止：无法读取文件" in text and "第 3 行第" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_carries_the_hints(report: Report, fmt: str) -> None:
    assert "sedata spec show inspection-kind" in render(report, fmt, "en")
