"""The XSDs in tools nobody here wrote: xsdata's default bindings and xmllint.

xsdata (``xsdata generate`` with no option) must bind the examples with their records in order and their
numbers and dates typed, and write them back so that ``sedata validate`` finds what it finds in the
originals, digest included. xmllint must accept every example masked with every profile against that
profile's schema, and refuse it against the schema of plain packages.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from sedata.generate.xsd import masked_xsd_names
from sedata.spec import current
from sedata.validate.engine import validate_file

from .conftest import MESSAGES, PROFILES

EXAMPLES = sorted(MESSAGES.glob("*.xml"))


@pytest.fixture(scope="module")
def bindings(exported_xsd: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The package xsdata generates from sedata.xsd with its default settings."""
    pytest.importorskip("xsdata", reason="xsdata is in the test extra: pip install -e '.[test]'")
    out = tmp_path_factory.mktemp("xsdata")
    # xsdata formats its output with ruff, which the test extra installs next to this interpreter.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(
        [sys.executable, "-m", "xsdata", "generate", str(exported_xsd / "sedata.xsd"), "--package", "sedata_xsdata"],
        cwd=out,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module("sedata_xsdata")
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m.startswith("sedata_xsdata")]:
            del sys.modules[name]


def _record_names(path: Path) -> list[str]:
    records = etree.parse(str(path)).getroot()[1]
    return [etree.QName(el).localname for el in records if isinstance(el.tag, str)]


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_xsdata_round_trip_keeps_order_types_and_digest(example: Path, bindings: Any, tmp_path: Path) -> None:
    from xsdata.formats.dataclass.parsers import XmlParser
    from xsdata.formats.dataclass.serializers import XmlSerializer
    from xsdata.formats.dataclass.serializers.config import SerializerConfig
    from xsdata.models.datatype import XmlDate

    message = XmlParser().from_path(example)
    assert isinstance(message.header.record_count, int) and isinstance(message.header.sequence, int)
    records = [r for r in message.records.content if not isinstance(r, str)]  # mixed content: text between
    assert [type(r).__name__.removesuffix("Record") for r in records] == _record_names(example)
    dates = [v for r in records for v in vars(r).values() if isinstance(v, XmlDate)]
    assert dates or example.stem == "accident-report", "no date of the example was typed XmlDate"

    again = tmp_path / example.name
    namespace = current().info.namespace
    again.write_text(
        XmlSerializer(config=SerializerConfig(indent="  ")).render(message, ns_map={None: namespace}),
        encoding="utf-8",
    )
    before, after = validate_file(example), validate_file(again)
    assert after.verified, [f.message.en for f in after.findings]  # count and digest match the header
    assert [f.rule for f in after.findings] == [f.rule for f in before.findings]
    assert not any(f.severity == "error" for f in after.findings)


@pytest.fixture(scope="module")
def xmllint() -> str:
    found = shutil.which("xmllint")
    if found is None:
        pytest.skip("xmllint is not installed (Debian: apt-get install libxml2-utils)")
    return found


