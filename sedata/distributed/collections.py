"""Records from a Dask bag or dataframe validated on the cluster as one message; findings as a Dask dataframe.

A :class:`Message` is records of one message held in a Dask collection: a bag of JSON Lines text lines, a bag
of records in the exchange record form (``{"recordType": …, "operation": …, "recordKey": …, "data": {…}}``),
or a dataframe whose rows are such records. Records carry no header, so the message's header is given (the
header of an existing file, a ``MessageHeader`` or its data). :func:`validate_messages` validates them as the
JSON Lines file made of that header and those records, one line each, would be validated: every partition of
the collection is one partition of that file, run through the engine's per-chunk function (written to a
temporary file on the worker, which then places the findings in their line), and the run-wide checks are
the key shuffle of :mod:`sedata.distributed.keys`, with files and reference datasets of the same run.
:func:`findings` gives a run's findings as a Dask dataframe of :data:`~sedata.distributed.findings.ROW_TYPES`.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import importlib
import math
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sedata import __version__
from sedata.distributed.collect import (
    _COUNT_META,
    PARQUET,
    Outcome,
    _clear,
    _Collecting,
    _cross_counts,
    _cross_rows,
    streamed,
    write_report,
)
from sedata.distributed.findings import FileSummary, empty_rows, rows_of
from sedata.distributed.partitions import ROW, Chunk, ChunkResult, Engine, FilePlan, Options
from sedata.distributed.run import _connect, _folded, _Found, _Problems, _Run
from sedata.elements import MessageHeader
from sedata.exchange import open_message
from sedata.exchange.header import header_data, parse_header
from sedata.exchange.jsonl import dumps
from sedata.spec import Spec, current
from sedata.spec.envelope import DATA, HEADER, envelope_names
from sedata.validate.engine import Signatures
from sedata.validate.places import locate, locate_all
from sedata.validate.profile import Profile
from sedata.validate.report import FileReport, Finding, Report, Severity, store_of
from sedata.validate.run import _reference_report, _run_findings

__all__ = ["Message", "MessageError", "findings", "validate_messages", "validate_messages_to"]


class MessageError(TypeError):
    """Records that are not what a :class:`Message` holds, or a summary taken for all findings; bilingual."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en
        super().__init__(f"{zh} / {en}")

    def __reduce__(self) -> tuple[type[MessageError], tuple[str, str]]:
        return type(self), (self.zh, self.en)  # raised on a worker, unpickled on the client


Header = MessageHeader | Mapping[str, Any] | str | os.PathLike[str]
"""A message's header: a ``MessageHeader``, its data (exchange names), or the path of a message to take it from."""


@dataclass(frozen=True)
class Message:
    """Records of one message in a Dask collection, validated as the JSON Lines file ``header`` + records.

    ``records``: a ``dask.bag.Bag`` of text lines (``str`` or ``bytes``, one record each; a trailing line feed,
    as ``dask.bag.read_text`` leaves it, is not part of the line) or of records in the exchange record form
    (dicts, written as compact JSON in the order given); or a ``dask.dataframe.DataFrame`` whose rows are
    records: its columns are the envelope names (``recordType``, ``operation``, ``recordKey``,
    ``recordVersion``) and either ``data`` (a dict a row) or the data members themselves. A null cell is a
    member left out (give integer columns a nullable dtype, or 3 is written 3.0). ``header``: the header the
    records are checked against, including its record count and digest, as a file's would be (a header made
    for other records gets the count and digest findings of such a file). ``name``: the file name the report
    and the findings carry.
    """

    records: Any
    header: Header
    name: str = "records.jsonl"


