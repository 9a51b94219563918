"""Run both engines on the same files, and the screen on its own, for the differential tests."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import orjson

from sedata.columnar.read import line_batches
from sedata.columnar.screen import Plan, screen
from sedata.exchange import ExchangeError
from sedata.exchange.jsonl import JsonlReader
from sedata.exchange.records import Digester, Record
from sedata.spec import current
from sedata.validate import validate_files
from sedata.validate.engine import FileRun
from sedata.validate.render import render

TODAY = dt.date(2030, 1, 1)
SCREENED_LAYERS = frozenset({"schema", "codes", "business"})
"""The layers whose findings the screen must foresee on the row itself."""
GROUPED_RULES = frozenset({"SE-BIZ-010"})
"""Findings on keys repeated across batches: the run's key index makes them, not the screen (see test_keys)."""


def reports(paths: list[str | os.PathLike[str]], today: dt.date = TODAY, **kw: object) -> tuple[str, str]:
    """The JSON report of the row engine and of the columnar engine on the same run.

    Where the row engine itself fails (a defect of a layer, not of an engine), the columnar engine must fail
    the same way: both "reports" are then the exception's type and message.
    """
    out = []
    for engine in ("row", "columnar"):
        try:
            report = validate_files(paths, today=today, engine=engine, **kw)  # type: ignore[arg-type]
        except Exception as exc:
            out.append(f"raised {type(exc).__name__}: {exc}")
            continue
        out.append(render(report, "json", "en"))
    return out[0], out[1]


def flagged_indexes(path: str | os.PathLike[str]) -> set[int] | None:
    """The record indexes the screen flags in a JSON Lines file (None: the file's header does not read)."""
    spec = current()
    run = FileRun(path, spec, "error", None, TODAY)
    if not run.open() or not isinstance(run.reader, JsonlReader):
        return None
    reader = run.reader
    rules, ctx = run.rules, run.ctx
    plan = Plan.of(
        run.spec,  # the spec the file is judged by (a file declaring 1.0.0: 1.0.0), as run_columnar does
        rules.names,
        rules.allowed,
        rules.operations,
        rules.delete,
        rules.changes,
        ctx.masking is not None,
        message_type=run.biz.message_type,
        today=TODAY,
    )
    out: set[int] = set()
    index = 0
    try:
        for batch in line_batches(reader.file, reader._offset, 2):
            screened = screen(batch, plan)
            for blank, flag in zip(screened.blank, screened.flagged, strict=True):
                if blank:
                    continue
                if flag:
                    out.add(index)
                index += 1
    except ExchangeError:  # pragma: no cover - line_batches reads bytes only
        raise
    finally:
        reader.close()
    return out


def found_indexes(path: str | os.PathLike[str], today: dt.date = TODAY) -> set[int]:
    """The record indexes the row engine reports a schema or codes finding on."""
    report = validate_files([path], today=today, engine="row")
    return {
        f.index
        for f in report.files[0].findings
        if f.layer in SCREENED_LAYERS and f.rule not in GROUPED_RULES and f.index is not None
    }


def write_lines(path: Path, lines: list[bytes]) -> Path:
    """A JSON Lines file made of ``lines`` (each gets a line feed)."""
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return path


def flagged_document_indexes(path: str | os.PathLike[str]) -> set[int] | None:
    """The record indexes the screen flags in an XML or JSON document (None: the header does not read).

    Records are read as the columnar engine reads them (each with its canonical line and noted envelope
    problems) up to the end or the first reading error.
    """
    from sedata.columnar.documents import screen_records
    from sedata.columnar.engine import plan_of

    run = FileRun(path, current(), "error", None, TODAY)
    if not run.open() or isinstance(run.reader, JsonlReader):
        return None
    assert run.reader is not None
    records, lines, notes = [], [], []
    try:
        for record, line in run.reader.with_canonical():
            records.append(record)
            lines.append(line)
            notes.append(run.rules.take())
    except ExchangeError:
        pass  # a reading error ends the file; the records before it were screened
    finally:
        run.reader.close()
    flags = screen_records(records, lines, notes, plan_of(run))
    return {r.index for r, flag in zip(records, flags, strict=True) if flag and r.index is not None}


def message_lines(records: list[dict[str, Any]], header: dict[str, Any]) -> list[bytes]:
    """The lines of a JSON Lines message holding ``records`` (JSON data) as given, with count and digest made."""
    spec = current()
    digester = Digester("sha256", spec)
    for i, obj in enumerate(records):
        digester.add(
            Record(
                obj.get("recordType"),
                obj.get("data"),
                obj.get("operation"),
                obj.get("recordKey"),
                obj.get("recordVersion"),
                i,
            )
        )
    header = {**header, "recordCount": len(records), "digest": digester.hexdigest()}
    return [orjson.dumps({"header": header})] + [orjson.dumps(r) for r in records]
