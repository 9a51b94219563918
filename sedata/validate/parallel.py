"""Validation in several processes (``--jobs N``), with the same findings as one process.

Files are validated side by side. A large JSON Lines file is also split into chunks of whole lines,
validated in parallel; the main process then does what needs the whole file, in file order: it folds
each chunk's records into the digest (read from the file where their canonical lines are their lines as
written: a chunk sends back only the lines that differ), checks count and digest against the header, feeds
the run's key index (keys repeated within or across files, references: workers send back only the members
the index reads) and the channel ledger, and reports a blank line that ends a chunk when records follow.
Line numbers and record indexes are counted in the main process as each chunk goes out, so every location
is the one a single process reports.

XML and JSON documents are not split (their records can only be found by parsing from the start), so
``--jobs`` speeds them up only when there are several files; a large one is validated in the main
process rather than sent back record by record. At most ``2 × jobs`` chunks are in flight, so memory
stays bounded whatever the file size.
"""

from __future__ import annotations

import datetime as dt
import itertools
import multiprocessing
import os
import sys
from array import array
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, BinaryIO, NamedTuple

import orjson

from sedata.exchange import ExchangeError, StructureError, open_message
from sedata.exchange.detect import detect_format
from sedata.exchange.jsonl import JsonlReader
from sedata.exchange.reader import integrity_error
from sedata.exchange.records import Digester, Record
from sedata.ledger import Ledger
from sedata.spec import Spec, current
from sedata.spec.envelope import DATA, EnvelopeNames
from sedata.validate.context import FileContext, Where
from sedata.validate.engine import (
    FileRun,
    RecordsRun,
    active_layers,
    after_read,
    file_size,
    finish,
    same_package,
    validate_file,
)
from sedata.validate.layers import registry, syntax
from sedata.validate.layers.base import FileAt, Given, Signatures
from sedata.validate.layers.crossfile import CrossRecord, members_read
from sedata.validate.report import FileReport, Finding, Severity, Stop
from sedata.validate.shapes import DataPath, masked_key, shapes

CHUNK_BYTES = 8 << 20
"""Least size of one chunk; a file is split only when it holds at least two."""
CHUNK_MOST_BYTES = 16 << 20
"""Largest size of one chunk (a worker holds what it found in one; at most ``2 × jobs`` are in flight). Measured
with ``--jobs 2`` on 1M records (667 MB, columnar): peak RSS of the main process / a worker 231 / 246 MiB at
64 MiB, 187 / 229 at 32, 172 / 219 at 16, for the same CPU time (a chunk of whole batches costs ~10 ms more)."""


@dataclass
class Chunk:
    """Lines ``[start, end)`` of a JSON Lines file, the first being line number ``line``."""

    start: int
    end: int
    line: int


@dataclass
class ChunkResult:
    """What a worker found in one chunk, and what the main process needs to finish the file."""

    findings: list[Finding]
    records: int
    canonical: bytes
    """The chunk's canonical record lines, each followed by a line feed (for the file's digest)."""
    trailing_blank: int | None = None
    stopped: Stop | None = None
    lite: list[_Lite] = field(default_factory=list)
    keys: list[KeyGroup] = field(default_factory=list)
    """Keys taken in bulk (with ``_Options.bulk``): their records are not in ``lite``."""
    written: list[Span | bytes] | None = None
    """With ``_Options.as_written`` (``canonical`` is then empty): the digest's input in order, as spans of the
    file whose records are as written and, one by one, the canonical lines of the others (no line feed)."""


class Span(NamedTuple):
    """Bytes ``[start, end)`` of a file: whole record lines, line feeds included, that are their canonical lines."""

    start: int
    end: int
    records: int


