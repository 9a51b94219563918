"""Validate what a program holds in memory — bytes, a message, or records — as ``sedata validate`` does files.

Every entry point hands the data to the one engine (:func:`sedata.validate.validate_files`) through a private
temporary file that is removed before it returns, so the report is the very report a file with the same content
gets — every layer, the run-wide cross-record layer included — with ``name`` in place of the file name.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from sedata.elements._core import SpecModel
from sedata.exchange import Message, Record, write
from sedata.exchange.detect import format_name
from sedata.spec import Spec, current
from sedata.spec.envelope import CHANGES, SNAPSHOT, envelope_names
from sedata.validate.report import Finding, Report, Severity, Text, store_of
from sedata.validate.run import validate_files

PLACEHOLDER_SENDER = "91310115MA1K3BTP2B"
"""The sender of a header made for records given alone: a valid USCC from python-stdnum's tests, no real body."""
PLACEHOLDER_RECEIVER = "91110000600037341L"
"""The receiver of such a header (python-stdnum's test value too)."""


@dataclasses.dataclass(frozen=True)
class _Options:
    fail_on: Severity
    max_errors: int | None
    spec: Spec | None
    today: dt.date | None
    references: tuple[str | os.PathLike[str], ...]


def validate_bytes(
    data: bytes | str,
    *,
    format: str | None = None,
    name: str = "<bytes>",
    fail_on: Severity = "error",
    max_errors: int | None = None,
    spec: Spec | None = None,
    today: dt.date | None = None,
    references: Iterable[str | os.PathLike[str]] = (),
) -> Report:
    """Validate a message given as bytes (or text, encoded UTF-8): the report a file of that content gets.

    The format is told from the content, as for files; ``format`` (json, jsonl, xml) only names the extension of
    the temporary file. ``name`` stands for the file name in the report.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    suffix = f".{format_name(format)}" if format else ""
    options = _Options(fail_on, max_errors, spec, today, tuple(references))
    with _scratch() as folder:
        path = folder / f"message{suffix}"
        path.write_bytes(raw)
        return _run(path, name, options)


def validate_message(
    message: Message | Mapping[str, Any],
    *,
    name: str = "<message>",
    fail_on: Severity = "error",
    max_errors: int | None = None,
    spec: Spec | None = None,
    today: dt.date | None = None,
    references: Iterable[str | os.PathLike[str]] = (),
) -> Report:
    """Validate a whole message: a :class:`sedata.exchange.Message` or its JSON data ``{"header": …, "records": […]}``.

    The header is taken as it is (record count and digest included), so a message whose records changed after its
    digest was made is reported as a file would be. Dates and decimals may be Python objects.
    """
    spec = spec or current()
    document = message.to_json_data(spec) if isinstance(message, Message) else dict(message)
    text = json.dumps(document, ensure_ascii=False, default=_json_value)
    return validate_bytes(
        text,
        format="json",
        name=name,
        fail_on=fail_on,
        max_errors=max_errors,
        spec=spec,
        today=today,
        references=references,
    )


def validate_records(
    records: Iterable[Record | SpecModel | Mapping[str, Any]],
    *,
    record_type: str | None = None,
    message_type: str | None = None,
    header: Any = None,
    sender: str = PLACEHOLDER_SENDER,
    receiver: str = PLACEHOLDER_RECEIVER,
    mode: str | None = None,
    name: str = "<records>",
    fail_on: Severity = "error",
    max_errors: int | None = None,
    spec: Spec | None = None,
    today: dt.date | None = None,
    references: Iterable[str | os.PathLike[str]] = (),
) -> Report:
    """Validate records as one message whose header is made for them (count and digest computed).

    A record is a :class:`Record`, a model instance, a JSON record object (``{"recordType": …, "data": …}``) or,
    with ``record_type``, the record's data alone. ``message_type`` defaults to the one message type that carries
    every record type given; ``mode`` to ``changes`` when a record names an operation, else ``snapshot``. Give a
    ``header`` (a :class:`sedata.elements.MessageHeader`) to keep its sender, receiver, sequence and id. Records
    that no format could carry (a snapshot record with an operation, say) raise
    :class:`sedata.exchange.UnwritableRecordError`, as :func:`sedata.exchange.write` does.
    """
    spec = spec or current()
    items = [_record(r, record_type) for r in records]
    if header is None:
        message_type = message_type or _message_type(items, spec)
        mode = mode or (CHANGES if any(isinstance(r, Record) and r.operation for r in items) else SNAPSHOT)
    options = _Options(fail_on, max_errors, spec, today, tuple(references))
    with _scratch() as folder:
        path = folder / "message.jsonl"
        if header is not None:
            write(path, items, header=header, format="jsonl", spec=spec)
        else:
            assert message_type is not None and mode is not None
            write(
                path,
                items,
                message_type=message_type,
                sender=sender,
                receiver=receiver,
                mode=mode,
                format="jsonl",
                spec=spec,
            )
        return _run(path, name, options)


def _record(
    item: Record | SpecModel | Mapping[str, Any], record_type: str | None
) -> Record | SpecModel | dict[str, Any]:
    if isinstance(item, Record | SpecModel):
        return item
    if record_type is not None:
        return Record(record_type, dict(item))
    return dict(item)


def _type_of(item: Record | SpecModel | dict[str, Any], spec: Spec) -> str | None:
    if isinstance(item, Record):
        return item.type
    if isinstance(item, SpecModel):
        return item.__entity__
    value = item.get(envelope_names(spec).record_type)
    return value if isinstance(value, str) else None


def _message_type(items: list[Record | SpecModel | dict[str, Any]], spec: Spec) -> str:
    """The one message type whose record types include every record type given."""
    types = {t for t in (_type_of(i, spec) for i in items) if t is not None}
    fitting = [m.id for m in spec.messages.values() if types <= {r.entity for r in m.records}]
    if len(fitting) != 1:
        listed = ", ".join(sorted(types)) or "-"
        raise ValueError(
            f"无法由记录类型（{listed}）确定报文类型，请给出 message_type（可选：{'、'.join(spec.messages)}）"
            f" / cannot tell the message type from the record types ({listed}); give message_type "
            f"(one of: {', '.join(spec.messages)})"
        )
    return fitting[0]


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, SpecModel):
        return value.to_data()
    raise TypeError(f"not JSON data: {type(value).__name__} / 不是 JSON 数据")


@contextmanager
def _scratch() -> Iterator[Path]:
    """A private folder for the one temporary file (mode 0700), removed with its content afterwards."""
    with tempfile.TemporaryDirectory(prefix="sedata-") as folder:
        yield Path(folder)


def _run(path: Path, name: str, options: _Options) -> Report:
    report = validate_files(
        [path],
        fail_on=options.fail_on,
        max_errors=options.max_errors,
        spec=options.spec,
        today=options.today,
        references=options.references,
    )
    return _renamed(report, str(path), name)


def _renamed(report: Report, path: str, name: str) -> Report:
    """The report with ``name`` wherever it says the temporary file's path."""

    def text(t: Text | None) -> Text | None:
        return None if t is None else Text(t.zh.replace(path, name), t.en.replace(path, name))

    def finding(f: Finding) -> Finding:
        if f.file != path:
            return f  # a reference dataset's finding keeps its file name
        message = text(f.message)
        assert message is not None
        return dataclasses.replace(f, file=name, message=message, expected=text(f.expected))

    for file in report.files:
        if file.file == path:
            file.file = name
        store_of(file.findings).replace_all(finding(f) for f in file.findings)  # one by one, never all in memory
        file.not_checked = {rule: t for rule, t in ((r, text(t)) for r, t in file.not_checked.items()) if t is not None}
    return report
