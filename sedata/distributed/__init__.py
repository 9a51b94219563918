"""Validation of a run of files on a Dask cluster (``pip install 'sedata[dask]'``).

``validate(paths, client=…)`` returns the :class:`~sedata.validate.Report` that
:func:`sedata.validate.validate_files` returns for the same files: partitions are validated on the workers,
the cross-record layer runs as a shuffle of key digests, and the client only folds digests, counts and findings.
``validate_to(paths, folder, …)`` leaves the findings to the workers, which write them as Parquet and JSON
Lines; the client keeps a summary. ``validate_messages([Message(bag_or_frame, header), …])`` validates records
held in a Dask bag or dataframe as the JSON Lines file of that header and those records; ``findings(…)`` gives
a run's findings as a Dask dataframe. See docs/distributed.md.
"""

from sedata.distributed.collect import Outcome, validate_to
from sedata.distributed.collections import Message, MessageError, findings, validate_messages, validate_messages_to
from sedata.distributed.partitions import COLUMNAR, ROW, Engine
from sedata.distributed.run import PARTITION_BYTES, validate

__all__ = [
    "COLUMNAR",
    "PARTITION_BYTES",
    "ROW",
    "Engine",
    "Message",
    "MessageError",
    "Outcome",
    "findings",
    "validate",
    "validate_messages",
    "validate_messages_to",
    "validate_to",
]