def _lint(xmllint: str, schema: Path, document: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [xmllint, "--noout", "--schema", str(schema), str(document)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("profile", PROFILES)
def test_xmllint_accepts_masked_packages_against_their_profiles_schema(
    profile: str, xmllint: str, exported_xsd: Path, masked_dir: Path
) -> None:
    schema = exported_xsd / masked_xsd_names(current())[profile]
    for example in EXAMPLES:
        masked = masked_dir / f"{profile}-{example.name}"
        assert not [f.rule for f in validate_file(masked).findings if f.severity == "error"]
        done = _lint(xmllint, schema, masked)
        assert done.returncode == 0, done.stderr


def test_xmllint_accepts_the_examples_and_refuses_masked_values_in_plain_packages(
    xmllint: str, exported_xsd: Path, masked_dir: Path
) -> None:
    for example in EXAMPLES:
        done = _lint(xmllint, exported_xsd / "sedata.xsd", example)
        assert done.returncode == 0, done.stderr
    share = masked_dir / "share-operator-certificate-upload.xml"
    done = _lint(xmllint, exported_xsd / "sedata.xsd", share)
    assert done.returncode != 0 and "holderCitizenId" in done.stderr
    # Each profile has its own forms: an ID number masked for sharing is not one masked for publication.
    done = _lint(xmllint, exported_xsd / masked_xsd_names(current())["publish"], share)
    assert done.returncode != 0 and "holderCitizenId" in done.stderr


def test_xsd_numbers_and_dates_carry_no_pattern_facet(exported_xsd: Path) -> None:
    """A pattern facet makes binding generators type the value as text."""
    xs = "{http://www.w3.org/2001/XMLSchema}"
    doc = etree.parse(str(exported_xsd / "sedata.xsd"))
    for restriction in doc.iter(f"{xs}restriction"):
        if restriction.get("base") in ("xs:integer", "xs:date"):
            assert restriction.find(f"{xs}pattern") is None, restriction.getparent().get("name")


@pytest.mark.parametrize(
    ("case", "old", "new", "rule"),
    [
        (
            "date with a time zone",
            "<issueDate>2024-04-18</issueDate>",
            "<issueDate>2024-04-18Z</issueDate>",
            "SE-SCH-002",
        ),
        ("text between records", "<records>\n", "<records>text\n", "SE-SYN-003"),
    ],
)
def test_documented_gaps_of_the_xsd(case: str, old: str, new: str, rule: str, lxml_schema, tmp_path: Path) -> None:
    """docs/schemas.md lists what the XSD accepts and sedata refuses; if one closes, update the list."""
    source = (MESSAGES / "operator-certificate-upload.xml").read_text(encoding="utf-8")
    assert old in source
    path = tmp_path / "gap.xml"
    path.write_text(source.replace(old, new, 1), encoding="utf-8")
    assert lxml_schema.validate(etree.parse(str(path))), case
    assert rule in [f.rule for f in validate_file(path).findings], case
    documented = (Path(__file__).parents[2] / "docs" / "schemas.md").read_text(encoding="utf-8")
    assert case in documented and rule in documented


@pytest.mark.parametrize("profile", PROFILES)
def test_masked_xsd_is_sedatas_check_of_a_masked_value(profile: str, exported_xsd: Path, masked_dir: Path) -> None:
    """In a masked operator certificate, a personal element is valid exactly when it is a real value of its type or
    the profile's masked shape of its kind (pseudonyms included), as sedata's schema layer decides."""
    from sedata.privacy.shapes import masked_ok

    spec = current()
    assert spec.privacy is not None
    plain = etree.XMLSchema(etree.parse(str(exported_xsd / "sedata.xsd")))
    masked = etree.XMLSchema(etree.parse(str(exported_xsd / masked_xsd_names(spec)[profile])))
    doc = etree.parse(str(masked_dir / f"{profile}-operator-certificate-upload.xml"))
    original = etree.parse(str(MESSAGES / "operator-certificate-upload.xml"))  # for "a real value of the type"
    ns = {"s": spec.info.namespace}
    pseudonym = spec.privacy.pseudonym.test_vectors[0].pseudonym
    for member, kind in (("holderCitizenId", "citizen-id"), ("holderName", "name")):
        how = next(p for p in spec.privacy.profiles if p.id == profile).kinds[kind]
        element, real = doc.find(f".//s:{member}", ns), original.find(f".//s:{member}", ns)
        assert element is not None and real is not None
        kept = element.text, real.text
        values = [e.masked for e in how.examples] + list(how.invalid_examples) + [pseudonym, pseudonym.lower()]
        for value in values:
            element.text = real.text = value
            expected = plain.validate(original) or masked_ok(kind, profile, value)
            assert masked.validate(doc) == expected, (member, value)
        element.text, real.text = kept
