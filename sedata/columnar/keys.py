"""The keys of a screened batch fed to the run's key index at once, before its rows are taken in order.

The screen (:mod:`sedata.columnar.screen`) hands over, per record type, the unflagged rows whose business key
comes from their key fields, no two alike and none shared with any other row of the batch. Those are indexed
in bulk (:meth:`sedata.validate.layers.crossfile.CrossRecord.observe_keys`), referenced record types first
(:meth:`~sedata.validate.layers.crossfile.CrossRecord.bulk_order`); what the index would report on
(a repeat, a reference not yet resolved) is left to be observed row by row, in file order, as the row engine
does. An observer without the bulk method, or a batch holding a row the screen could not read, is fed row by
row throughout.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Any, Protocol

from sedata.columnar.read import LineBatch
from sedata.columnar.screen import Screened


class _Bulk(Protocol):
    def observe_keys(
        self,
        file: str,
        record_type: str,
        keys: list[str],
        datas: list[dict[str, Any]],
        indexes: Sequence[int],
        lines: Sequence[int],
    ) -> list[int]: ...


def feed_keys(observer: object, file: str, batch: LineBatch, screened: Screened, first_index: int) -> set[int] | None:
    """Index the batch's vouched-for keys in bulk; the rows (batch positions) indexed, or None when none were."""
    bulk: _Bulk | None = getattr(observer, "observe_keys", None) and observer  # type: ignore[assignment]
    if bulk is None or screened.opaque or not screened.keys:
        return None
    import numpy as np  # as the key index does, where batches come

    # Record indexes count non-blank lines (a blank line between records is an error the reader reports).
    counted = None
    if any(screened.blank):
        counted = np.cumsum(~np.array(screened.blank, dtype=bool)) + (first_index - 1)
    first_line = batch.first_line
    done: set[int] = set()
    order = getattr(bulk, "bulk_order", None)
    for kind in order(screened.keys) if order is not None else screened.keys:
        rows, keys = screened.keys[kind]
        datas = screened.datas[kind]
        assert len(datas) == len(rows)  # the screen keys unflagged rows only, each with what the index reads
        at = np.array(rows, dtype=np.int64)
        indexes = at + first_index if counted is None else counted[at]
        # Typed columns (int64, as ``array("q")``): the index stores them without a Python int per record.
        left = bulk.observe_keys(
            file, kind, keys, datas, array("q", indexes.tobytes()), array("q", (at + first_line).tobytes())
        )
        done.update(rows)
        if left:
            done.difference_update(rows[pos] for pos in left)
    return done
