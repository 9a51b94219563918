"""A run whose findings never come to the client: the workers write them, the client keeps a summary.

:func:`validate_to` runs what :func:`sedata.distributed.validate` runs, but each partition's findings stay on
the worker that made them (placed in the file there: line and column) and the cross-record findings stay on the
workers that checked the keys. The client receives, per partition, its record count, canonical lines (for the
digest, one partition at a time), whether it stopped, one finding of each rule it found (so the fold of
``--jobs`` decides, unchanged, which partitions count) and its findings counted by rule, severity and layer.
The findings are written by the workers as Parquet (``DIR/findings.parquet/``) and JSON Lines
(``DIR/findings.jsonl/``), one file a partition; the client's memory depends on the number of files and rules,
not on the number of records or findings.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import importlib
import os
import shutil
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from sedata import __version__
from sedata.distributed.findings import (
    FileSummary,
    Summary,
    Tally,
    arrow_schema,
    empty_rows,
    json_line,
    rows_of,
    tally,
)
from sedata.distributed.partitions import ROW, ChunkResult, Engine, Lite, Options, plan_file
from sedata.distributed.run import PARTITION_BYTES, _connect, _Problems, _Run, _twins
from sedata.spec import Spec, current
from sedata.validate.engine import Signatures, active_layers
from sedata.validate.layers.crossfile import NOT_CHECKED_REFERENCE, UNRESOLVED
from sedata.validate.layers.trust import trust_store
from sedata.validate.places import locate, locate_all
from sedata.validate.report import FileReport, Finding, Report, Severity
from sedata.validate.run import _reference_report

PARQUET, JSONL = "findings.parquet", "findings.jsonl"
"""The folders of ``DIR`` the findings are written to."""


@dataclass
class Outcome:
    """A run written to a folder: its summary report and its findings as a Dask dataframe read from Parquet."""

    report: Report
    """A :class:`~sedata.distributed.findings.Summary` (or the whole report when ``max_errors`` kept it small)."""
    findings: Any
    """``dask.dataframe`` of :data:`~sedata.distributed.findings.ROW_TYPES` rows, one a finding."""
    folder: Path


def validate_to(
    paths: Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str],
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
) -> Outcome:
    """Validate ``paths`` on a Dask cluster and have the workers write the findings to the folder ``out``.

    The findings are those of :func:`sedata.validate.validate_files` (equal after sorting by file and position);
    the options are :func:`sedata.distributed.validate`'s. With ``max_errors`` a file keeps few findings, and
    they are gathered and written as one process would report them.
    """
    dd: Any = importlib.import_module("dask.dataframe")  # partly untyped

    spec = spec or current()
    paths = [str(p) for p in paths]
    folder = Path(out)
    _clear(folder)
    references = [str(r) for r in references]
    if max_errors is not None:
        from sedata.distributed.run import validate

        with _connect(client) as dask_client:  # one cluster for both steps
            report = validate(
                paths, client=dask_client, partition_bytes=partition_bytes, fail_on=fail_on, max_errors=max_errors,
                spec=spec, today=today, ledger=ledger, signatures=signatures, references=references, engine=engine,
                progress=progress,
            )  # fmt: skip
            parts = [dd.from_pandas(rows_of(f.findings, n), npartitions=1) for n, f in enumerate(report.files)]
            whole = dd.concat(parts) if parts else dd.from_pandas(empty_rows(), npartitions=1)
            _write(dask_client, whole, folder, progress is not None)
        return Outcome(report, dd.read_parquet(folder / PARQUET), folder)
    size = partition_bytes or PARTITION_BYTES
    layers = active_layers(ledger=ledger is not None, signatures=signatures is not None, run=True)
    options = Options(None if spec is current() else spec, fail_on, None, today or dt.date.today(), layers,
                      signatures, True)  # fmt: skip
    if signatures is not None:
        trust_store(signatures.trust)
    with contextlib.ExitStack() as stack:
        dask_client = stack.enter_context(_connect(client))
        book = None
        if ledger is not None:
            from sedata.ledger import Ledger

            book = stack.enter_context(Ledger(ledger))
        run = _Collecting(dask_client, spec, options, engine, progress)
        refs = [run.reference(r) for r in references]
        plans = [plan_file(p, spec, size) for p in paths]
        twins = _twins(plans)
        for number, plan in enumerate(plans):
            run.submit(number, plan, indexed=plan.package is not None and number not in twins)
        files = [run.fold(number, plan, twins.get(number), book) for number, plan in enumerate(plans)]
        checked = run.checked(plans, twins, files, refs)
        frame = run.frame(files, checked)
        problems = dask_client.gather([r[0] for r in refs])
        for path, found_there in zip(references, problems, strict=True):
            broken = _reference_report(path, _Problems(found_there), spec, fail_on)
            if broken is not None:
                files.append(FileSummary(**_fields(broken), counts=tally(broken.findings)))
        locate_all(files)  # the client's own findings (header, digest, ledger, signatures): few
        local = [rows_of(f.findings, n) for n, f in enumerate(files) if f.findings]
        if local:
            frame = dd.concat([frame, dd.from_pandas(pd.concat(local, ignore_index=True), npartitions=1)])
        _write(dask_client, frame, folder, progress is not None)
    summary = Summary(list(files), spec.info.spec_version, __version__, fail_on)
    return Outcome(summary, dd.read_parquet(folder / PARQUET), folder)


def _fields(report: FileReport) -> dict[str, Any]:
    return {f.name: getattr(report, f.name) for f in dataclasses.fields(FileReport)}


def _clear(folder: Path) -> None:
    """Make ``folder``; findings of an earlier run in it are replaced, never mixed with this run's.

    Raises :class:`sedata.io.errors.OutputError` when an entry of that name is a link or anything but a folder:
    the workers would write through a link (as root, wherever it points), and removing a file is not ours to do.
    """
    from sedata.io.errors import OutputError

    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise OutputError(
            "拒绝写入：发现目录是链接或不是目录",
            "refused to write: the findings folder is a link or not a folder",
            str(folder),
        )
    folder.mkdir(parents=True, exist_ok=True)
    for name in (PARQUET, JSONL):
        entry = folder / name
        if entry.is_symlink() or (entry.exists() and not entry.is_dir()):
            raise OutputError(
                f"拒绝写入：{name} 是链接或不是目录，保持原样",
                f"refused to write: {name} is a link or not a folder, and is left as it is",
                str(entry),
            )
        if entry.is_dir():
            shutil.rmtree(entry)


def _write(client: Any, frame: Any, folder: Path, bar: bool = False) -> None:
    """The workers write the findings, one Parquet file and one JSON Lines file a partition."""
    import dask

    with dask.config.set({"dataframe.convert-string": False}):
        if bar:
            from sedata.distributed.progress import show

            frame = show(client, frame, "发现 / findings")
        else:
            frame = client.persist(frame)  # made once, written twice
        frame.to_parquet(folder / PARQUET, schema=arrow_schema(), write_index=False)
        frame.to_bag(format="dict").map(json_line).to_textfiles(str(folder / JSONL / "*.jsonl"))


def _chunk_findings(result: ChunkResult | tuple[FileReport, list[Lite]]) -> tuple[list[Finding], str | None, Any]:
    if isinstance(result, tuple):
        return result[0].findings, result[0].format, result[0].stopped
    return result.findings, "jsonl", None


def _counted(result: ChunkResult | tuple[FileReport, list[Lite]]) -> tuple[Any, Tally]:
    """A partition's summary with one finding of each rule (enough for the fold), and all its findings counted."""
    found, _format, _stopped = _chunk_findings(result)
    first: dict[str, Finding] = {}
    for f in found:
        first.setdefault(f.rule, f)
    picked = [f for f in found if first.get(f.rule) is f]  # in file order, as the fold reads them
    if isinstance(result, tuple):
        return dataclasses.replace(result[0], findings=picked), tally(found)
    summary = ChunkResult(picked, result.records, result.canonical, result.trailing_blank, result.stopped)
    return summary, tally(found)


