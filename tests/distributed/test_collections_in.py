"""Records of a Dask bag or dataframe validated as a message: the findings of the same records in a JSON Lines file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import dask
import pandas as pd
import pytest
from validate.conftest import SPEC  # tests/ is on sys.path (conftest.py)

from sedata.distributed import COLUMNAR, ROW, Message, MessageError, findings, validate_messages
from sedata.distributed.collections import _record_of
from sedata.distributed.findings import POSITION, rows_of
from sedata.exchange import open_message
from sedata.spec.envelope import envelope_names
from sedata.validate import validate_files

db = pytest.importorskip("dask.bag")
dd = pytest.importorskip("dask.dataframe")

TODAY = dt.date(2030, 1, 1)


def _data(report: Any) -> list[dict[str, Any]]:
    return [f.to_data() for f in report.files]


def _text_lines(path: Path) -> list[str]:
    """The record lines of a file as ``dask.bag.read_text`` gives them (line feed kept)."""
    return path.read_text("utf-8").splitlines(keepends=True)[1:]


def _named(data: list[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
    """The reports with each message's name put back to its file's path, as one process names it (also in the
    messages of other files' findings: "same as the record in NAME, line 2")."""
    text = json.dumps(data, ensure_ascii=False)
    for name, path in names.items():
        text = text.replace(json.dumps(name)[1:-1], json.dumps(path)[1:-1])
    loaded: list[dict[str, Any]] = json.loads(text)
    return loaded


def test_bags_of_lines_with_a_file_give_one_processs_findings(client: Any, run_files: list[Path]) -> None:
    a, b, c, _d = run_files
    one = _data(validate_files([a, b, c], spec=SPEC, today=TODAY))
    rules = {f["rule"] for r in one for f in r["findings"]}
    # Keys repeated across a message and a file, references broken, records repeated, defects: all in the run.
    assert {"SE-XRF-001", "SE-XRF-002", "SE-BIZ-010"} <= rules and len(rules) >= 6
    sources = [
        Message(db.from_sequence(_text_lines(a), npartitions=4), a, name="messages/a"),
        b,
        Message(db.from_sequence(_text_lines(c), npartitions=3), c, name="messages/c"),
    ]
    many = validate_messages(sources, client=client, spec=SPEC, today=TODAY)
    assert [r.file for r in many.files] == ["messages/a", str(b), "messages/c"]
    assert _named(_data(many), {"messages/a": str(a), "messages/c": str(c)}) == one


def test_a_bag_of_records_and_a_dataframe_of_records(client: Any, run_files: list[Path]) -> None:
    c = run_files[2]
    one = _data(validate_files([c], spec=SPEC, today=TODAY))
    records = [json.loads(line) for line in _text_lines(c)]
    with open_message(c, SPEC) as reader:
        header = reader.header  # a MessageHeader, not a path: the records could have come from anywhere
    bag = db.from_sequence(records, npartitions=3)
    with dask.config.set({"dataframe.convert-string": False}):  # else Dask turns the dicts of ``data`` into text
        frame = dd.from_pandas(pd.DataFrame(records), npartitions=3)
    # The table form: the data members as columns (a record without one has a null cell there).
    flat = dd.from_pandas(pd.DataFrame([{**{k: v for k, v in r.items() if k != "data"}, **r["data"]}
                                        for r in records]), npartitions=2)  # fmt: skip
    # The columnar engine's chunk function too (the CLI's): the seam is the same, the partitions must be too.
    for collection, engine in ((bag, ROW), (frame, COLUMNAR), (flat, COLUMNAR)):
        message = Message(collection, header, name=str(c))
        many = validate_messages([message], client=client, spec=SPEC, today=TODAY, engine=engine)
        assert _data(many) == one


def test_a_dataframe_row_is_a_record_with_its_data_members_as_columns() -> None:
    kind, operation, key = _NAMES.record_type, _NAMES.operation, _NAMES.record_key
    columns = [kind, operation, key, "equipmentCode", "usePlace", "data"]
    record = _record_of(("Equipment", "upsert", "K1", "E-1", float("nan"), None), columns, _WRAPPER)
    assert record == {kind: "Equipment", operation: "upsert", key: "K1", "data": {"equipmentCode": "E-1"}}
    given = {"equipmentCode": "E-2"}  # a ``data`` column is the record's data as it is
    assert _record_of(("Equipment", pd.NA, None, None, None, given), columns, _WRAPPER) == {
        kind: "Equipment",
        "data": given,
    }


_NAMES = envelope_names(SPEC)
_WRAPPER = frozenset({_NAMES.record_type, _NAMES.operation, _NAMES.record_key, _NAMES.record_version, "data"})


def test_a_header_that_does_not_read_is_refused_before_the_run(client: Any) -> None:
    from sedata.exchange import ExchangeError

    bag = db.from_sequence(["{}\n"], npartitions=1)
    with pytest.raises(ExchangeError) as caught:
        validate_messages([Message(bag, {"specVersion": "0.0.1"})], client=client, spec=SPEC, today=TODAY)
    assert "0.0.1" in str(caught.value)


def test_what_is_not_records_is_refused_with_where_it_is(client: Any, run_files: list[Path]) -> None:
    c = run_files[2]
    with pytest.raises(MessageError, match=r"dask\.bag\.Bag"):
        validate_messages([Message(["a list"], c)], client=client, spec=SPEC, today=TODAY)
    bag = db.from_sequence([{"recordType": "Inspection"}, {1, 2}], npartitions=1)
    with pytest.raises(MessageError) as caught:  # raised on a worker, the same error on the client
        validate_messages([Message(bag, c)], client=client, spec=SPEC, today=TODAY)
    assert "item 1 of partition 0" in caught.value.en and "第 0 分区第 1 项" in caught.value.zh


def test_findings_of_a_report_as_a_dask_dataframe(client: Any, run_files: list[Path]) -> None:
    report = validate_files(run_files[:3], spec=SPEC, today=TODAY)
    frame = findings(report)
    assert frame.npartitions == 3
    got = client.compute(frame).result().sort_values(POSITION).reset_index(drop=True)
    expected = pd.concat([rows_of(f.findings, n) for n, f in enumerate(report.files)])
    pd.testing.assert_frame_equal(got, expected.sort_values(POSITION).reset_index(drop=True))


def test_messages_with_their_findings_written_by_the_workers(
    client: Any, run_files: list[Path], tmp_path: Path
) -> None:
    from sedata.distributed import validate_messages_to
    from sedata.distributed.collect import PARQUET
    from sedata.distributed.findings import finding_of

    a, b, c, _d = run_files
    one = validate_files([a, b, c], spec=SPEC, today=TODAY)
    sources = [
        Message(db.from_sequence(_text_lines(a), npartitions=3), a, name=str(a)),
        b,
        Message(db.from_sequence(_text_lines(c), npartitions=3), c, name=str(c)),
    ]
    out = validate_messages_to(sources, tmp_path, client=client, spec=SPEC, today=TODAY)
    table = pd.read_parquet(tmp_path / PARQUET)
    written = sorted((finding_of(row).to_data() for row in table.to_dict("records")), key=json.dumps)
    expected = sorted((f.to_data() for f in one.findings), key=json.dumps)
    assert {"SE-XRF-001", "SE-XRF-002", "SE-BIZ-010"} <= {f["rule"] for f in expected}
    assert written == expected  # cross-record findings of the messages placed (columns) by their workers too
    assert out.report.to_data()["summary"] == one.to_data()["summary"]
    assert [f.file for f in out.report.files] == [str(a), str(b), str(c)]
