"""``sedata reconcile`` on a Dask cluster: registrations against inspections as a join on the device.

One process folds every record of both sides into per-device state
(:class:`~sedata.validate.layers.consistency.Reconciler`); what it finds for a device depends only on that
device's records, in run order. Here each file is read on a worker (one task a file) into rows, one a record
that names a device, carrying a 64-bit digest of the device, the file's number and the record's place in it.
The rows are shuffled on the digest, so that every record of a device, from every file of both sides, lands in
one partition; there a ``Reconciler`` is fed the partition's records in run order and finishes. The client
receives each file's reading problems and the SE-CON findings, and builds the report one process builds.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from typing import Any

import pandas as pd

from sedata.distributed.keys import key_digest
from sedata.distributed.run import SHUFFLE_BYTES, _connect
from sedata.exchange import Record
from sedata.spec import Spec, current
from sedata.validate.engine import file_size
from sedata.validate.layers import consistency
from sedata.validate.layers._stream import stream
from sedata.validate.report import FileReport, Finding, Report, Severity

ROW_TYPES: dict[str, Any] = {
    "digest": "int64",
    "file": "int64",
    "pos": "int64",
    "type": object,
    "data": object,
    "key": object,
    "version": object,
    "index": object,
    "line": object,
    "bad": object,
}
FOUND_TYPES: dict[str, Any] = {"file": "int64", "finding": object}


def _empty(types: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in types.items()})


def _ignore(_file: str, _message_type: str | None) -> None:
    """A file's side is the caller's, not its message type's."""


def read_side(path: str, number: int, spec: Spec | None, fail_on: Severity) -> tuple[FileReport, pd.DataFrame]:
    """Read one file on a worker: its reading problems, and a row for each record that names a device."""
    spec = spec or current()
    plans, _types = consistency._plans(spec, consistency.params(spec))
    rows: list[dict[str, Any]] = []

    def observe(_file: str, record: Record, _where: Any, bad: Any) -> None:
        plan = plans.get(record.type) if isinstance(record.type, str) else None
        data = record.data
        if plan is None or not isinstance(data, dict) or (plan.device.name,) in bad:
            return  # as Reconciler.observe: a record of no device is not fed
        device = data.get(plan.device.name)
        if not isinstance(device, str) or not device.strip():
            return
        rows.append(
            {
                "digest": key_digest("device", device.strip()),
                "file": number,
                "pos": len(rows),
                "type": record.type,
                "data": data,
                "key": record.key,
                "version": record.version,
                "index": record.index,
                "line": record.line,
                "bad": frozenset(bad),
            }
        )

    report = stream(path, spec, _ignore, observe, fail_on)
    frame = pd.DataFrame(rows, columns=list(ROW_TYPES)).astype(ROW_TYPES) if rows else _empty(ROW_TYPES)
    return report, frame


def reconcile_partition(
    rows: pd.DataFrame, names: list[str], sides: list[str], today: dt.date, spec: Spec | None
) -> pd.DataFrame:
    """The SE-CON findings of the devices in one shuffled partition (all of a device's records are in it)."""
    if rows.empty:
        return _empty(FOUND_TYPES)
    layer = consistency.Reconciler(spec, today)
    for name, side in zip(names, sides, strict=True):
        layer.begin_file(name, side)  # type: ignore[arg-type]  # a Side, sent as text
    for row in rows.sort_values(["file", "pos"], kind="stable").itertuples(index=False):
        record = Record(type=row.type, data=row.data, key=row.key, version=row.version, index=row.index,
                        line=row.line)  # fmt: skip
        layer.observe(names[row.file], record, None, row.bad)
    number = {name: n for n, name in enumerate(names)}
    out = [{"file": number[name], "finding": f} for name, found in layer.finish().items() for f in found]
    return pd.DataFrame(out, columns=list(FOUND_TYPES)).astype(FOUND_TYPES) if out else _empty(FOUND_TYPES)


def _order(f: Finding) -> tuple[int, str, str]:
    return (-1 if f.index is None else f.index, f.rule, f.pointer or "")


def reconcile(
    registration_paths: Iterable[str | os.PathLike[str]],
    inspection_paths: Iterable[str | os.PathLike[str]],
    *,
    client: Any = None,
    today: dt.date | None = None,
    spec: Spec | None = None,
    fail_on: Severity = "error",
) -> Report:
    """:func:`sedata.validate.layers.consistency.reconcile` on a Dask cluster; the same findings.

    ``client``: a ``distributed.Client``, a scheduler address, or None for a local cluster.
    """
    import dask
    import dask.dataframe as dd
    from dask.delayed import delayed

    spec = spec or current()
    wire = None if spec is current() else spec
    day = today or dt.date.today()
    names: list[str] = []
    sides: list[str] = []
    for side, paths in zip(consistency.SIDES, (registration_paths, inspection_paths), strict=True):
        for path in paths:
            names.append(str(path))
            sides.append(side)
    with _connect(client) as dask_client:
        read = [dask_client.submit(read_side, name, n, wire, fail_on, pure=False) for n, name in enumerate(names)]
        parts = [delayed(_rows_of)(r) for r in read]
        workers = len(dask_client.scheduler_info().get("workers", {}))
        groups = max(1, workers, -(-sum(file_size(n) for n in names) // SHUFFLE_BYTES))
        with dask.config.set({"dataframe.convert-string": False}):
            frame = dd.from_delayed(parts, meta=_empty(ROW_TYPES), verify_meta=False)
            shuffled = frame.shuffle(on="digest", npartitions=groups, shuffle_method="tasks")
            found = shuffled.map_partitions(reconcile_partition, names, sides, day, wire, meta=_empty(FOUND_TYPES))
            table = dask_client.compute(found).result()
        reports = dask_client.gather([dask_client.submit(_report_of, r) for r in read])
    by_file: dict[str, list[Finding]] = {name: [] for name in names}
    for number, finding in zip(table["file"], table["finding"], strict=True):
        by_file[names[number]].append(finding)
    for items in by_file.values():
        items.sort(key=_order)
    return consistency.finish_reports(reports, by_file, spec, fail_on)


def _rows_of(result: tuple[FileReport, pd.DataFrame]) -> pd.DataFrame:
    return result[1]


def _report_of(result: tuple[FileReport, pd.DataFrame]) -> FileReport:
    return result[0]
