"""The columnar engine: records screened in Polars columns, flagged rows confirmed by the row engine.

``sedata validate --engine columnar`` (or ``validate_files(..., engine="columnar")``; ``auto``, the default,
chooses it for large files). JSON Lines are read in line batches (:mod:`sedata.columnar.read`), XML and JSON
documents through their streaming readers (:mod:`sedata.columnar.documents`); the per-chunk function of
``--jobs`` and Dask is :mod:`sedata.columnar.chunk`. The report is the row engine's by construction: the
screen (:mod:`sedata.columnar.screen`, compiled from the spec in :mod:`sedata.columnar.compile`) only
decides which rows the row engine must look at, and never lets through a row that could carry an envelope,
schema or codes finding.
"""