def validate_messages(
    sources: Iterable[str | os.PathLike[str] | Message],
    *,
    client: Any = None,
    fail_on: Severity = "error",
    max_errors: int | None = None,
    spec: Spec | None = None,
    today: dt.date | None = None,
    ledger: str | os.PathLike[str] | None = None,
    signatures: Signatures | None = None,
    references: Iterable[str | os.PathLike[str]] = (),
    engine: Engine = ROW,
    partition_bytes: int | None = None,
) -> Report:
    """Validate files and messages (:class:`Message`) as one run on a Dask cluster; the report of one process.

    Each message's report and findings equal those :func:`sedata.validate.validate_files` gives for the file
    of its header and records, named :attr:`Message.name`; keys repeated and references resolved across all
    sources are checked by the key shuffle. A message's partitions are held (as text) on the workers for the
    run; the collection is computed once. The options are :func:`sedata.distributed.validate`'s (without
    ``progress``: a message has no bytes of a file to count).
    """
    spec = spec or current()
    references = [str(r) for r in references]
    with _header_folder() as folder, _connect(client) as dask_client:
        plans = _plans(sources, dask_client, spec, Path(folder))
        with _folded(
            _MessageRun, plans, client=dask_client, partition_bytes=partition_bytes, fail_on=fail_on,
            max_errors=max_errors, spec=spec, today=today, ledger=ledger, signatures=signatures,
            references=references, engine=engine, progress=None,
        ) as run:  # fmt: skip
            found, unchecked = run.cross_record()
            for plan in run.plans:
                if isinstance(plan, _MessagePlan):
                    found[plan.path] = _placed_remotely(dask_client, plan, found.get(plan.path, []))
            problems = run.client.gather([r[0] for r in run.refs])
        files = run.files
        _run_findings(files, _Found(found, unchecked))
        for path, found_there in zip(references, problems, strict=True):
            report = _reference_report(path, _Problems(found_there), spec, fail_on)
            if report is not None:
                files.append(report)
        locate_all(files)  # a message's header findings are placed in its header file, here
        for plan, report in zip(run.plans, files, strict=False):
            if isinstance(plan, _MessagePlan):
                _rename(report, plan.name)
    return Report(files, spec.info.spec_version, __version__, fail_on)


def validate_messages_to(
    sources: Iterable[str | os.PathLike[str] | Message],
    out: str | os.PathLike[str],
    *,
    client: Any = None,
    fail_on: Severity = "error",
    max_errors: int | None = None,
    spec: Spec | None = None,
    today: dt.date | None = None,
    ledger: str | os.PathLike[str] | None = None,
    signatures: Signatures | None = None,
    references: Iterable[str | os.PathLike[str]] = (),
    engine: Engine = ROW,
    partition_bytes: int | None = None,
    profile: Profile | None = None,
) -> Outcome:
    """:func:`validate_messages` with the findings written by the workers, as :func:`~sedata.distributed.validate_to`.

    A message's partitions' findings are written by the workers holding them, its cross-record findings placed
    by those workers too; the :class:`Outcome`'s summary and findings are those ``validate_to`` gives for the
    files of the messages' headers and records.
    """
    spec = spec or current()
    sources = list(sources)
    folder = Path(out)
    _clear(folder)
    with _header_folder() as heads, _connect(client) as dask_client:
        if max_errors is not None:  # few findings a file: gathered as by validate_messages
            report = validate_messages(
                sources, client=dask_client, fail_on=fail_on, max_errors=max_errors, spec=spec, today=today,
                ledger=ledger, signatures=signatures, references=references, engine=engine,
                partition_bytes=partition_bytes,
            )  # fmt: skip
            return write_report(report, folder, dask_client, spec, profile, False)
        return streamed(
            _MessageCollecting, _plans(sources, dask_client, spec, Path(heads)), folder, client=dask_client,
            partition_bytes=partition_bytes, fail_on=fail_on, spec=spec, today=today, ledger=ledger,
            signatures=signatures, references=references, engine=engine, progress=None, profile=profile,
        )  # fmt: skip


def findings(source: Report | Outcome | str | os.PathLike[str]) -> Any:
    """A run's findings as a ``dask.dataframe`` of :data:`~sedata.distributed.findings.ROW_TYPES` rows.

    ``source``: a report (one partition a file, made when computed), the :class:`Outcome` of
    :func:`sedata.distributed.validate_to`, or the folder it wrote (its Parquet, read lazily).
    """
    import dask
    from dask.delayed import delayed

    dd: Any = importlib.import_module("dask.dataframe")  # partly untyped
    if isinstance(source, Outcome):
        return source.findings
    if isinstance(source, Report):
        from sedata.distributed.findings import Summary

        if isinstance(source, Summary):
            raise MessageError(
                "摘要报告只列出客户端的发现；请使用 validate_to 的 Outcome.findings 或其写出的目录",
                "a summary lists only the client's findings: use validate_to's Outcome.findings or its folder",
            )
        parts = [delayed(rows_of)(list(f.findings), n) for n, f in enumerate(source.files)]
        with dask.config.set({"dataframe.convert-string": False}):  # the columns of ROW_TYPES, as Parquet gives them
            if not parts:
                return dd.from_pandas(empty_rows(), npartitions=1)
            return dd.from_delayed(parts, meta=empty_rows(), verify_meta=False)
    return dd.read_parquet(Path(source) / PARQUET)


