"""Validation of a run of files on a Dask cluster (``pip install 'sedata[dask]'``).

``validate(paths, client=…)`` returns the :class:`~sedata.validate.Report` that
:func:`sedata.validate.validate_files` returns for the same files: partitions are validated on the workers,
the cross-record layer runs as a shuffle of key digests, and the client only folds digests, counts and findings.
``validate_to(paths, folder, …)`` leaves the findings to the workers, which write them as Parquet and JSON
Lines; the client keeps a summary. See docs/distributed.md.
"""

from sedata.distributed.collect import Outcome, validate_to
from sedata.distributed.partitions import COLUMNAR, ROW, Engine
from sedata.distributed.run import PARTITION_BYTES, validate

__all__ = ["COLUMNAR", "PARTITION_BYTES", "ROW", "Engine", "Outcome", "validate", "validate_to"]
