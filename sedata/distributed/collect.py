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
import json
import os
import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
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
from sedata.distributed.keys import check_partition
from sedata.distributed.partitions import ROW, ChunkResult, Engine, Lite
from sedata.distributed.run import _connect, _folded, _Problems, _Run
from sedata.spec import Spec, current
from sedata.validate.engine import Signatures
from sedata.validate.layers.crossfile import NOT_CHECKED_REFERENCE, UNRESOLVED
from sedata.validate.places import locate, locate_all
from sedata.validate.profile import Profile
from sedata.validate.report import FileReport, Finding, FindingStore, Report, Severity
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
    profile: Profile | None = None,
) -> Outcome:
    """Validate ``paths`` on a Dask cluster and have the workers write the findings to the folder ``out``.

    The findings are those of :func:`sedata.validate.validate_files` (equal after sorting by file and position);
    the options are :func:`sedata.distributed.validate`'s. With ``max_errors`` a file keeps few findings, and
    they are gathered and written as one process would report them. ``profile``: a receiver profile, applied
    as :meth:`Profile.apply` applies it to one process's report (each finding kept or dropped, and re-graded,
    by its rule alone, so the workers apply it to the findings they write and the client to the counts).
    """
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
            return write_report(report, folder, dask_client, spec, profile, progress is not None)
    return streamed(
        _Collecting, paths, folder, client=client, partition_bytes=partition_bytes, fail_on=fail_on, spec=spec,
        today=today, ledger=ledger, signatures=signatures, references=references, engine=engine, progress=progress,
        profile=profile,
    )  # fmt: skip


def write_report(report: Report, folder: Path, client: Any, spec: Spec, profile: Profile | None, bar: bool) -> Outcome:
    """A whole report's findings (few: ``max_errors``) written as the workers write a run's; the profile applied."""
    dd: Any = importlib.import_module("dask.dataframe")  # partly untyped

    if profile is not None:
        profile.apply(report, spec)
    parts = [dd.from_pandas(rows_of(f.findings, n), npartitions=1) for n, f in enumerate(report.files)]
    whole = dd.concat(parts) if parts else dd.from_pandas(empty_rows(), npartitions=1)
    _write(client, whole, folder, bar)
    return Outcome(report, dd.read_parquet(folder / PARQUET), folder)


def streamed(
    make: Callable[..., _Collecting],
    paths: list[Any],
    folder: Path,
    *,
    client: Any,
    partition_bytes: int | None,
    fail_on: Severity,
    spec: Spec,
    today: dt.date | None,
    ledger: str | os.PathLike[str] | None,
    signatures: Signatures | None,
    references: Iterable[str | os.PathLike[str]],
    engine: Engine,
    progress: Callable[[str, int, int], None] | None,
    profile: Profile | None,
) -> Outcome:
    """The run of :func:`validate_to` without ``max_errors``: findings written by the workers, a summary kept.

    ``make``: :class:`_Collecting` or a subclass (records of Dask collections, :mod:`.collections`);
    ``paths``: files, or plans made by such a subclass's caller.
    """
    dd: Any = importlib.import_module("dask.dataframe")  # partly untyped

    references = [str(r) for r in references]
    with _folded(
        partial(make, folder=folder, profile=profile), paths, client=client, partition_bytes=partition_bytes,
        fail_on=fail_on, max_errors=None, spec=spec, today=today, ledger=ledger, signatures=signatures,
        references=references, engine=engine, progress=progress,
    ) as run:  # fmt: skip
        files = run.files
        extra = run.write_cross(files)
        problems = run.client.gather([r[0] for r in run.refs])
        for path, found_there in zip(references, problems, strict=True):
            broken = _reference_report(path, _Problems(found_there), spec, fail_on)
            if broken is not None:
                files.append(FileSummary(**_fields(broken), counts=tally(broken.findings)))
        locate_all(files)  # the client's own findings (header, digest, ledger, signatures): few
        run.named(files)
        local = [rows_of(f.findings, n) for n, f in enumerate(files) if f.findings]
        frame = dd.from_pandas(pd.concat(local, ignore_index=True) if local else empty_rows(), npartitions=1)
        if extra:  # cross-record findings the workers could not write where they were checked (messages)
            frame = dd.concat([*extra, frame])
        if profile is not None:
            frame = frame.map_partitions(profiled, profile, meta=empty_rows())
        _write(run.client, frame, folder, progress is not None)
        run.written()  # the partitions' own files, written as the fold went
    summary = Summary(list(files), spec.info.spec_version, __version__, fail_on)
    if profile is not None:
        for file in files:
            file.counts = regraded(file.counts, profile)
        profile.apply(summary, spec)  # the client's own findings, the rules left out, and the line saying so
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
    """The workers write the run-wide findings (cross-record, the client's), one Parquet file and one JSON Lines
    file a partition, named apart from the files the partitions' findings were written to (:func:`_write_part`)."""
    import dask

    with dask.config.set({"dataframe.convert-string": False}):
        if bar:
            from sedata.distributed.progress import show

            frame = show(client, frame, "发现 / findings")
        else:
            frame = client.persist(frame)  # made once, written twice
        frame.to_parquet(folder / PARQUET, schema=arrow_schema(), write_index=False,
                         name_function=lambda i: f"run-{i}.parquet")  # fmt: skip
        frame.to_bag(format="dict").map(json_line).to_textfiles(str(folder / JSONL / "run-*.jsonl"))


