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
