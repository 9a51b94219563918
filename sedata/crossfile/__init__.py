"""Compact per-key storage for checks across records, files and datasets (issue 6).

Run-wide checks (business keys unique across a run, references resolved, registration against inspection
data) must hold something for every distinct key of possibly millions of records, and must never compare
records pairwise. :class:`KeyTable` numbers distinct keys in flat arrays (about ``len(utf-8 key) + 28`` bytes
a key, exact: no two keys share a row); per-key state lives in parallel typed columns indexed by row
(:class:`Locations`: 10 bytes a record location). :class:`KeyIndex` does the same for keys counted in
millions and fed in batches: 64-bit digests in a hash table probed with numpy, the texts spilled to disk
(20–28 bytes a key in memory). The layers that use them are :mod:`sedata.validate.layers.crossfile` (KeyIndex)
and :mod:`sedata.validate.layers.consistency` (KeyTable).
"""

from sedata.crossfile.columns import NONE, FileNames, Location, Locations
from sedata.crossfile.index import KeyIndex
from sedata.crossfile.table import KeyTable

__all__ = ["NONE", "FileNames", "KeyIndex", "KeyTable", "Location", "Locations"]