def _write_part(rows: pd.DataFrame, folder: str, name: str, profile: Profile | None = None) -> int:
    """Write one partition's findings (on the worker that holds them) as ``name``.parquet and ``name``.jsonl.

    Written as soon as the fold keeps the partition, so that a worker holds the findings of the partitions in
    flight, not those of the whole run. Returns the number written.
    """
    pa: Any = importlib.import_module("pyarrow")  # untyped
    pq: Any = importlib.import_module("pyarrow.parquet")
    if profile is not None:
        rows = profiled(rows, profile)
    if rows.empty:
        return 0
    base = Path(folder)
    for name_of in (PARQUET, JSONL):
        (base / name_of).mkdir(exist_ok=True)  # the client made ``folder`` (refusing a link there)
    pq.write_table(pa.Table.from_pandas(rows, schema=arrow_schema(), preserve_index=False),
                   base / PARQUET / f"{name}.parquet")  # fmt: skip
    with open(base / JSONL / f"{name}.jsonl", "w", encoding="utf-8") as out:
        out.writelines(json_line(row) + "\n" for row in rows.to_dict("records"))
    return len(rows)


def profiled(rows: pd.DataFrame, profile: Profile) -> pd.DataFrame:
    """Finding rows as :meth:`Profile.apply` leaves findings: rules left out dropped, the others re-graded."""
    if profile.empty or rows.empty:
        return rows
    rules = rows["rule"]
    kept = rows[rules.map(profile.keeps).astype(bool)].copy()
    graded = kept["rule"].map(profile.severity)
    kept["severity"] = graded.where(graded.notna(), kept["severity"]).astype(object)
    return kept.reset_index(drop=True)


def regraded(counts: Tally, profile: Profile) -> Tally:
    """Finding counts as :meth:`Profile.apply` leaves the findings (rules left out dropped, the others re-graded)."""
    out: Tally = Counter()
    for (rule, level, layer), n in counts.items():
        if profile.keeps(rule):
            out[(rule, profile.severity.get(rule, level), layer)] += n
    return out


WRITE_BATCH = 10_000
"""Findings turned into rows at a time when a worker writes them (a row of 20 columns is ~1.7 KB in pandas)."""


