"""The data-quality scorecard (``sedata conformance report``) on a Dask cluster: its rates as merged counts.

Every figure of the scorecard is a rate of counts (records, values present, invalid, with errors, duplicates,
delay histograms) per sender, division, entity and element; counts of two sets of records add up
(:meth:`sedata.quality.counts.Group.merge`). So the run is validated on the cluster
(:func:`sedata.distributed.validate`), each file is scored on a worker into its own counts, and the counts are
merged pairwise on the workers, in file order, into one set; the client receives that set and the file entries,
and turns them into rates, scores and ranks exactly as one process does (:func:`sedata.quality.scorecard.assemble`).
"""

from __future__ import annotations

import datetime as dt
import operator
import os
from collections.abc import Sequence
from typing import Any

from sedata.distributed.run import PARTITION_BYTES, _connect, validate
from sedata.quality.counts import Group
from sedata.quality.definitions import Parameters
from sedata.quality.scorecard import _Run, _score_file, assemble, entity_infos, merge_runs
from sedata.spec import Spec, current
from sedata.validate.report import FileReport


def _empty(parameters: Parameters, spec: Spec | None) -> _Run:
    return _Run(entity_infos(spec or current()), parameters, Group(), {}, {})


def score_file(
    report: FileReport, sender_codes: frozenset[str], parameters: Parameters, spec: Spec | None
) -> tuple[dict[str, Any], _Run]:
    """Score one validated file on a worker: its entry and its counts (senders, divisions, names)."""
    run = _empty(parameters, spec)
    run.sender_codes = sender_codes
    entry = _score_file(run, report, spec or current())
    run.infos = {}  # the same on every worker; not sent back
    return entry, run


def merge_pair(first: _Run, second: _Run, parameters: Parameters) -> _Run:
    """``first`` then ``second`` merged into a new set of counts (the inputs stay as they are: a task may rerun)."""
    merged = _Run({}, parameters, Group(), {}, {})
    return merge_runs(merge_runs(merged, first), second)


def build_scorecard(
    paths: Sequence[str | os.PathLike[str]],
    *,
    client: Any = None,
    references: Sequence[str | os.PathLike[str]] = (),
    today: dt.date | None = None,
    parameters: Parameters | None = None,
    spec: Spec | None = None,
    partition_bytes: int | None = None,
) -> dict[str, Any]:
    """:func:`sedata.quality.build_scorecard` on a Dask cluster; the same scorecard.

    ``client``: a ``distributed.Client``, a scheduler address, or None for a local cluster.
    """
    spec = spec or current()
    parameters = parameters or Parameters()
    today = today or dt.date.today()
    files = [str(p) for p in paths]
    refs = [str(p) for p in references]
    wire = None if spec is current() else spec
    with _connect(client) as dask_client:
        report = validate(files, client=dask_client, today=today, spec=spec, references=refs,
                          partition_bytes=partition_bytes or PARTITION_BYTES)  # fmt: skip

        def score_files(run: _Run, reports: list[FileReport], _spec: Spec) -> list[dict[str, Any]]:
            submit = dask_client.submit
            scored = [submit(score_file, r, run.sender_codes, parameters, wire, pure=False) for r in reports]
            runs = [submit(operator.getitem, s, 1) for s in scored]
            while len(runs) > 1:  # pairwise, neighbours only: the merged order is the files' order
                pairs = range(0, len(runs) - 1, 2)
                merged = [submit(merge_pair, runs[i], runs[i + 1], parameters) for i in pairs]
                runs = merged + ([runs[-1]] if len(runs) % 2 else [])
            entries: list[dict[str, Any]] = dask_client.gather([submit(operator.getitem, s, 0) for s in scored])
            if runs:
                merge_runs(run, runs[0].result())
            return entries

        return assemble(report, refs, True, today, parameters, spec, score_files)
