"""The columnar engine: JSON Lines screened in Polars columns, flagged rows confirmed by the row engine.

``sedata validate --engine columnar`` (or ``validate_files(..., engine="columnar")``). The report is the row
engine's by construction: the screen (:mod:`sedata.columnar.screen`, compiled from the spec in
:mod:`sedata.columnar.compile`) only decides which rows the row engine must look at, and never lets through
a row that could carry an envelope, schema or codes finding.
"""