def _batches(items: Iterable[Finding], size: int) -> Iterator[list[Finding]]:
    batch: list[Finding] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _write_found(found: Iterable[Finding], file_no: int, folder: str, name: str) -> int:
    """Write findings (on the worker that made them) as ``name``.parquet and ``name``.jsonl; the number written.

    A batch at a time (:data:`WRITE_BATCH`), one Parquet row group each; the JSON lines are made from the
    findings themselves, not read back from their rows.
    """
    pa: Any = importlib.import_module("pyarrow")  # untyped
    pq: Any = importlib.import_module("pyarrow.parquet")
    base = Path(folder)
    written = 0
    with contextlib.ExitStack() as stack:
        writer: Any = None
        out: Any = None
        for batch in _batches(found, WRITE_BATCH):
            if writer is None:
                for name_of in (PARQUET, JSONL):
                    (base / name_of).mkdir(exist_ok=True)  # the client made ``folder`` (refusing a link there)
                writer = stack.enter_context(pq.ParquetWriter(base / PARQUET / f"{name}.parquet", arrow_schema()))
                out = stack.enter_context(open(base / JSONL / f"{name}.jsonl", "w", encoding="utf-8"))
            rows = rows_of(batch, file_no)
            writer.write_table(pa.Table.from_pandas(rows, schema=arrow_schema(), preserve_index=False))
            out.writelines(json.dumps(f.to_data(), ensure_ascii=False, separators=(",", ":")) + "\n" for f in batch)
            written += len(batch)
    return written


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


def _cross_placed(
    table: pd.DataFrame, names: list[str], formats: dict[int, tuple[Any, Any]]
) -> Iterator[tuple[int, list[Finding]]]:
    """The cross-record findings of one shuffled partition, file by file, placed in their files."""
    table = table[~table["unchecked"]]
    for file, group in table.groupby("file", sort=True):
        fmt, stopped = formats[int(file)]
        # In line order: the shuffle left them in digest order, and placing them in that order read the file
        # from near its start for each finding (minutes for a partition of 25,000 findings).
        found = sorted(group["finding"], key=lambda f: (f.line is None, f.line or 0))
        # Kept in memory, not spilled past 10,000: the table holds them as objects already (one shuffled
        # partition's), and a spill would only add a JSON round trip a finding (~17 % of the task's time).
        store: Any = FindingStore(found, keep=len(found))  # FileReport.findings is typed as the list it acts as
        report = FileReport(names[int(file)], format=fmt, findings=store, stopped=stopped)
        locate(report)
        yield int(file), report.findings


def _cross_rows(table: pd.DataFrame, names: list[str], formats: dict[int, tuple[Any, Any]]) -> pd.DataFrame:
    """The cross-record findings of one shuffled partition as rows, placed in their files."""
    frames = [rows_of(found, file) for file, found in _cross_placed(table, names, formats)]
    return pd.concat(frames, ignore_index=True) if frames else empty_rows()


