"""The example messages in examples/messages/: valid under the JSON Schema and the XSD, the same message in
all three formats, and exactly what examples/build_messages.py writes."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from lxml import etree

from sedata import exchange as X
from sedata.spec import current
from sedata.spec.envelope import message_class_name

from .conftest import ROOT

FOLDER = ROOT / "examples" / "messages"
SPEC = current()
MESSAGE_TYPES = sorted(SPEC.messages)
FORMATS = ("json", "jsonl", "xml")


def _errors(validator: Any, instance: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]


def test_every_message_type_has_an_example_in_every_format() -> None:
    expected = {f"{m}.{ext}" for m in MESSAGE_TYPES for ext in FORMATS}
    assert {p.name for p in FOLDER.iterdir() if p.suffix in {".json", ".jsonl", ".xml"}} == expected


@pytest.mark.parametrize("message_type", MESSAGE_TYPES)
def test_json_document_validates_against_its_schema(message_type: str, json_validator: Any) -> None:
    doc = json.loads((FOLDER / f"{message_type}.json").read_text("utf-8"))
    assert _errors(json_validator(message_class_name(message_type)), doc) == []
    assert 2 <= len(doc["records"]) <= 4


@pytest.mark.parametrize("message_type", MESSAGE_TYPES)
def test_json_lines_validate_line_by_line(message_type: str, json_validator: Any) -> None:
    cls = message_class_name(message_type)
    header, *records = (FOLDER / f"{message_type}.jsonl").read_text("utf-8").splitlines()
    assert _errors(json_validator(f"{cls}HeaderLine"), json.loads(header)) == []
    for line in records:
        assert _errors(json_validator(f"{cls}Record"), json.loads(line)) == []


@pytest.mark.parametrize("message_type", MESSAGE_TYPES)
def test_xml_validates_against_the_xsd(message_type: str, lxml_schema: etree.XMLSchema) -> None:
    doc = etree.parse(str(FOLDER / f"{message_type}.xml"))
    assert lxml_schema.validate(doc), [str(e) for e in lxml_schema.error_log]
    assert etree.QName(doc.getroot()).localname == message_class_name(message_type)


@pytest.mark.parametrize("message_type", MESSAGE_TYPES)
def test_the_three_formats_are_one_canonical_message(message_type: str) -> None:
    messages = [X.read(FOLDER / f"{message_type}.{ext}") for ext in FORMATS]
    assert [m.format for m in messages] == list(FORMATS)
    assert messages[0].header.message_type == message_type
    canonical = [m.to_json_data() for m in messages]
    assert canonical[1] == canonical[0] and canonical[2] == canonical[0]


@pytest.mark.parametrize("message_type", MESSAGE_TYPES)
def test_records_are_valid_entity_models(message_type: str) -> None:
    import sedata.elements as E

    for record in X.read(FOLDER / f"{message_type}.jsonl").records:
        if record.data is not None:
            model = getattr(E, record.type).model_validate_json(json.dumps(record.data, ensure_ascii=False))
            assert model.to_data() == record.data


def _build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("examples_messages_build", FOLDER.parent / "build_messages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_examples_are_what_build_py_writes(tmp_path: Path) -> None:
    written = _build_module().build(tmp_path)
    assert len(written) == len(MESSAGE_TYPES) * len(FORMATS)
    for path in written:
        assert path.read_bytes() == (FOLDER / path.name).read_bytes(), f"{path.name}: run examples/build_messages.py"
