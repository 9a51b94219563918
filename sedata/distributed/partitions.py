"""The partitions of a run and the per-partition functions a worker calls (the one seam between engines and Dask).

A JSON Lines file large enough is split into byte ranges of whole lines (the chunk planning of ``--jobs``);
an XML or JSON document, or a small file, is one partition. A worker runs :attr:`Engine.chunk` on a byte range
and :attr:`Engine.whole` on a whole file. Both return what ``--jobs`` workers return (findings, record count,
canonical lines for the digest, and what the cross-record index reads of each record), so the row engine and
a columnar engine with the same shape are interchangeable here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sedata.exchange import ExchangeError, open_message
from sedata.spec import Spec

# The row engine's per-chunk functions (shared with --jobs); named here once so that another engine swaps them.
from sedata.validate.parallel import Chunk, ChunkResult
from sedata.validate.parallel import _chunk as _row_chunk
from sedata.validate.parallel import _chunks as plan_chunks
from sedata.validate.parallel import _Lite as Lite
from sedata.validate.parallel import _Options as Options
from sedata.validate.parallel import _whole as _row_whole
from sedata.validate.report import FileReport

__all__ = ["COLUMNAR", "ROW", "Chunk", "ChunkResult", "Engine", "FilePlan", "Lite", "Options", "plan_file"]

ChunkFunction = Callable[[str, Chunk, Options], ChunkResult]
"""Validate the lines of one byte range of a JSON Lines file."""
WholeFunction = Callable[[str, Options], tuple[FileReport, list[Lite]]]
"""Validate one whole file (its report, finished, and what the cross-record index reads of its records)."""


@dataclass(frozen=True)
class Engine:
    """The per-partition functions of one validation engine; both must be importable on the workers."""

    chunk: ChunkFunction
    whole: WholeFunction


ROW = Engine(_row_chunk, _row_whole)
"""The row engine: every record through every layer."""


def _columnar_chunk(path: str, chunk: Chunk, options: Options) -> ChunkResult:
    from sedata.columnar.chunk import chunk as run  # polars is loaded on the workers that run it

    return run(path, chunk, options)


def _columnar_whole(path: str, options: Options) -> tuple[FileReport, list[Lite]]:
    from sedata.columnar.chunk import whole

    return whole(path, options)


COLUMNAR = Engine(_columnar_chunk, _columnar_whole)
"""The columnar engine: records screened in columns, flagged ones confirmed by the row engine (same findings)."""


@dataclass(frozen=True)
class FilePlan:
    """One file of the run: its byte ranges (None: one partition), and the header facts the reducer needs."""

    path: str
    chunks: list[Chunk] | None
    package: tuple[str, str] | None
    """(message id, records digest) when the header reads; else None (the file's report says why)."""
    message_type: str | None

    @property
    def label(self) -> str:
        """The name findings give the file (a message of a Dask collection has one of its own)."""
        return self.path


def plan_file(path: str | os.PathLike[str], spec: Spec, partition_bytes: int) -> FilePlan:
    """Read the file's header (small) and split it when it is a JSON Lines file of two partitions or more."""
    package: tuple[str, str] | None = None
    message_type: Any = None
    try:
        with open_message(path, spec) as reader:
            header = reader.header
            package, message_type = (header.message_id, header.digest), header.message_type
    except ExchangeError:
        pass  # the worker validating the file reports it
    chunks = plan_chunks(path, spec, partition_bytes) if package is not None else None
    return FilePlan(str(path), chunks, package, message_type)
