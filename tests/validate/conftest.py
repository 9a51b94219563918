"""Shared helpers for the validator tests: sample messages with known defects, and hand-made messages."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from sedata import exchange as X
from sedata.conformance import Result
from sedata.conformance import run as run_suite
from sedata.sample.generator import Defect, sample_records
from sedata.spec import current
from sedata.validate.shapes import shapes

SPEC = current()
CONFORMANCE_SUITE = Path(__file__).resolve().parents[2] / "spec" / "conformance"
HEADER_FIELDS = shapes(SPEC)["MessageHeader"]
MESSAGE_TYPES = sorted(SPEC.messages)
FORMATS = list(X.FORMATS)
EXTENSION = {"json": ".json", "jsonl": ".jsonl", "xml": ".xml"}
# Units of the example data set (valid USCC check digits), as in tests/exchange.
SENDER = "123506004885497331"
RECEIVER = "91433101772274167P"


@cache
def sample(
    message_type: str, count: int, seed: int, invalid_rate: float
) -> tuple[tuple[X.Record, ...], tuple[Defect, ...]]:
    """Sample records of ``message_type`` and the defects injected into them (computed once per arguments)."""
    records: list[X.Record] = []
    defects: list[Defect] = []
    for record, defect in sample_records(message_type, count, seed=seed, invalid_rate=invalid_rate):
        assert record.key is not None  # change sets always name the key: defects never remove key fields
        records.append(record)
        if defect is not None:
            defects.append(defect)
    return tuple(records), tuple(defects)


def write_sample(path: Path, message_type: str, fmt: str, records: tuple[X.Record, ...]) -> Path:
    """Write ``records`` as a change-set message in ``fmt``."""
    X.write(path, records, message_type=message_type, sender=SENDER, receiver=RECEIVER, mode="changes", format=fmt)
    return path


def write_jsonl(
    path: Path,
    envelopes: list[dict[str, Any]],
    *,
    message_type: str = "inspection-upload",
    mode: str = "changes",
    header: dict[str, Any] | None = None,
) -> Path:
    """A JSON Lines message of raw record envelopes (anything goes), with count and digest that match them.

    The writer refuses envelopes that break the message's rules; the validator must report them instead,
    so these files are assembled by hand. ``header`` overrides header members after count and digest.
    """
    names = X.MessageRules(X.new_header(message_type, SENDER, RECEIVER, 1, mode), SPEC).names
    digester = X.Digester("sha256", SPEC)
    for env in envelopes:
        digester.add(
            X.Record(
                env.get(names.record_type),  # type: ignore[arg-type]
                env.get("data"),
                env.get(names.operation),
                env.get(names.record_key),
                env.get(names.record_version),
            )
        )
    head = X.header_data(X.new_header(message_type, SENDER, RECEIVER, 1, mode), SPEC)
    head[HEADER_FIELDS.by_key("record_count").name] = len(envelopes)
    head[HEADER_FIELDS.by_key("digest").name] = digester.hexdigest()
    head.update(header or {})
    lines = [json.dumps({"header": head}, ensure_ascii=False)]
    lines += [json.dumps(env, ensure_ascii=False) for env in envelopes]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def envelope(record: X.Record) -> dict[str, Any]:
    """A record's envelope as JSON data (to be altered by a test)."""
    return record.to_json_data(SPEC)


MakeFile = Callable[..., Path]


@pytest.fixture
def clean_records() -> tuple[X.Record, ...]:
    """Twenty clean inspection-upload records (equipment and their inspections)."""
    return sample("inspection-upload", 20, 11, 0.0)[0]


# A real example whose one doubtful value is the UNCONFIRMED category character 容 of a registration
# certificate: the one file in the examples that raises SE-COD-003 (a warning) and nothing else.
DOUBTFUL_EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "messages" / "registration-download.jsonl"


def doubtful(tmp: Path) -> Path:
    """A copy of the example message that raises exactly one SE-COD-003 warning."""
    target = tmp / "doubtful.jsonl"
    shutil.copyfile(DOUBTFUL_EXAMPLE, target)
    return target


@pytest.fixture(scope="session")
def suite_through_both_engines() -> Result:
    """The whole conformance suite run once through both engines (each must meet every case, and they must agree):
    the tests that judge that run share it, as it costs about half a minute of CPU."""
    return run_suite(CONFORMANCE_SUITE)
