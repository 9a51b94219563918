"""Control and terminal-escape characters from the data never reach a terminal, a CI log or the XML as themselves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from sedata.validate import Report, validate_files
from sedata.validate.render import render
from sedata.validate.render.common import visible

from .conftest import write_jsonl

ROOT = Path(__file__).resolve().parents[2]
# Clear screen, bell, a CSI in its one-byte C1 form, a right-to-left override and NUL. (Lone surrogates
# are refused by the readers; visible() is checked on one below.)
HOSTILE = "\x1b[2J\x07\x9b31m\u202eevil\x00"
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\x00")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    tmp = tmp_path_factory.mktemp("escapes")
    certs = json.loads((ROOT / "examples" / "entities" / "OperatorCertificate.json").read_text("utf-8"))
    data = dict(certs[0], issueDate=HOSTILE, itemTable=HOSTILE, **{HOSTILE: 1})
    env = {"recordType": "OperatorCertificate", "operation": "add", "recordKey": data["certificateNo"]}
    env.update(recordVersion=1, data=data)
    path = tmp / "esc.jsonl"
    # json.dumps escapes the characters, so the file itself is valid UTF-8 JSON Lines holding them.
    write_jsonl(path, [env], message_type="operator-certificate-upload")
    return validate_files([path])


def test_the_characters_are_in_the_findings(report: Report) -> None:
    assert any("\x1b" in f.message.en for f in report.findings)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_text_shows_them_escaped(report: Report, lang: str) -> None:
    text = render(report, "text", lang)
    assert not any(c in text for c in RAW)
    assert "\\x1b[2J\\x07\\x9b31m\\u202eevil\\x00" in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_junit_is_xml_and_shows_them_escaped(report: Report, lang: str) -> None:
    text = render(report, "junit", lang)
    root = etree.fromstring(text.encode("utf-8"))
    failures = "\n".join(f.text or "" for f in root.iter("failure"))
    assert "\\x1b[2J" in failures and not any(c in text for c in RAW)


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_formats_keep_the_value_as_escapes(report: Report, fmt: str) -> None:
    text = render(report, fmt, "en")
    assert not any(c in text for c in RAW)
    assert any(HOSTILE in s for s in _strings(json.loads(text)))  # the data keeps the value itself


def _strings(data: object) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for k, v in data.items() for s in (k, *_strings(v))]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return []


def test_visible_leaves_ordinary_text() -> None:
    plain = "“设备代码”（SE.EQP.0001）的值 3110… 不是有效的 ✓ café"
    assert visible(plain) == plain
    assert visible("a\ud800\ufffeb\n") == "a\\ud800\\ufffeb\\x0a"
