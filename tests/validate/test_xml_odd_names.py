"""Element names libxml2 accepts but ``lxml.etree.QName`` refuses (``<:Equipment>``): a finding, never a crash.

Found by the one-byte-change property of signed packages: byte 40 of an XML package turned into ``:`` made
the root ``<:peratorCertificateUpload>``, and reporting its name raised ``ValueError`` from ``QName``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sedata.exchange import ExchangeError, open_message
from sedata.exchange.xmlnames import local_name, namespace_of, split_tag
from sedata.validate import validate_file

from .conftest import sample, write_sample


def _xml(tmp_path: Path) -> tuple[Path, str]:
    records, _ = sample("inspection-upload", 2, 5, 0.0)
    path = write_sample(tmp_path / "m.xml", "inspection-upload", "xml", records)
    return path, path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("<InspectionUpload ", "<:nspectionUpload "),  # the root: no usable namespace prefix
        ("<Equipment ", "<:Equipment "),  # a record element
        ("</Equipment>", "</:Equipment>"),  # an end tag that no longer matches: not well-formed
        ("<equipmentCode>", "<:equipmentCode>"),  # a field
    ],
)
def test_a_name_with_an_empty_prefix_is_a_finding(tmp_path: Path, old: str, new: str) -> None:
    path, text = _xml(tmp_path)
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    try:
        with open_message(path) as reader:
            for _ in reader:
                pass
    except ExchangeError:
        pass  # an exchange error with its own message is the expected outcome; anything else fails the test
    report = validate_file(path)
    assert report.findings
    internal = [f for f in report.findings if "internal" in f.message.en or "内部" in f.message.zh]
    assert internal == [], [f.message.en for f in internal]


def test_split_tag_reads_any_tag() -> None:
    assert split_tag("{urn:sedata:spec:1}Equipment") == ("urn:sedata:spec:1", "Equipment")
    assert split_tag(":Equipment") == (None, ":Equipment")
    assert local_name("{urn:a}b") == "b" and namespace_of("{urn:a}b") == "urn:a"
    assert namespace_of("plain") is None