def _partition_rows(result: ChunkResult | tuple[FileReport, list[Lite]], number: int, path: str) -> pd.DataFrame:
    """A partition's findings as rows, placed (line, column) in the file as one process places them."""
    found, fmt, stopped = _chunk_findings(result)
    report = FileReport(path, format=fmt, findings=list(found), stopped=stopped)
    locate(report)
    return rows_of(report.findings, number)


def _cross_rows(table: pd.DataFrame, names: list[str], formats: dict[int, tuple[Any, Any]]) -> pd.DataFrame:
    """The cross-record findings of one shuffled partition as rows, placed in their files."""
    table = table[~table["unchecked"]]
    frames = []
    for file, group in table.groupby("file", sort=True):
        fmt, stopped = formats[int(file)]
        report = FileReport(names[int(file)], format=fmt, findings=list(group["finding"]), stopped=stopped)
        locate(report)
        frames.append(rows_of(report.findings, int(file)))
    return pd.concat(frames, ignore_index=True) if frames else empty_rows()


def _cross_counts(table: pd.DataFrame) -> pd.DataFrame:
    """The cross-record findings of one shuffled partition counted by file, rule, severity and layer."""
    checked = table[~table["unchecked"]]
    pairs = zip(checked["file"], checked["finding"], strict=True)
    rows = Counter((int(n), f.rule, f.severity, f.layer) for n, f in pairs)
    columns = ["file", "rule", "severity", "layer", "n"]
    out = pd.DataFrame([(*k, n) for k, n in rows.items()], columns=columns).astype({"file": "int64", "n": "int64"})
    unchecked = pd.DataFrame([(-1, "", "", "", int(table["unchecked"].sum()))], columns=out.columns)
    return pd.concat([out, unchecked.astype(out.dtypes.to_dict())], ignore_index=True)


