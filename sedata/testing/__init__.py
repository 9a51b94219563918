"""Hypothesis strategies for spec-valid data, for sedata's own tests and for downstream developers.

``pip install sedata[testing]`` brings hypothesis. ``records("Equipment")`` draws records in
canonical JSON data form (exchange names, lexical values) that every artefact accepts.
"""

from sedata.testing.strategies import records, values

__all__ = ["records", "values"]
