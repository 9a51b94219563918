"""Shared fixtures for the exchange tests: example records, a message writer, and file helpers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sedata import exchange as X

ROOT = Path(__file__).resolve().parents[2]
ENTITY_EXAMPLES = ROOT / "examples" / "entities"
# Units of the example data set (valid USCC check digits): the 漳州 inspection body and a 湘西 user unit.
SENDER = "123506004885497331"
RECEIVER = "91433101772274167P"
EXTENSION = {"json": ".json", "jsonl": ".jsonl", "xml": ".xml"}


def entity_examples(entity: str) -> list[dict[str, Any]]:
    """The records of examples/entities/<entity>.json."""
    records: list[dict[str, Any]] = json.loads((ENTITY_EXAMPLES / f"{entity}.json").read_text("utf-8"))
    return records


@pytest.fixture
def upload_records() -> list[X.Record]:
    """An inspection upload's records: two devices and their four inspections (from the entity examples)."""
    equipment = entity_examples("Equipment")
    return [X.Record("Equipment", equipment[0]), X.Record("Equipment", equipment[3])] + [
        X.Record("Inspection", r) for r in entity_examples("Inspection")
    ]


WriteMessage = Callable[..., Path]


@pytest.fixture
def write_message(tmp_path: Path, upload_records: list[X.Record]) -> WriteMessage:
    """``write_message(fmt, records=None, name=None, **header)`` writes an inspection upload and returns its path."""

    def write(fmt: str, records: list[Any] | None = None, name: str | None = None, **kw: Any) -> Path:
        path = tmp_path / (name or f"message{EXTENSION[fmt]}")
        kw.setdefault("message_type", "inspection-upload")
        kw.setdefault("sender", SENDER)
        kw.setdefault("receiver", RECEIVER)
        X.write(path, upload_records if records is None else records, format=fmt, **kw)
        return path

    return write