def _same(rows: pd.DataFrame) -> pd.DataFrame:
    return rows


_COUNT_META = pd.DataFrame({"file": pd.Series(dtype="int64"), "rule": pd.Series(dtype=object),
                            "severity": pd.Series(dtype=object), "layer": pd.Series(dtype=object),
                            "n": pd.Series(dtype="int64")})  # fmt: skip


class _Collecting(_Run):
    """A run whose partitions' findings stay on the workers (futures of rows), summarised for the fold."""

    summary_of: ClassVar[Any] = staticmethod(_counted)

    def __post_init__(self) -> None:
        _Run.__post_init__(self)
        self.found: dict[int, list[Any]] = {}  # file -> futures of its partitions' finding rows
        self.tallies: list[tuple[Tally, set[int]]] = []  # the file being folded: its partitions' counts and picks
        self.kept: list[Any] = []  # futures of the finding rows of the partitions the fold kept

    def derive(self, result: Any, number: int, part: int, path: str) -> None:
        self.found.setdefault(number, []).append(self.client.submit(_partition_rows, result, number, path))

    def take(self) -> Any:
        summary, counts = _Run.take(self)
        self.tallies.append((counts, {id(f) for f in summary.findings}))
        return summary

    def fold(self, number: int, plan: Any, twin: str | None, ledger: Any) -> FileSummary:
        """The file's summary: the fold of ``--jobs`` on the partitions' picks, then only the client's findings."""
        self.tallies = []
        report = self.reduce(number, plan, twin, ledger)
        listed = {id(f) for f in report.findings}
        counts: Tally = Counter()
        kept: list[Any] = []
        picked: set[int] = set()
        for (partition, picks), rows in zip(self.tallies, self.found.pop(number, []), strict=True):
            picked |= picks
            if not picks or picks & listed:  # the fold kept the partition (with no finding, nothing to keep)
                counts.update(partition)
                kept.append(rows)
        self.kept += kept
        own = [f for f in report.findings if id(f) not in picked]
        counts.update(tally(own))
        report.findings = own
        return FileSummary(**_fields(report), counts=counts)

    def frame(self, files: list[FileSummary], checked: Any) -> Any:
        """Every finding of the run as a Dask frame on the workers; the cross-record counts added to ``files``."""
        import dask
        from dask.delayed import delayed

        dd: Any = importlib.import_module("dask.dataframe")  # partly untyped
        # Each future wrapped in a task: a list of bare futures makes a graph dask-expr finds a cycle in.
        kept = [delayed(_same)(rows) for rows in self.kept]
        with dask.config.set({"dataframe.convert-string": False}):
            parts = [dd.from_delayed(kept, meta=empty_rows(), verify_meta=False)] if kept else []
            if checked is not None:
                if self.progress is not None:
                    from sedata.distributed.progress import show

                    checked = show(self.client, checked, "键与引用 / keys and references")
                else:
                    checked = self.client.persist(checked)
                names = [f.file for f in files]
                formats = {n: (f.format, f.stopped) for n, f in enumerate(files)}
                parts.append(checked.map_partitions(_cross_rows, names, formats, meta=empty_rows()))
                counts = self.client.compute(checked.map_partitions(_cross_counts, meta=_COUNT_META)).result()
                self._add_cross(files, counts)
        return dd.concat(parts) if parts else dd.from_pandas(empty_rows(), npartitions=1)

    @staticmethod
    def _add_cross(files: list[FileSummary], counts: pd.DataFrame) -> None:
        """What ``validate_files`` does with the cross-record findings, done with their counts."""
        unchecked = bool(counts.loc[counts["file"] == -1, "n"].sum())
        added: dict[int, Tally] = {}
        for row in counts[counts["file"] >= 0].itertuples(index=False):
            added.setdefault(int(row.file), Counter())[(row.rule, row.severity, row.layer)] += int(row.n)
        for number, report in enumerate(files):
            more = added.get(number, Counter())
            report.counts.update(more)
            fired = {rule for (rule, _s, _l), n in report.counts.items() if n}
            for rule, _s, _l in more:
                report.not_checked.pop(rule, None)
            if unchecked and UNRESOLVED not in fired:
                report.not_checked.setdefault(UNRESOLVED, NOT_CHECKED_REFERENCE)
