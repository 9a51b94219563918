"""Syntax-layer behaviour the mutation run (bench/mutate.py) showed untested: the SE-SYN rule each reader error
class maps to (spec/rules: SE-SYN-001 file access, 003 not a well-formed message, 006 header), a subclass taking its
nearest listed base, and the count of records read whole that a truncated file names.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sedata import exchange as X
from sedata.exchange import (
    DigestUnavailableError,
    ExchangeError,
    FileAccessError,
    MalformedError,
    StructureError,
    TruncatedError,
    UnknownFormatError,
)
from sedata.validate import validate_file
from sedata.validate.context import FileContext
from sedata.validate.layers.syntax import finding, rule_of

from .conftest import SPEC, envelope, write_jsonl


@pytest.mark.parametrize(
    ("cls", "rule"),
    [
        (FileAccessError, "SE-SYN-001"),
        (UnknownFormatError, "SE-SYN-003"),
        (MalformedError, "SE-SYN-003"),
        (StructureError, "SE-SYN-003"),
        (DigestUnavailableError, "SE-SYN-006"),
        (ExchangeError, "SE-SYN-003"),
        (TruncatedError, "SE-SYN-005"),
    ],
)
def test_each_reader_error_has_its_rule(cls: type[ExchangeError], rule: str) -> None:
    assert rule_of(cls("中文", "English words here")) == rule


def test_an_unlisted_subclass_takes_its_nearest_listed_base() -> None:
    class Odd(StructureError):
        pass

    class Odder(ExchangeError):
        pass

    assert rule_of(Odd("中文", "English words here")) == "SE-SYN-003"
    assert rule_of(Odder("中文", "English words here")) == "SE-SYN-003"


@pytest.mark.parametrize(("last_good", "shown"), [(None, "0"), (0, "1"), (4, "5")])
def test_a_truncated_file_names_the_records_read_whole(last_good: int | None, shown: str) -> None:
    exc = TruncatedError("文件中途结束", "the file ends early", line=7, last_good=last_good)
    f = finding(FileContext(SPEC, "t.jsonl"), exc, "t.jsonl")
    assert (f.rule, f.value, f.line) == ("SE-SYN-005", shown, 7)


@pytest.mark.parametrize(("last_good", "shown"), [(None, "0"), (0, "1"), (4, "5")])
def test_content_after_the_message_names_the_records_read(last_good: int | None, shown: str) -> None:
    from sedata.exchange import TrailingContentError

    exc = TrailingContentError("报文之后还有内容", "content after the message", line=9, last_good=last_good)
    f = finding(FileContext(SPEC, "t.jsonl"), exc, "t.jsonl")
    assert (f.rule, f.value, f.pointer) == ("SE-SYN-010", shown, None)


def test_an_unknown_version_finding_lists_the_known_ones_and_for_xml_the_namespace(
    tmp_path: Path, clean_records: tuple[X.Record, ...]
) -> None:
    from sedata.exchange import known_spec_versions

    from .test_syntax_layer import _clean

    known = ", ".join(known_spec_versions(SPEC))
    path = write_jsonl(tmp_path / "v.jsonl", [envelope(r) for r in clean_records[:2]], header={"specVersion": "9.9.9"})
    (f,) = validate_file(path).findings
    assert (f.value, f.expected.zh if f.expected else None) == ("9.9.9", known)
    xml = _clean(tmp_path, "xml", clean_records[:2])
    xml.write_text(xml.read_text("utf-8").replace("urn:sedata:spec:1", "urn:sedata:spec:9"), "utf-8")
    g = validate_file(xml).findings[0]
    assert (g.value, g.expected.zh if g.expected else None) == ("urn:sedata:spec:9", f"{known} (urn:sedata:spec:1)")


def test_a_version_that_cannot_be_read_back_is_shown_as_a_question_mark(tmp_path: Path) -> None:
    from sedata.exchange import UnknownSpecVersionError

    exc = UnknownSpecVersionError("未知的规范版本", "unknown spec version", line=1)
    f = finding(FileContext(SPEC, "gone.jsonl"), exc, tmp_path / "gone.jsonl")  # removed since it was read
    assert (f.rule, f.value, f.pointer) == ("SE-SYN-007", "?", "/header/specVersion")


def _xml_with_doctype(tmp_path: Path, doctype: str, root: str) -> Path:
    path = tmp_path / "m.xml"
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE sedataMessage {doctype}>\n{root}\n', "utf-8")
    return path


def test_a_namespace_from_an_outside_dtd_is_not_taken_as_the_declared_version(tmp_path: Path) -> None:
    from sedata.validate.layers.syntax import declared_version

    # Loaded, the DTD would give the root a fixed default namespace the file itself never declares.
    dtd = tmp_path / "ns.dtd"
    dtd.write_text('<!ATTLIST sedataMessage xmlns CDATA #FIXED "urn:sedata:spec:1">\n', "utf-8")
    path = _xml_with_doctype(tmp_path, f'SYSTEM "{dtd.as_uri()}"', "<sedataMessage/>")
    assert declared_version(path) == ""


def test_an_external_entity_is_not_fetched_to_read_the_declared_version(tmp_path: Path) -> None:
    from sedata.validate.layers.syntax import declared_version

    # Fetched, this entity's text (not XML) would end the read in a syntax error and the version would be lost.
    target = tmp_path / "secret.txt"
    target.write_text("<<< not xml, and not the file's to reveal", "utf-8")
    root = '<sedataMessage xmlns="urn:sedata:spec:9">&e;</sedataMessage>'
    path = _xml_with_doctype(tmp_path, f'[<!ENTITY e SYSTEM "{target.as_uri()}">]', root)
    assert declared_version(path) == "urn:sedata:spec:9"


@pytest.mark.parametrize(
    "first_line",
    [
        b'{"header":{"specVersion":"9.9.9"}} {"header":{"specVersion":"1.0.0"}}\n',  # two values on the header line
        b'{"header":\n{"specVersion":"9.9.9"}}\n',  # a header broken over two lines
    ],
)
def test_a_jsonl_header_line_is_read_whole_as_one_json_value(tmp_path: Path, first_line: bytes) -> None:
    from sedata.validate.layers.syntax import declared_version

    path = tmp_path / "m.jsonl"
    path.write_bytes(first_line)
    assert declared_version(path) is None
    path.write_bytes(b'\xef\xbb\xbf{"header":{"specVersion":"9.9.9"}}\n{"record":1}\n')
    assert declared_version(path) == "9.9.9"