def _cross_written(
    rows: pd.DataFrame,
    names: list[str],
    carried: frozenset[str],
    spec: Spec | None,
    formats: dict[int, tuple[Any, Any]],
    folder: str,
    profile: Profile | None = None,
    partition_info: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """Check one shuffled partition's keys, place and write its cross-record findings where it is; its counts
    (before ``profile``, which the client applies to the counts and the worker here to what it writes).

    One task from the key rows to the files: the findings (Python objects, ~1 KB each: a key repeated across
    two provinces' files is one a record) live for the task, never kept between a check and its writes.
    """
    table = check_partition(rows, names, carried, spec)
    del rows
    number = (partition_info or {}).get("number", 0)
    for file, found in _cross_placed(table, names, formats):
        kept = found if profile is None else profile.regraded(found)
        _write_found(kept, file, folder, f"cross-{number:05d}-{file:05d}")
    return _cross_counts(table)


def _cross_counts(table: pd.DataFrame) -> pd.DataFrame:
    """The cross-record findings of one shuffled partition counted by file, rule, severity and layer."""
    checked = table[~table["unchecked"]]
    pairs = zip(checked["file"], checked["finding"], strict=True)
    rows = Counter((int(n), f.rule, f.severity, f.layer) for n, f in pairs)
    columns = ["file", "rule", "severity", "layer", "n"]
    out = pd.DataFrame([(*k, n) for k, n in rows.items()], columns=columns).astype({"file": "int64", "n": "int64"})
    unchecked = pd.DataFrame([(-1, "", "", "", int(table["unchecked"].sum()))], columns=out.columns)
    return pd.concat([out, unchecked.astype(out.dtypes.to_dict())], ignore_index=True)


_COUNT_META = pd.DataFrame({"file": pd.Series(dtype="int64"), "rule": pd.Series(dtype=object),
                            "severity": pd.Series(dtype=object), "layer": pd.Series(dtype=object),
                            "n": pd.Series(dtype="int64")})  # fmt: skip


@dataclass
class _Collecting(_Run):
    """A run whose partitions' findings stay on the workers, written there as the fold keeps each partition."""

    folder: Path | None = None
    profile: Profile | None = None
    """Applied by the workers to the findings they write (the client applies it to the counts)."""

    summary_of: ClassVar[Any] = staticmethod(_counted)

    def __post_init__(self) -> None:
        _Run.__post_init__(self)
        self.found: dict[int, list[Any]] = {}  # file -> futures of its partitions' finding rows
        self.tallies: list[tuple[Tally, set[int]]] = []  # the file being folded: its partitions' counts and picks
        self.writes: list[Any] = []  # futures of the partitions' writes (a count each)

    def derive(self, result: Any, number: int, part: int, path: str) -> None:
        self.found.setdefault(number, []).append(self.client.submit(_partition_rows, result, number, path))

    def take(self) -> Any:
        summary, counts = _Run.take(self)
        self.tallies.append((counts, {id(f) for f in summary.findings}))
        return summary

    def fold(self, number: int, plan: Any, twin: str | None, ledger: Any) -> FileSummary:
        """The file's summary: the fold of ``--jobs`` on the partitions' picks, then only the client's findings.

        The partitions the fold keeps have their findings written by their workers now; the others' are let go.
        """
        self.tallies = []
        report = self.reduce(number, plan, twin, ledger)
        listed = {id(f) for f in report.findings}
        counts: Tally = Counter()
        picked: set[int] = set()
        folder = str(self.folder)
        for part, ((partition, picks), rows) in enumerate(zip(self.tallies, self.found.pop(number, []), strict=True)):
            picked |= picks
            if picks and picks & listed:  # the fold kept the partition's findings
                counts.update(partition)
                name = f"part-{number:05d}-{part:06d}"
                self.writes.append(self.client.submit(_write_part, rows, folder, name, self.profile, pure=False))
        own = [f for f in report.findings if id(f) not in picked]
        counts.update(tally(own))
        report.findings = own
        return FileSummary(**_fields(report), counts=counts)

    def written(self) -> int:
        """Wait for the partitions' writes (a failed write raises here); the number of findings they wrote."""
        return sum(self.client.gather(self.writes))

    def write_cross(self, files: list[FileSummary]) -> list[Any]:
        """Have the workers check the keys and write the cross-record findings; their counts added to ``files``.

        Returns Dask frames of findings left for the client's write (none here: a subclass whose findings must be
        placed elsewhere than where they are checked returns them)."""
        import dask

        keyed = self.shuffled()
        if keyed is None:
            return []
        frame, names, carried = keyed
        with dask.config.set({"dataframe.convert-string": False}):
            formats = {n: (f.format, f.stopped) for n, f in enumerate(files)}
            written = frame.map_partitions(
                _cross_written, names, carried, self._wire_spec, formats, str(self.folder), self.profile,
                meta=_COUNT_META,
            )  # fmt: skip
            if self.progress is not None:
                from sedata.distributed.progress import show

                written = show(self.client, written, "键与引用 / keys and references")
            self._add_cross(files, self.client.compute(written).result())
        return []

    def named(self, files: list[FileSummary]) -> None:
        """Once the client's findings are placed: a hook to name files as the findings are to name them."""

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
