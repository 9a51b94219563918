"""Hypothesis strategies for spec-valid data, for sedata's own tests and for downstream developers.

``pip install sedata[testing]`` brings hypothesis. ``records("Equipment")`` draws records in
canonical JSON data form (exchange names, lexical values) that every artefact and every layer of the validator
accepts; ``message_records("inspection-upload")`` the records of a whole valid message (references resolved);
``invalid_records("Equipment")`` draws records broken in one way, each with the rule it breaks.
"""

from sedata.sample.generator import ENTITIES as REALISTIC
from sedata.testing.strategies import invalid_records, message_records, records, values

__all__ = ["REALISTIC", "invalid_records", "message_records", "records", "values"]
