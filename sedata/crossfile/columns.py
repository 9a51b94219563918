"""Per-key state in typed columns: record locations and file names, a few bytes a row instead of a tuple.

A tuple ``(file, index, line)`` costs about 100 bytes with its int objects; three ``array`` columns cost 10
bytes a row. Rows are those of a :class:`~sedata.crossfile.table.KeyTable` (or any dense numbering).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

NONE = -1
"""Stored for an unknown record index or line."""


@dataclass(frozen=True, slots=True)
class Location:
    """Where a record is: the file (name), its index among the file's records, and its line."""

    file: str
    index: int | None
    line: int | None


class FileNames:
    """File names ↔ small numbers, so that locations store two bytes instead of a name."""

    __slots__ = ("_ids", "_names")

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._names: list[str] = []

    def id(self, name: str) -> int:
        """The number of ``name`` (given on first sight)."""
        found = self._ids.get(name)
        if found is None:
            if len(self._names) >= 0xFFFF:
                raise ValueError("more than 65535 files in one run / 一次运行的文件超过 65535 个")
            found = self._ids[name] = len(self._names)
            self._names.append(name)
        return found

    def name(self, file_id: int) -> str:
        """The name numbered ``file_id``."""
        return self._names[file_id]

    def __len__(self) -> int:
        return len(self._names)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)


class Locations:
    """A column of record locations (file number, record index, line), one per row, 10 bytes each."""

    __slots__ = ("_file", "_index", "_line", "files")

    def __init__(self, files: FileNames) -> None:
        self.files = files
        self._file = array("H")
        self._index = array("i")
        self._line = array("i")

    def __len__(self) -> int:
        return len(self._file)

    def append(self, file_id: int = 0, index: int | None = None, line: int | None = None) -> None:
        """Add a row (rows are added in order, one per key)."""
        self._file.append(file_id)
        self._index.append(NONE if index is None else index)
        self._line.append(NONE if line is None else line)

    def extend_at(self, file_id: int, indexes: Sequence[int | None], lines: Sequence[int | None]) -> None:
        """Add one row per record of file ``file_id`` at ``indexes`` and ``lines`` (in row order; None where
        unknown, as records of XML and JSON documents have no line; an ``array("i")`` is taken as it is)."""
        self._file.extend(array("H", [file_id]) * len(indexes))
        self._index.extend(_column(indexes))
        self._line.extend(_column(lines))

    def extend(self, rows: int) -> None:
        """Add ``rows`` rows of unknown location (file 0, no index, no line)."""
        self._file.frombytes(bytes(2 * rows))
        unknown = array("i", [NONE]) * rows
        self._index.extend(unknown)
        self._line.extend(unknown)

    def set(self, row: int, file_id: int, index: int | None, line: int | None) -> None:
        """Overwrite the location of ``row``."""
        self._file[row] = file_id
        self._index[row] = NONE if index is None else index
        self._line[row] = NONE if line is None else line

    def file_id(self, row: int) -> int:
        """The file number of ``row``."""
        return self._file[row]

    def get(self, row: int) -> Location:
        """The location of ``row``."""
        index, line = self._index[row], self._line[row]
        return Location(
            self.files.name(self._file[row]), None if index == NONE else index, None if line == NONE else line
        )

    @property
    def nbytes(self) -> int:
        """Bytes held by the three columns."""
        return sum(a.buffer_info()[1] * a.itemsize for a in (self._file, self._index, self._line))


def _column(values: Sequence[int | None]) -> array[int]:
    if isinstance(values, array) and values.typecode == "i":
        return values
    return array("i", [NONE if v is None else v for v in values])