# --- the records of a message, as the partitions of a JSON Lines file -------------------------------------


@dataclass(frozen=True)
class _MessagePlan(FilePlan):
    """A message's plan: ``path`` is its header alone, on the client; each chunk's lines are on the workers."""

    name: str = ""
    head: bytes = b""
    """The header line, line feed included (line 1 of the file the records are checked as)."""
    texts: tuple[Any, ...] = ()
    """Futures of each partition's lines (bytes, each line ending in a line feed)."""

    @property
    def label(self) -> str:
        return self.name


def _header_folder() -> tempfile.TemporaryDirectory[str]:
    """A private folder for the messages' header files on the client (removed after the run)."""
    return tempfile.TemporaryDirectory(prefix="sedata-messages-")


def _plans(
    sources: Iterable[str | os.PathLike[str] | Message], client: Any, spec: Spec, heads: Path
) -> list[str | os.PathLike[str] | FilePlan]:
    """The run's files as given, and a plan for each message (its header line written in ``heads``)."""
    plans: list[str | os.PathLike[str] | FilePlan] = []
    for number, source in enumerate(sources):
        if isinstance(source, Message):
            plans.append(_plan(source, client, spec, heads / f"{number}.jsonl"))
        else:
            plans.append(source)
    return plans


def _header_line(header: Header, spec: Spec) -> tuple[bytes, MessageHeader]:
    """The header line of the message and its header (a bad one raises the reader's bilingual error)."""
    if isinstance(header, MessageHeader):
        parsed = header
    elif isinstance(header, Mapping):
        parsed = parse_header(dict(header), spec)
    else:
        with open_message(header, spec) as reader:
            parsed = reader.header
    return dumps({HEADER: header_data(parsed, spec)}) + b"\n", parsed


def _plan(message: Message, client: Any, spec: Spec, path: Path) -> _MessagePlan:
    """Send the collection's partitions to the workers as text and lay them end to end after the header."""
    from dask.delayed import delayed

    head, header = _header_line(message.header, spec)
    path.write_bytes(head)
    kind = _kind(message.records)
    parts = message.records.to_delayed()
    if kind == "frame":
        names = envelope_names(spec)
        wrapper = frozenset({names.record_type, names.operation, names.record_key, names.record_version, DATA})
        texts = client.compute([delayed(_frame_lines)(p, n, wrapper) for n, p in enumerate(parts)])
    else:
        texts = client.compute([delayed(_bag_lines)(p, n) for n, p in enumerate(parts)])
    sizes = client.gather(client.map(_size, texts))
    chunks: list[Chunk] = []
    start, line = len(head), 2
    for size, lines in sizes:
        chunks.append(Chunk(start, start + size, line))
        start, line = start + size, line + lines
    package = (header.message_id, header.digest)
    return _MessagePlan(str(path), chunks, package, header.message_type, message.name, head, tuple(texts))


def _kind(records: Any) -> str:
    import dask.bag
    import dask.dataframe

    if isinstance(records, dask.dataframe.DataFrame):
        return "frame"
    if isinstance(records, dask.bag.Bag):
        return "bag"
    raise MessageError(
        f"记录应为 dask.bag.Bag 或 dask.dataframe.DataFrame，而不是 {type(records).__name__}",
        f"records must be a dask.bag.Bag or a dask.dataframe.DataFrame, not {type(records).__name__}",
    )


def _bag_lines(items: Iterable[Any], partition: int) -> bytes:
    """A bag partition's records as JSON Lines (runs on a worker)."""
    out = bytearray()
    for n, item in enumerate(items):
        if isinstance(item, str):
            item = item.encode("utf-8", "surrogatepass")
        if isinstance(item, bytes | bytearray):
            out += item[:-1] if item.endswith(b"\n") else item
        else:
            try:
                out += dumps(item)
            except (TypeError, ValueError) as exc:
                raise MessageError(
                    f"第 {partition} 分区第 {n} 项不是文本行，也不能写成 JSON：{exc}",
                    f"item {n} of partition {partition} is neither a text line nor JSON data: {exc}",
                ) from None
        out += b"\n"
    return bytes(out)


