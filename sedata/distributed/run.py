"""Validate a run of files on a Dask cluster: partitions on the workers, a small reduction on the client.

Map: every partition (a byte range of a JSON Lines file, or a whole document) is validated on a worker by the
engine's per-partition function. Reduce, on the client and in file order: each file's record counts and
canonical lines are folded into its digest and checked against its header, findings are kept up to
``max_errors``, and the channel ledger is judged (all as ``--jobs`` does). What the cross-record index reads of
each record never comes to the client: it becomes rows of a Dask dataframe, shuffled on key digests, and
checked per key on the workers (:mod:`sedata.distributed.keys`). Only findings come back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import operator
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from sedata import __version__
from sedata.distributed.keys import check_partition, empty_findings, empty_rows, key_rows, reference_rows
from sedata.distributed.partitions import ROW, ChunkResult, Engine, FilePlan, Lite, Options, plan_file
from sedata.spec import Spec, current
from sedata.validate.engine import Signatures, active_layers, file_size, same_package
from sedata.validate.layers._stream import stream
from sedata.validate.layers.crossfile import NOT_CHECKED_REFERENCE, UNRESOLVED, _plans, key_text
from sedata.validate.layers.trust import trust_store as _trust_store
from sedata.validate.parallel import _merge, _sequence
from sedata.validate.places import locate_all
from sedata.validate.report import FileReport, Finding, Report, Severity, Text
from sedata.validate.run import _reference_report, _run_findings

PARTITION_BYTES = 64 << 20
"""Default size of a JSON Lines partition: large enough that a task's overhead (~1 ms) is nothing beside
its work (~100k records, seconds of validation), small enough that a worker holds a few at once."""

WINDOW_PER_WORKER = 3
"""Partitions in flight per worker: one running, the next ready, one waiting for the client to fold it."""

SHUFFLE_BYTES = 1 << 30
"""Input bytes per partition of a shuffle of reconciliation (~1 GB of input is ~1.5 million records)."""

KEY_GROUP_RECORDS = 50_000
"""Records per partition of the key shuffle (~75,000 key and reference rows, ~8 MB). A partition's check makes
up to a finding a record (a key repeated across two provinces' files), each a Python object of ~1 KB until it
is written, so the partition, not the run, sets a worker's peak in this step; there are at least as many
partitions as workers, so that every worker checks keys."""


def validate(
    paths: Iterable[str | os.PathLike[str]],
    *,
    client: Any = None,
    partition_bytes: int | None = None,
    fail_on: Severity = "error",
    max_errors: int | None = None,
    spec: Spec | None = None,
    today: dt.date | None = None,
    ledger: str | os.PathLike[str] | None = None,
    signatures: Signatures | None = None,
    references: Iterable[str | os.PathLike[str]] = (),
    engine: Engine = ROW,
    progress: Callable[[str, int, int], None] | None = None,
) -> Report:
    """Validate ``paths`` as one run on a Dask cluster; the report equals :func:`sedata.validate.validate_files`'s.

    ``client``: a ``distributed.Client``, or a scheduler address (``tcp://host:8786``), or None for a local
    cluster sized to this machine (closed on return; its dashboard link is printed on standard error).
    ``partition_bytes``: the size of a JSON Lines partition (default :data:`PARTITION_BYTES`). ``progress``:
    told the bytes folded as partitions come back; with it, Dask's own bar (standard error) shows the key
    shuffle. The other options are those of ``validate_files``.
    """
    spec = spec or current()
    references = list(references)
    with _folded(
        _Run, paths, client=client, partition_bytes=partition_bytes, fail_on=fail_on, max_errors=max_errors,
        spec=spec, today=today, ledger=ledger, signatures=signatures, references=references, engine=engine,
        progress=progress,
    ) as run:  # fmt: skip
        found, unchecked = run.cross_record()
        problems = run.client.gather([r[0] for r in run.refs])
    files = run.files
    _run_findings(files, _Found(found, unchecked))
    for path, found_there in zip(references, problems, strict=True):
        report = _reference_report(path, _Problems(found_there), spec, fail_on)
        if report is not None:
            files.append(report)
    locate_all(files)
    return Report(files, spec.info.spec_version, __version__, fail_on)


R = TypeVar("R", bound="_Run")


@contextlib.contextmanager
def _folded(
    make: Callable[..., R],
    paths: Iterable[str | os.PathLike[str] | FilePlan],
    *,
    client: Any,
    partition_bytes: int | None,
    fail_on: Severity,
    max_errors: int | None,
    spec: Spec,
    today: dt.date | None,
    ledger: str | os.PathLike[str] | None,
    signatures: Signatures | None,
    references: Iterable[str | os.PathLike[str]],
    engine: Engine,
    progress: Callable[[str, int, int], None] | None,
) -> Iterator[R]:
    """A run made by ``make`` (``_Run`` or a subclass), every file folded by its :meth:`_Run.fold` hook.

    The set-up both :func:`validate` and :func:`sedata.distributed.validate_to` share: options, the trust store
    checked, the cluster and the ledger opened, reference datasets sent, files planned, twins found, partitions
    submitted and folded in run order. Inside, the cluster is still there for the run-wide steps.
    """
    size = partition_bytes or PARTITION_BYTES
    layers = active_layers(ledger=ledger is not None, signatures=signatures is not None, run=True)
    day = today or dt.date.today()
    options = Options(None if spec is current() else spec, fail_on, max_errors, day, layers, signatures, True)
    if signatures is not None:
        _trust_store(signatures.trust)  # a bad certificate is a usage error before any file is read
    with contextlib.ExitStack() as stack:
        dask_client = stack.enter_context(_connect(client))
        book = None
        if ledger is not None:
            from sedata.ledger import Ledger

            book = stack.enter_context(Ledger(ledger))
        run = make(dask_client, spec, options, engine, progress)
        run.refs = [run.reference(r) for r in references]
        # A FilePlan made by the caller (records of a Dask collection, sedata.distributed.collections) as given.
        run.plans = [p if isinstance(p, FilePlan) else plan_file(p, spec, size) for p in paths]
        run.twins = _twins(run.plans)
        for number, plan in enumerate(run.plans):
            run.submit(number, plan, indexed=plan.package is not None and number not in run.twins)
        run.files = [run.fold(number, plan, run.twins.get(number), book) for number, plan in enumerate(run.plans)]
        yield run


@contextlib.contextmanager
def _connect(client: Any) -> Iterator[Any]:
    """The client to use: the caller's, one connected to an address, or one on a new local cluster."""
    import distributed

    # distributed's constructors are untyped; the client is used as Any here anyway.
    Client: Any = distributed.Client
    LocalCluster: Any = distributed.LocalCluster
    if isinstance(client, Client):
        yield client
        return
    if client is not None:
        with Client(client) as connected:
            yield connected
        return
    # One thread per worker: validation holds the GIL, so processes, not threads, use the cores.
    with LocalCluster(threads_per_worker=1, processes=True) as cluster, Client(cluster) as local:
        from sedata.distributed.progress import dashboard

        dashboard(cluster)
        yield local


def _twins(plans: list[FilePlan]) -> dict[int, str]:
    """Files holding the same package as an earlier file of the run (same message id and digest): checked as it."""
    first: dict[tuple[str, str], FilePlan] = {}
    twins: dict[int, str] = {}
    for number, plan in enumerate(plans):
        if plan.package is None:
            continue
        earlier = first.setdefault(plan.package, plan)
        if earlier.path != plan.path:
            twins[number] = earlier.label
    return twins


def _summary(result: ChunkResult | tuple[FileReport, list[Lite]]) -> ChunkResult | FileReport:
    """A partition's result without the records' index members (those stay on the workers)."""
    if isinstance(result, tuple):
        return result[0]
    return ChunkResult(result.findings, result.records, result.canonical, result.trailing_blank, result.stopped)


def _lite(result: ChunkResult | tuple[FileReport, list[Lite]]) -> list[Lite]:
    return result[1] if isinstance(result, tuple) else result.lite


def _rows(result: Any, file: int, part: int, spec: Spec | None) -> Any:
    return key_rows(_lite(result), file, part, spec)


def _types(result: Any) -> set[str]:
    return {lite[0] for lite in _lite(result)}


def _reference_keys(path: str, spec: Spec | None, fail_on: Severity) -> tuple[list[Finding], set[str], Any]:
    """Read a reference dataset on a worker: its problems, the entities it carries, and its key rows."""
    spec = spec or current()
    plans = _plans(spec)
    carried: set[str] = set()
    keys: list[tuple[str, str]] = []

    def begin(_file: str, message_type: str | None) -> None:
        message = spec.messages.get(message_type or "")
        if message is not None:
            carried.update(r.entity for r in message.records)

    def observe(_file: str, record: Any, _where: Any, _bad: Any) -> None:
        plan = plans.get(record.type) if isinstance(record.type, str) else None
        if plan is not None and plan.is_target and isinstance(record.data, dict):
            carried.add(record.type)
            key = key_text(plan.key_names, record)
            if key is not None:
                keys.append((record.type, key))

    problems = stream(path, spec, begin, observe, fail_on).findings
    return problems, carried, reference_rows(keys, spec)


@dataclass
class _Run:
    """One run on the cluster: the futures of its partitions, reduced file by file, then the key shuffle."""

    client: Any
    spec: Spec
    options: Options
    engine: Engine
    progress: Callable[[str, int, int], None] | None = None
    """Told the bytes folded so far (as ``--jobs`` tells them); with it, Dask's own bar shows the key shuffle."""

    # A module function, not a method: a task must not carry the run (and its client) to the workers.
    summary_of: ClassVar[Callable[[Any], Any]] = staticmethod(_summary)

    def __post_init__(self) -> None:
        self.queue: deque[tuple[int, int, Any, tuple[Any, ...], bool]] = deque()
        self.flight: deque[Any] = deque()
        workers = len(self.client.scheduler_info().get("workers", {}))
        self.window = max(WINDOW_PER_WORKER * workers, WINDOW_PER_WORKER)
        self.rows: list[Any] = []
        self.types: list[Any] = []
        self.refs: list[tuple[Any, Any, Any]] = []  # per reference dataset: futures of (problems, entities, rows)
        self.plans: list[FilePlan] = []
        self.twins: dict[int, str] = {}
        self.files: list[Any] = []  # the files' reports (or summaries), in run order, once folded
        self._wire_spec = self.options.spec  # None: the packaged spec, loaded by each worker

    def submit(self, number: int, plan: FilePlan, indexed: bool) -> None:
        """Queue the file's partitions; they are sent to the workers a window at a time (:meth:`take`)."""
        if plan.chunks is None:
            self.queue.append((number, 0, self.engine.whole, (plan.path, self.options), indexed))
        else:
            for part, chunk in enumerate(plan.chunks):
                self.queue.append((number, part, self.engine.chunk, (plan.path, chunk, self.options), indexed))

    def _send(self) -> None:
        number, part, function, args, indexed = self.queue.popleft()
        submit = self.client.submit
        result = submit(function, *args, pure=False)
        self.flight.append(submit(self.summary_of, result))
        if indexed:
            self.rows.append((number, submit(_rows, result, number, part, self._wire_spec)))
            self.types.append(submit(_types, result))
        self.derive(result, number, part, args[0])
        # The client lets go of ``result``: once its derived futures are computed the workers drop it too.

    def take(self) -> Any:
        """The next partition's summary in run order, keeping at most :attr:`window` partitions in flight.

        Without a window every partition's summary (its canonical lines: as large as its input) would wait on
        the workers for the client to fold it; with one, the run needs memory for the window, not the input.
        """
        while self.queue and len(self.flight) < self.window:
            self._send()
        summary = self.flight.popleft().result()
        if self.queue:
            self._send()
        return summary

    def derive(self, result: Any, number: int, part: int, path: str) -> None:
        """Futures a subclass keeps from a partition's full result (the findings of a run written by workers)."""

    def reference(self, path: str | os.PathLike[str]) -> tuple[Any, Any, Any]:
        whole = self.client.submit(_reference_keys, str(path), self._wire_spec, self.options.fail_on, pure=False)
        return tuple(self.client.submit(operator.getitem, whole, i) for i in range(3))

    def reduce(self, number: int, plan: FilePlan, twin: str | None, ledger: Any) -> FileReport:
        """The file's report, from its partitions' summaries in file order (as ``--jobs`` reduces them)."""
        total = file_size(plan.path)
        if plan.chunks is None:
            report: FileReport = self.take()
            if self.progress is not None:
                self.progress(plan.path, total, total)
            if twin is not None and report.format is not None:
                same_package(report, self.spec, twin)
            if ledger is not None and report.format is not None:
                _sequence(report, plan.path, self.spec, ledger)
            return report

        def results() -> Iterator[ChunkResult]:
            for _chunk in plan.chunks or ():
                yield self.take()  # the client holds one partition's summary at a time

        report = _merge(plan.path, plan.chunks, results(), self.spec, self.options, self.progress, total, ledger)
        if twin is not None:
            same_package(report, self.spec, twin)
        return report

    def fold(self, number: int, plan: FilePlan, twin: str | None, ledger: Any) -> FileReport:
        """The hook that turns a file's partitions into its report; here :meth:`reduce`, the fold of ``--jobs``."""
        return self.reduce(number, plan, twin, ledger)

    def cross_record(self) -> tuple[dict[str, list[Finding]], bool]:
        """SE-BIZ-010 and SE-XRF-001/002 of the run: key rows shuffled on their digest, checked per key."""
        import dask

        names = [p.path for p in self.plans]
        found: dict[str, list[Finding]] = {n: [] for n in names}
        checked = self.checked()
        if checked is None:
            return found, False
        with dask.config.set({"dataframe.convert-string": False}):
            if self.progress is not None:
                from sedata.distributed.progress import show

                checked = show(self.client, checked, "键与引用 / keys and references")
            table = self.client.compute(checked).result()
        unchecked = bool(table["unchecked"].any())
        table = table[~table["unchecked"]]
        ordered = sorted(zip(table["file"], table["order"], table["finding"], strict=True), key=lambda t: t[:2])
        for file, _order, finding in ordered:
            found[names[file]].append(finding)
        return found, unchecked

    def checked(self) -> Any:
        """The Dask frame of the run's cross-record findings (:data:`keys.FINDING_COLUMNS`), not computed; None
        when no file or reference dataset has key rows."""
        keyed = self.shuffled()
        if keyed is None:
            return None
        import dask

        frame, names, carried = keyed
        with dask.config.set({"dataframe.convert-string": False}):
            return frame.map_partitions(check_partition, names, carried, self._wire_spec, meta=empty_findings())

    def shuffled(self) -> tuple[Any, list[str], frozenset[str]] | None:
        """The run's key rows as a Dask frame shuffled on their digest (not computed), the files' names and the
        entities the run carries (what :func:`keys.check_partition` takes); None when there are no rows."""
        import dask
        import dask.dataframe as dd
        from dask.delayed import delayed

        plans, twins, files, refs = self.plans, self.twins, self.files, self.refs
        names = [p.label for p in plans]  # as the findings name the files
        carried: set[str] = set()
        for number, plan in enumerate(plans):
            message = self.spec.messages.get(plan.message_type or "")
            if plan.package is not None and number not in twins and message is not None:
                carried.update(r.entity for r in message.records)
        for seen in self.client.gather(self.types + [r[1] for r in refs]):
            carried |= seen
        # Records past where a file stopped (max-errors, a broken line) were not read by one process either.
        read = {n: r.records for n, r in enumerate(files)}
        parts = [delayed(_read_only)(rows, read[n]) for n, rows in self.rows]
        parts += [delayed(_read_only)(r[2], 0) for r in refs]
        if not parts:
            return None
        with dask.config.set({"dataframe.convert-string": False}):
            frame = dd.from_delayed(parts, meta=empty_rows(), verify_meta=False)
            workers = len(self.client.scheduler_info().get("workers", {}))
            groups = max(1, workers, -(-sum(read.values()) // KEY_GROUP_RECORDS))
            shuffled = frame.shuffle(on="digest", npartitions=groups, shuffle_method="tasks")
        return shuffled, names, frozenset(carried)


def _read_only(rows: Any, records: int) -> Any:
    """The rows of records one process reads (``records``: where the file stopped; 0 keeps reference rows only)."""
    return rows[rows["index"] < records]  # a reference row's index is -1


class _Found:
    """The cross-record results in the shape ``validate_files`` adds them to the reports."""

    def __init__(self, found: dict[str, list[Finding]], unchecked: bool):
        self.found, self.unchecked = found, unchecked

    def finish(self) -> dict[str, list[Finding]]:
        return self.found

    def not_checked(self) -> dict[str, Text]:
        return {UNRESOLVED: NOT_CHECKED_REFERENCE} if self.unchecked else {}


class _Problems:
    """A reference dataset's reading problems, in the shape ``validate_files`` turns into a report."""

    def __init__(self, problems: list[Finding]):
        self.problems = problems

    def add_reference(self, _path: Any, _fail_on: Any) -> list[Finding]:
        return self.problems
