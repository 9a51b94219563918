"""Every hostile file of the corpus read through ``sedata.exchange`` and through ``sedata validate``.

The readers must name the problem (an :class:`ExchangeError` of the right class, located in the file)
and never crash; the validator turns it into one finding of the right rule with the right words, and
exits 1 (findings in a message) or 2 (input it cannot read), never with a traceback or a signal.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sedata import exchange as X
from sedata.cli.main import app

from .corpus import CASES, Case, fifo

runner = CliRunner()
CLI = [sys.executable, "-c", "from sedata.cli.main import app; app()"]


def _validate(path: Path) -> tuple[int, dict[str, Any], str]:
    result = runner.invoke(app, ["validate", str(path), "-f", "json"])
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output[-2000:]
    return result.exit_code, json.loads(result.stdout), result.output


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_the_reader_names_the_problem_where_it_is(case: Case, corpus: dict[str, Path]) -> None:
    path = corpus[case.name]
    start = time.perf_counter()
    read: list[X.Record] = []
    with pytest.raises(X.ExchangeError) as caught:
        read.extend(X.iter_records(path))
    err = caught.value
    assert type(err) is case.error, err
    assert err.file == str(path)
    if case.read_as is not None:  # kept as written (not read as a number or date), the digest tells the change
        index, field, value = case.read_as
        assert read[index].data is not None and read[index].data[field] == value
    else:
        assert err.line is not None or err.offset is not None or err.index is not None  # located
    assert len(err.zh) < 1_000 and len(err.en) < 1_000  # counts and a few names, never every attribute
    assert time.perf_counter() - start < 10  # linear: the biggest case is 21 MiB


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_validate_reports_it_as_a_located_finding(case: Case, corpus: dict[str, Path]) -> None:
    path = corpus[case.name]
    code, report, output = _validate(path)
    assert code == case.exit, output[-2000:]
    (file,) = report["files"]
    assert file["file"] == str(path)
    found = [f for f in file["findings"] if f["rule"] == case.rule]
    assert found, [f["rule"] for f in file["findings"]]
    finding = found[0]
    assert case.en in finding["message"]["en"], finding["message"]
    assert finding["message"]["zh"] and finding["message"]["zh"] != finding["message"]["en"]
    assert finding.get("line") is not None or finding.get("index") is not None  # located
    if case.records is not None:
        assert file["records"] == case.records  # everything before the problem was read and checked


def test_the_whole_corpus_in_one_run_ends_without_a_signal_or_traceback(corpus: dict[str, Path]) -> None:
    """In a process of its own (a crash in C would take pytest down with it): one run over every file."""
    paths = [str(p) for p in corpus.values()]
    proc = subprocess.run([*CLI, "validate", *paths, "-f", "json"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1, proc.stderr[-2000:]  # findings, read to the end: not a signal (negative)
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    report = json.loads(proc.stdout)
    assert sorted(f["file"] for f in report["files"]) == sorted(paths)  # one bad file does not hide the others


def test_a_pipe_is_refused_at_once_with_a_reason(tmp_path: Path) -> None:
    path = fifo(tmp_path)
    start = time.perf_counter()
    with pytest.raises(X.FileAccessError) as caught:
        X.read(path)
    assert "pipe (FIFO)" in caught.value.en and "管道" in caught.value.zh
    assert "None" not in caught.value.en
    # The command line reads a FIFO as a stream (issue 11), waiting --wait seconds for a writer that never comes.
    result = runner.invoke(app, ["validate", str(path), "-f", "json", "--wait", "1"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    (finding,) = json.loads(result.stdout)["files"][0]["findings"]
    assert finding["rule"] == "SE-SYN-001" and "FIFO" in finding["message"]["en"]
    assert time.perf_counter() - start < 5  # nobody writes to it: one second's wait, no hang


def test_a_device_is_refused_not_read(tmp_path: Path) -> None:
    with pytest.raises(X.FileAccessError) as caught:
        X.detect_format("/dev/zero")
    assert "character device" in caught.value.en


@pytest.mark.parametrize("fmt", ["json", "jsonl", "xml"])
def test_the_clean_message_still_reads_clean(fmt: str, tmp_path: Path) -> None:
    from .corpus import clean

    path = tmp_path / f"m.{fmt}"
    path.write_bytes(clean(tmp_path, fmt))
    message = X.read(path)
    assert message.header.record_count == 6 == len(message.records)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("jsonl-header-line-over-1-mb", "jsonl"),  # over 1 MB it used to be taken for a JSON document
        ("jsonl-huge-integer-in-header", "json"),  # unreadable header: the document reader says where
        ("jsonl-without-header-line", "jsonl"),  # so the message says the header line is missing
        ("json-huge-integer-in-header", "json"),
        ("xml-utf-32", None),  # refused by the detector itself
    ],
)
def test_the_format_is_told_from_the_first_member_whatever_its_length(
    name: str, fmt: str | None, corpus: dict[str, Path]
) -> None:
    if fmt is None:
        with pytest.raises(X.EncodingError):
            X.detect_format(corpus[name])
    else:
        assert X.detect_format(corpus[name]) == fmt


ANY_JSON: list[Any] = [None, True, 7, 10**30, "", "x", [], [1], {}, {"a": 1}]


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_any_json_type_in_any_member_is_a_finding_not_a_crash(fmt: str, tmp_path: Path) -> None:
    """Each header member, record member and a data field set to each JSON type: a report, never an exception."""
    from sedata.validate import validate_file

    from .corpus import clean

    doc = json.loads(clean(tmp_path, "json"))
    places: list[tuple[str, ...]] = [("header", k) for k in doc["header"]]
    places += [("records", k) for k in ("recordType", "data", "operation", "recordKey", "recordVersion")]
    places += [("data", "designLifeYears"), ("data", "relatedUnits"), ("header",), ("records",)]
    path = tmp_path / f"m.{fmt}"
    for place in places:
        for value in ANY_JSON:
            changed = json.loads(json.dumps(doc))
            if place == ("header",) or place == ("records",):
                changed[place[0]] = value if fmt == "json" or place == ("header",) else [value]
            elif place[0] == "header":
                changed["header"][place[1]] = value
            elif place[0] == "records":
                changed["records"][1][place[1]] = value
            else:
                changed["records"][1]["data"][place[1]] = value
            if fmt == "json":
                path.write_text(json.dumps(changed), "utf-8")
            else:
                head = json.dumps({"header": changed["header"]})
                path.write_text("\n".join([head, *map(json.dumps, changed["records"])]) + "\n", "utf-8")
            report = validate_file(path)  # raises on a crash
            assert report.findings, (place, value)