def _frame_lines(frame: Any, partition: int, wrapper: frozenset[str]) -> bytes:
    """A dataframe partition's rows as records in the exchange record form, one JSON line each (on a worker)."""
    rows = frame.itertuples(index=False, name=None)
    return _bag_lines((_record_of(row, list(frame.columns), wrapper) for row in rows), partition)


def _record_of(row: tuple[Any, ...], columns: list[str], wrapper: frozenset[str]) -> dict[str, Any]:
    """A row as a record: envelope columns and ``data`` as they are, other columns under ``data`` (nulls left out)."""
    record: dict[str, Any] = {}
    data: dict[str, Any] = {}
    for column, value in zip(columns, row, strict=True):
        if _null(value):
            continue
        value = value.item() if hasattr(value, "item") and not isinstance(value, dict | list) else value
        if column in wrapper:
            record[column] = value
        else:
            data[column] = value
    if data and DATA not in record:
        record[DATA] = data
    return record


def _null(value: Any) -> bool:
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _size(text: bytes) -> tuple[int, int]:
    return len(text), text.count(b"\n")


def _message_chunk(
    text: bytes, head: bytes, chunk: Chunk, options: Options, run: Callable[..., ChunkResult], name: str
) -> ChunkResult:
    """One partition of a message through the engine's per-chunk function, its findings placed in their line."""
    with tempfile.TemporaryDirectory(prefix="sedata-part-") as folder:
        path = os.path.join(folder, "part.jsonl")
        start = _spool(path, head, text)
        result = run(path, Chunk(start, start + len(text), chunk.line), options)
        result.findings = _locate(list(result.findings), path, chunk.line, name)
    return result


def _place(text: bytes, head: bytes, first_line: int, found: list[Finding], name: str) -> list[Finding]:
    """The cross-record findings of one partition's records placed in their lines (on a worker)."""
    with tempfile.TemporaryDirectory(prefix="sedata-part-") as folder:
        path = os.path.join(folder, "part.jsonl")
        _spool(path, head, text)
        return _locate(found, path, first_line, name)


def _spool(path: str, head: bytes, text: bytes) -> int:
    with open(path, "wb") as out:
        out.write(head)
        out.write(text)
    return len(head)


def _locate(found: list[Finding], path: str, first_line: int, name: str) -> list[Finding]:
    """``found`` placed in the partition file ``path`` (header, then the lines from ``first_line`` on).

    The file holds the header and this partition's lines only, so the lines are moved to the file's numbers
    to be placed, and back; every finding is then said to be in ``name``.
    """
    shift = first_line - 2
    moved = [_at(f, -shift) if f.line is not None and f.line >= first_line else f for f in found]
    report = FileReport(path, format="jsonl", findings=moved)
    locate(report)
    out = []
    for before, after in zip(found, store_of(report.findings), strict=True):
        back = _at(after, shift) if before.line is not None and before.line >= first_line else after
        out.append(dataclasses.replace(back, file=name))
    return out


def _at(f: Finding, by: int) -> Finding:
    return dataclasses.replace(f, line=None if f.line is None else f.line + by)


def _placed_remotely(client: Any, plan: _MessagePlan, found: list[Finding]) -> list[Finding]:
    """A message's cross-record findings placed by the workers holding its partitions, in the order given."""
    starts = [c.line for c in plan.chunks or ()]
    by_part: dict[int, list[int]] = {}
    for at, f in enumerate(found):
        if f.line is not None and f.line >= 2:
            by_part.setdefault(bisect.bisect_right(starts, f.line) - 1, []).append(at)
    out = list(found)
    futures = {
        part: client.submit(_place, plan.texts[part], plan.head, starts[part], [found[i] for i in ats], plan.name)
        for part, ats in by_part.items()
    }
    for part, future in futures.items():
        for at, placed in zip(by_part[part], future.result(), strict=True):
            out[at] = placed
    return out


def _rename(report: FileReport, name: str) -> None:
    """The message's report and findings under its own name instead of its header file's."""
    report.file = name
    store = store_of(report.findings)
    store.replace_all(f if f.file == name else dataclasses.replace(f, file=name) for f in store)