@dataclass(slots=True)
class KeyGroup:
    """The keys of one record type in one screened batch of a chunk, for the run's index to take in bulk.

    The screen vouched that no two are alike and none is shared with another row of the batch
    (:mod:`sedata.columnar.keys`), so the main process hands them to ``observe_keys`` as one process does, and
    observes row by row only those it leaves (a repeat, a reference nothing resolves yet), read again from the
    chunk's canonical lines. Three arrays and a list instead of a tuple and a dict per record: what is pickled
    back and unpickled per record is a few bytes.
    """

    batch: int
    """The batch of the chunk the keys come from: a batch's groups are taken together, before its rows."""
    at: int
    """How many rows of ``ChunkResult.lite`` came before (rows of earlier batches)."""
    kind: str
    keys: list[str]
    datas: list[dict[str, Any]] | None
    """Per key, the members its references read (None: the record type names no other entity)."""
    indexes: array[int]
    lines: array[int]


@dataclass
class _Options:
    spec: Spec | None  # None: the packaged spec, loaded by each worker (cheaper than sending it)
    fail_on: Severity
    max_errors: int | None
    today: dt.date
    layers: tuple[str, ...]
    signatures: Signatures | None = None
    lite: bool = False
    """Send back what the cross-record index reads of each record."""
    records: RecordsRun | None = None
    """The engine's records check of a whole file (None: the row engine's; see :func:`validate_file`)."""
    bulk: bool = False
    """With ``lite``: a chunk may send keys vouched for by a screen as :class:`KeyGroup` (the main process
    replays them); without, every record the index reads is in ``lite`` (as Dask's key shuffle wants)."""
    as_written: bool = False
    """A chunk sends back ``ChunkResult.written`` rather than all its canonical lines (the reducer reads the file
    itself: about the file's size less through the pipes); the row engine's chunk function ignores it."""


def validate_parallel(
    paths: list[str | os.PathLike[str]],
    jobs: int,
    *,
    fail_on: Severity,
    max_errors: int | None,
    spec: Spec,
    today: dt.date,
    progress: Callable[[str, int, int], None] | None = None,
    chunk_bytes: int | None = None,
    ledger: Ledger | None = None,
    signatures: Signatures | None = None,
    observer: CrossRecord,
    records: RecordsRun | None = None,
    chunk_fn: ChunkFunction | None = None,
    chunk_rows: int = 1,
) -> list[FileReport]:
    """Validate ``paths`` in ``jobs`` processes; reports in the order of ``paths``.

    ``records`` is the engine's records check of a whole file and ``chunk_fn`` its check of a chunk (default:
    the row engine's, :func:`_chunk`; the columnar engine's is :func:`sedata.columnar.chunk.chunk`), which checks
    lines in batches of ``chunk_rows`` (chunks are then made of whole batches, see :func:`_chunks`).

    The ledger and the cross-record index (``observer``) live in this process only and are fed file by file
    in the order of ``paths``: workers send back what the index reads of each record (a few members), and a
    large file that cannot be split is validated here rather than sent whole through a pipe.
    """
    chunk_bytes = chunk_bytes or CHUNK_BYTES  # read at call time, so that tests can make chunks tiny
    layers = active_layers(ledger=ledger is not None, signatures=signatures is not None, run=observer is not None)
    options = _Options(
        None if spec is current() else spec,
        fail_on,
        max_errors,
        today,
        layers,
        signatures,
        observer is not None,
        records,
        bulk=observer is not None,
        as_written=True,
    )
    plans = [(p, _planned(p, spec, _chunk_bytes(file_size(p), jobs, chunk_bytes), chunk_rows)) for p in paths]
    here = {i for i, (p, chunks) in enumerate(plans) if chunks is None and observer and file_size(p) > chunk_bytes}
    # No more processes than there are tasks: --jobs 100000 on a 3-record file once started 100,000.
    tasks = sum(1 if chunks is None else chunks.least for i, (_, chunks) in enumerate(plans) if i not in here)
    requested, jobs = jobs, max(1, min(jobs, tasks))
    # Forkserver workers start only as tasks need them, so the pool kept for the next run may be the size asked
    # for, up to the machine's cores: a hostile --jobs 100000 never even sizes a pool past them (tests/hostile).
    fresh = (chunk_fn is not None or records is not None) and _threaded()
    pool = _pool(min(requested, max(jobs, os.cpu_count() or 1)) if fresh else jobs, fresh)
    with _Window(pool, 2 * jobs) as window:
        for i, (path, chunks) in enumerate(plans):
            if i in here:
                continue
            if chunks is None:
                window.submit(_whole, path, options)
            else:  # chunks are found as they are submitted: the first goes out before the file is read through
                window.submit_each(chunk_fn or _chunk, path, chunks, options)
        results = window.results()
        reports: list[FileReport] = []
        for i, (path, chunks) in enumerate(plans):
            total = file_size(path)
            if i in here:
                report = validate_file(
                    path,
                    fail_on=fail_on,
                    max_errors=max_errors,
                    spec=spec,
                    today=today,
                    ledger=ledger,
                    signatures=signatures,
                    observer=observer,
                    records=records,
                )
            elif chunks is None:
                report, lite = next(results)
                if observer is not None and report.format is not None:
                    _feed(observer, report, path, spec, lite)
                if ledger is not None and report.format is not None:
                    _sequence(report, path, spec, ledger)
            else:
                report = _merge(path, chunks, results, spec, options, progress, total, ledger, observer)
            reports.append(report)
            if progress is not None:
                progress(str(path), total, total)
    return reports