class _MessageRun(_Run):
    """A run whose messages' partitions are the text the workers hold, not byte ranges of a file."""

    def submit(self, number: int, plan: FilePlan, indexed: bool) -> None:
        if not isinstance(plan, _MessagePlan):
            _Run.submit(self, number, plan, indexed)
            return
        for part, (chunk, text) in enumerate(zip(plan.chunks or (), plan.texts, strict=True)):
            args = (text, plan.head, chunk, self.options, self.engine.chunk, plan.name)
            self.queue.append((number, part, _message_chunk, args, indexed))


def _message_rows(result: ChunkResult, number: int) -> pd.DataFrame:
    """A message partition's findings as rows: placed already, on the worker that made them."""
    return rows_of(result.findings, number)


def _other_files(table: pd.DataFrame, skip: frozenset[int], names: list[str], formats: dict[int, Any]) -> pd.DataFrame:
    """The cross-record findings of files (not messages) of one shuffled partition as rows, placed in their files."""
    return _cross_rows(table[~table["file"].isin(skip)], names, formats)


def _cross_in(table: pd.DataFrame, file: int, first: int, end: int | None) -> list[Finding]:
    """The cross-record findings of one shuffled partition on lines ``[first, end)`` of message ``file``."""
    table = table[(table["file"] == file) & ~table["unchecked"]]
    out = []
    for f in table["finding"]:
        line = f.line if f.line is not None else first  # none is without a line; if one were, it is not lost
        if line >= first and (end is None or line < end):
            out.append(f)
    return out


def _placed_rows(text: bytes, head: bytes, first: int, pieces: list[list[Finding]], name: str, file: int) -> Any:
    """A message partition's cross-record findings placed in its lines (on a worker holding its text), as rows."""
    found = sorted((f for piece in pieces for f in piece), key=lambda f: (f.line is None, f.line or 0))
    return rows_of(_place(text, head, first, found, name), file) if found else empty_rows()


class _MessageCollecting(_MessageRun, _Collecting):
    """:class:`_Collecting` whose messages' findings are placed by the workers holding their partitions."""

    def derive(self, result: Any, number: int, part: int, path: Any) -> None:
        if not isinstance(self.plans[number], _MessagePlan):
            _Collecting.derive(self, result, number, part, path)
            return
        self.found.setdefault(number, []).append(self.client.submit(_message_rows, result, number))

    def write_cross(self, files: list[FileSummary]) -> list[Any]:
        """The cross-record findings as Dask frames for the client's write: a message's are placed by the
        workers holding its text, not where its keys are checked, so they cannot be written there."""
        if not any(isinstance(p, _MessagePlan) for p in self.plans):
            return _Collecting.write_cross(self, files)
        import dask

        checked = self.checked()
        if checked is None:
            return []
        with dask.config.set({"dataframe.convert-string": False}):
            if self.progress is not None:
                from sedata.distributed.progress import show

                checked = show(self.client, checked, "键与引用 / keys and references")
            else:
                checked = self.client.persist(checked)
            frames = self.cross_rows(checked, files)
            self._add_cross(
                files, self.client.compute(checked.map_partitions(_cross_counts, meta=_COUNT_META)).result()
            )
        return frames

    def cross_rows(self, checked: Any, files: list[FileSummary]) -> list[Any]:
        from dask.delayed import delayed

        dd: Any = importlib.import_module("dask.dataframe")  # partly untyped
        messages = {n: p for n, p in enumerate(self.plans) if isinstance(p, _MessagePlan)}
        names = [f.file for f in files]
        formats = {n: (f.format, f.stopped) for n, f in enumerate(files)}
        frames = [checked.map_partitions(_other_files, frozenset(messages), names, formats, meta=empty_rows())]
        pieces = checked.to_delayed()
        placed = []
        for number, plan in messages.items():
            starts = [c.line for c in plan.chunks or ()]
            for part, text in enumerate(plan.texts):
                end = starts[part + 1] if part + 1 < len(starts) else None
                found = [delayed(_cross_in)(piece, number, starts[part], end) for piece in pieces]
                placed.append(delayed(_placed_rows)(text, plan.head, starts[part], found, plan.name, number))
        if placed:
            frames.append(dd.from_delayed(placed, meta=empty_rows(), verify_meta=False))
        return frames

    def named(self, files: list[FileSummary]) -> None:
        for plan, report in zip(self.plans, files, strict=False):
            if isinstance(plan, _MessagePlan):
                _rename(report, plan.name)