_POOL: tuple[tuple[int, int, bool], ProcessPoolExecutor] | None = None
"""The worker processes of the last run, kept for the next one: (process id, workers, fresh), pool."""


def _pool(jobs: int, fresh: bool) -> ProcessPoolExecutor:
    """Worker processes for ``jobs`` at a time, the same from one run to the next in this process.

    A worker costs about half a second of CPU to start (polars, the compiled screen); a program or test suite
    that validates many times with ``--jobs`` pays it once. A pool left broken by a worker that died, or
    inherited through ``fork``, is replaced. With ``fresh`` (see :func:`_threaded`), workers are forked from a
    server process (:func:`_fresh`) and started only as tasks need them.
    """
    global _POOL
    key = (os.getpid(), jobs, fresh)
    if _POOL is not None:
        made, pool = _POOL
        if made == key and not getattr(pool, "_broken", False):
            return pool
        if made[0] == key[0]:
            pool.shutdown(wait=False, cancel_futures=True)
    threads = max(1, (os.cpu_count() or 1) // jobs)
    pool = ProcessPoolExecutor(
        max_workers=jobs, mp_context=_fresh() if fresh else None, initializer=_worker_start, initargs=(threads,)
    )
    _POOL = key, pool
    return pool


def _worker_start(threads: int) -> None:
    """Start a worker: its share of the cores for polars' thread pool (as large as the machine otherwise: two
    workers on two cores ran four threads), unless the user chose a size. Polars is not loaded yet: workers
    come from a process that has not loaded it (:func:`_threaded`) and read the setting when they load it."""
    os.environ.setdefault("POLARS_MAX_THREADS", str(threads))


def shutdown_workers() -> None:
    """Stop the worker processes kept for the next ``--jobs`` run (they also stop when this process exits)."""
    global _POOL
    if _POOL is not None and _POOL[0][0] == os.getpid():
        _POOL[1].shutdown(wait=True, cancel_futures=True)
    _POOL = None


def _threaded() -> bool:
    """Whether this process has loaded a library whose thread pool a forked worker would inherit in a state it
    cannot use (polars', pyarrow's): workers then come from a server process instead (:func:`_fresh`).

    A plain fork is preferred otherwise: a worker then starts with the validator imported, at no CPU cost, where
    the server process imports it once more (about 0.5 s) and each worker reads its own copy.
    """
    return "polars" in sys.modules or "pyarrow" in sys.modules


def _fresh() -> Any:
    """Workers forked from a server process that has not loaded polars (a worker forked from a process that has
    hangs in polars' thread pool), with the validator already imported (spawning each worker would import it)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["sedata.validate.parallel"])
    return context


class _Window:
    """Submits tasks lazily, at most ``size`` ahead of the results taken, and yields results in order."""

    def __init__(self, pool: ProcessPoolExecutor, size: int):
        self.pool, self.size = pool, size
        self.tasks: list[Iterable[tuple[Callable[..., Any], tuple[Any, ...]]]] = []
        self.pending: list[Future[Any]] = []

    def __enter__(self) -> _Window:
        return self

    def __exit__(self, *exc: object) -> None:
        # The pool outlives the run: tasks of a run that ended early (an error) must not run on for nothing.
        for future in self.pending:
            future.cancel()
        self.pending.clear()

    def submit(self, fn: Callable[..., Any], *args: Any) -> None:
        self.tasks.append([(fn, args)])

    def submit_each(self, fn: Callable[..., Any], path: Any, chunks: Iterable[Chunk], options: Any) -> None:
        """A task per chunk, each taken from ``chunks`` when it is submitted."""
        self.tasks.append((fn, (path, chunk, options)) for chunk in chunks)

    def results(self) -> Iterator[Any]:
        """Submit the first tasks now (forked workers start here, before this process loads anything more), and
        yield the results in order, submitting one more task as each is taken."""
        pending = self.pending
        tasks = itertools.chain.from_iterable(self.tasks)
        for fn, args in tasks:
            pending.append(self.pool.submit(fn, *args))
            if len(pending) >= self.size:
                break
        return self._taken(tasks)

    def _taken(self, tasks: Iterator[tuple[Callable[..., Any], tuple[Any, ...]]]) -> Iterator[Any]:
        pending = self.pending
        while pending:
            result = pending.pop(0).result()
            for fn, args in tasks:
                pending.append(self.pool.submit(fn, *args))
                break
            yield result


def _chunk_bytes(size: int, jobs: int, least: int) -> int:
    """The chunk size for a file of ``size`` bytes: about four chunks per worker, so that each worker starts
    few chunks (each reads the header again and plans the screen) and all finish at about the same time."""
    return max(least, min(size // (4 * jobs), CHUNK_MOST_BYTES))


def _chunks(path: str | os.PathLike[str], spec: Spec, chunk_bytes: int, rows: int = 1) -> list[Chunk] | None:
    """The chunks of a large, readable JSON Lines file (None: validate it whole); see :func:`_each_chunk`."""
    planned = _planned(path, spec, chunk_bytes, rows)
    return None if planned is None else list(planned)


def _planned(path: str | os.PathLike[str], spec: Spec, chunk_bytes: int, rows: int = 1) -> _Planned | None:
    """The chunks of a large, readable JSON Lines file, found as they are taken (None: validate it whole)."""
    size = file_size(path)
    if size < 2 * chunk_bytes:
        return None
    try:
        if detect_format(path) != "jsonl":
            return None
        with JsonlReader(path, spec):  # only a file whose header reads is split; others get the whole-file report
            pass
    except Exception:  # unreadable or hostile: validated whole, where it gets its own finding
        return None
    return _Planned(_each_chunk(path, size, chunk_bytes, rows), 2)


class _Planned:
    """Chunks found one by one as they are first taken, and kept: the reducer goes over them again, in order.

    A large file is read through once to find its chunks' line numbers: the first chunks are checked meanwhile.
    """

    def __init__(self, found: Iterator[Chunk], least: int):
        self.found, self.seen = found, list[Chunk]()
        self.least = least
        """How many chunks there are at least (the file is split only when it holds two)."""

    def __iter__(self) -> Iterator[Chunk]:
        at = 0
        while True:
            if at == len(self.seen):
                chunk = next(self.found, None)
                if chunk is None:
                    return
                self.seen.append(chunk)
            yield self.seen[at]
            at += 1


def _each_chunk(path: str | os.PathLike[str], size: int, chunk_bytes: int, rows: int) -> Iterator[Chunk]:
    """Chunks of about ``chunk_bytes`` of whole lines, after the header line.

    With ``rows``, each chunk but the last holds a multiple of ``rows`` lines, when it can hold one such batch:
    a chunk function that checks its lines in batches of ``rows`` then checks no short batch but the file's last
    (a short batch costs nearly a whole one: the columnar screen plans its expressions per batch).
    """
    with open(path, "rb") as f:
        head = f.readline()
        start, line = len(head), 2
        per = 0  # lines per chunk, once known (with rows)
        while start < size:
            f.seek(start)
            if per:
                lines = sum(1 for _ in itertools.islice(f, per))  # whole lines, each read in C
                end = f.tell()
                if 0 < size - end < (end - start) // 2:  # a short rest: no chunk of its own (a task costs ~30 ms)
                    lines += _count_lines(f, size - end)
                    end = size
            else:
                f.seek(min(start + chunk_bytes, size))
                if f.tell() < size:
                    f.readline()  # to the start of the next line
                end = f.tell()
                f.seek(start)
                lines = _count_lines(f, end - start)
                if rows > 1 and lines >= rows:
                    per = round(lines / rows) * rows
                    continue  # this chunk again, by lines
            yield Chunk(start, end, line)
            start, line = end, line + lines


def _count_lines(f: Any, length: int) -> int:
    count = 0
    while length > 0:
        block = f.read(min(length, 1 << 20))
        if not block:
            break
        count += block.count(b"\n")
        length -= len(block)
    return count


_Lite = tuple[str, str | None, Any, int | None, int | None, dict[str, Any], tuple[DataPath, ...]]
"""What the cross-record index reads of a record: type, key, version, index, line, members read, bad paths."""
ChunkFunction = Callable[[str | os.PathLike[str], Chunk, _Options], ChunkResult]
"""An engine's check of the lines of one chunk (a pure function of its arguments: it runs in a worker)."""


class _Collector:
    """Stands in for the cross-record index in a worker: keeps what it would read of each record."""

    def __init__(self, spec: Spec):
        self.members = members_read(spec)
        self.lite: list[_Lite] = []
        self.message_type: str | None = None

    def same_package(self, file: str, message_id: str, digest: str) -> str | None:
        return None  # decided by the main process, which sees the whole run

    def begin_file(self, file: str, message_type: str | None) -> None:
        self.message_type = message_type

    def observe(self, file: str, record: Record, where: Where, bad: Collection[DataPath]) -> None:
        data = record.data
        members = self.members.get(record.type) if isinstance(record.type, str) else None
        if members is None or not isinstance(data, dict):
            return  # the index ignores these too
        kept = {n: data[n] for n in members if n in data}
        hurt = tuple(p for p in bad if p and p[0] in members)
        self.lite.append((record.type, record.key, record.version, record.index, record.line, kept, hurt))


def _feed(
    observer: CrossRecord, report: FileReport, path: str | os.PathLike[str], spec: Spec, lite: list[_Lite]
) -> None:
    """Feed a worker's records, in file order, to the run's index (as one process would have)."""
    try:
        with open_message(path, spec) as reader:
            header = reader.header
    except ExchangeError:
        return  # changed since the worker read it
    file = str(path)
    twin = observer.same_package(file, header.message_id, header.digest)
    if twin is not None:
        same_package(report, spec, twin)
        return
    observer.begin_file(file, header.message_type)
    _feed_records(observer, file, spec, lite)


def _feed_records(observer: CrossRecord, file: str, spec: Spec, lite: list[_Lite]) -> None:
    table = shapes(spec)
    for record_type, key, version, index, line, data, bad in lite:
        record = Record(type=record_type, data=data, key=key, version=version, index=index, line=line)
        where = Where(
            line=line, index=index, record_type=record_type, key_of=partial(masked_key, table[record_type], key, data)
        )
        observer.observe(file, record, where, set(bad))


def _replay(
    observer: CrossRecord,
    file: str,
    spec: Spec,
    result: ChunkResult,
    names: EnvelopeNames,
    chunk: Chunk,
    limit: int,
) -> None:
    """Feed one chunk's records to the run's index in the order one process feeds them: per batch, its keys in
    bulk first, then row by row (in record order) its other rows and the rows the bulk step left."""
    lite = result.lite
    if not result.keys:
        _feed_records(observer, file, spec, [r for r in lite if r[3] is None or r[3] < limit])
        return
    canonical: list[bytes] = []
    written = _ChunkLines(file, chunk) if result.written is not None else None

    def left_row(index: int, line: int) -> _Lite:
        # A record the screen let through: its canonical line is the line as written, read again here (from the
        # file when the chunk did not send its lines).
        if written is not None:
            text = written.line(line)
        else:
            if not canonical:
                canonical.extend(result.canonical.split(b"\n"))
            text = canonical[index - (chunk.line - 2)]
        obj = orjson.loads(text)
        return (
            obj[names.record_type],
            obj.get(names.record_key),
            obj.get(names.record_version),
            index,
            line,
            obj[DATA],
            (),
        )

    def rows(before: list[_Lite], left: list[_Lite]) -> None:
        merged = sorted(before + left, key=lambda r: r[3] or 0) if left else before
        _feed_records(observer, file, spec, [r for r in merged if r[3] is None or r[3] < limit])

    done, batch = 0, None
    left: list[_Lite] = []
    try:
        for group in result.keys:
            if group.batch != batch:
                rows(lite[done : group.at], left)
                done, batch, left = group.at, group.batch, []
            datas = group.datas if group.datas is not None else [{}] * len(group.keys)
            for pos in observer.observe_keys(file, group.kind, group.keys, datas, group.indexes, group.lines):
                left.append(left_row(group.indexes[pos], group.lines[pos]))
    finally:
        if written is not None:
            written.close()
    rows(lite[done:], left)


class _ChunkLines:
    """The lines of a chunk, each read from the file by its number when asked for (the chunk is not held)."""

    def __init__(self, path: str | os.PathLike[str], chunk: Chunk):
        self.path, self.chunk = path, chunk
        self.starts: array[int] | None = None
        self.file: BinaryIO | None = None

    def line(self, number: int) -> bytes:
        """Line ``number`` of the file (one of the chunk's), without its line feed."""
        if self.file is None:
            self.file = open(self.path, "rb")  # closed by close(), once the chunk is replayed
        starts = self.starts if self.starts is not None else self._starts(self.file)
        at = number - self.chunk.line
        self.file.seek(starts[at])
        return self.file.read(starts[at + 1] - starts[at]).removesuffix(b"\n")

    def close(self) -> None:
        if self.file is not None:
            self.file.close()

    def _starts(self, f: BinaryIO) -> array[int]:
        """Where each of the chunk's lines starts, and where the last ends (read once, a block at a time)."""
        chunk = self.chunk
        starts = array("q", [chunk.start])
        f.seek(chunk.start)
        at = chunk.start
        while at < chunk.end:
            block = f.read(min(READ_BYTES, chunk.end - at))
            if not block:
                break
            end = block.find(b"\n")
            while end >= 0:
                starts.append(at + end + 1)
                end = block.find(b"\n", end + 1)
            at += len(block)
        if starts[-1] < at:
            starts.append(at)  # the file's last line, with no line feed
        self.starts = starts
        return starts


def _whole(path: str | os.PathLike[str], options: _Options) -> tuple[FileReport, list[_Lite]]:
    collector = _Collector(options.spec or current()) if options.lite else None
    report = validate_file(
        path,
        fail_on=options.fail_on,
        max_errors=options.max_errors,
        spec=options.spec,
        today=options.today,
        signatures=options.signatures,
        observer=collector,
        records=options.records,
    )
    # Said again for the layers of the whole run (the ledger is the parent's); the trust layer's own reasons stay.
    layers = (options.spec or current()).rule_layers
    trust = registry.TRUST.name
    kept = {r: t for r, t in report.not_checked.items() if layers[r] == trust and trust in options.layers}
    report.not_checked.clear()
    report.not_checked.update(kept)
    return finish(report, options.spec or current(), options.layers), collector.lite if collector else []


def _sequence(report: FileReport, path: str | os.PathLike[str], spec: Spec, ledger: Ledger) -> None:
    """The sequence findings of a file a worker validated whole (its header read again here: it is small)."""
    try:
        with open_message(path, spec) as reader:
            header = reader.header
    except ExchangeError:
        return  # changed since the worker read it; the worker's report stands
    after_read(FileAt(FileContext(spec, str(path)), path, report, Given(ledger=ledger), header))


def _chunk(path: str | os.PathLike[str], chunk: Chunk, options: _Options) -> ChunkResult:
    spec = options.spec or current()
    run = FileRun(path, spec, options.fail_on, options.max_errors, options.today)
    collector = _Collector(spec) if options.lite else None
    run.observer = collector  # before open: with an index, the business layer leaves repeated keys to it
    if not run.open():  # the main process read the header, so only a file changed meanwhile gets here
        return ChunkResult(run.report.findings, 0, b"", stopped=run.report.stopped)
    reader = run.reader
    assert isinstance(reader, JsonlReader)
    lines: list[bytes] = []

    def records() -> Iterator[Record]:
        for record, canonical in reader.chunk(chunk.start, chunk.end, chunk.line):
            lines.append(canonical)
            yield record

    with reader:
        run.run(records())
    canonical = b"\n".join(lines) + b"\n" if lines else b""
    return ChunkResult(
        run.report.findings,
        run.report.records,
        canonical,
        reader.trailing_blank,
        run.report.stopped,
        collector.lite if collector else [],
    )


READ_BYTES = 1 << 20
"""Bytes of a file hashed at a time by the main process (:func:`_digest_written`)."""


def _digest_written(digester: Digester, path: str | os.PathLike[str], pieces: list[Span | bytes]) -> None:
    """Fold a chunk's records into the file's digest: its spans read from the file, its other lines as sent."""
    with open(path, "rb", buffering=0) as f:
        for piece in pieces:
            if isinstance(piece, bytes):
                digester.add_line(piece)
                continue
            f.seek(piece.start)
            left = piece.end - piece.start
            while left > 0:
                block = f.read(min(left, READ_BYTES))
                if not block:
                    break  # cut short since the worker read it: the digest then differs, and says so
                digester.add_lines(block, 0)
                left -= len(block)
            digester.count += piece.records


def _merge(
    path: str | os.PathLike[str],
    chunks: Iterable[Chunk],
    results: Iterator[ChunkResult],
    spec: Spec,
    options: _Options,
    progress: Callable[[str, int, int], None] | None,
    total: int,
    ledger: Ledger | None,
    observer: CrossRecord | None = None,
) -> FileReport:
    run = FileRun(path, spec, options.fail_on, options.max_errors, options.today)
    opened = run.open()
    assert opened and run.reader is not None  # _chunks read the header
    run.reader.close()
    run.header_findings()
    header = run.reader.header
    if observer is not None:
        twin = observer.same_package(str(path), header.message_id, header.digest)
        if twin is None:
            observer.begin_file(str(path), header.message_type)
        else:
            run.twin_of, observer = twin, None
    report, sink = run.report, run.sink
    digester = Digester(run.reader.header.digest_algorithm, spec)
    blank: int | None = None
    done = False
    for chunk in chunks:
        result = next(results)  # always taken, so the next file's results line up
        if done:
            continue
        if blank is not None and (result.records or result.findings):
            exc = StructureError(
                f"第 {blank} 行为空行；记录之间不应有空行",
                f"line {blank} is blank; blank lines are allowed only at the end",
                line=blank,
                file=str(path),
            )
            sink.add(syntax.finding(run.ctx, exc, path))
            report.stopped, done = "broken", True
            continue
        if result.written is None:
            digester.add_lines(result.canonical, result.records)
        else:
            _digest_written(digester, path, result.written)
        report.records += result.records
        for finding in result.findings:
            sink.add(finding)
        if result.stopped is not None or sink.full:
            report.stopped, done = result.stopped or "max-errors", True
            if report.stopped == "max-errors" and report.findings and report.findings[-1].index is not None:
                report.records = report.findings[-1].index + 1  # one process stops reading there
        if observer is not None:  # the records one process would have read
            _replay(observer, str(path), spec, result, run.rules.names, chunk, report.records)
        blank = result.trailing_blank
        if progress is not None:
            progress(str(path), chunk.end, total)
    if not done:
        problem = integrity_error(run.reader.header, digester.count, digester.hexdigest(), str(path))
        if problem is not None:
            sink.add(syntax.finding(run.ctx, problem, path))
        report.verified = problem is None
    after_read(FileAt(run.ctx, path, report, Given(ledger=ledger, signatures=options.signatures), run.reader.header))
    finish(report, spec, options.layers)
    if run.twin_of is not None:
        same_package(report, spec, run.twin_of)
    return report
