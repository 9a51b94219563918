"""Validation: messages checked layer by layer against the spec's rules, reported in every format.

``validate_files(paths)`` streams each file once and returns one :class:`Report`; ``validate_records``,
``validate_message`` and ``validate_bytes`` give the same report for data held in memory; ``render`` turns
it into text, JSON, JUnit XML or SARIF 2.1.0. Rule ids, severities and message templates all come
from ``spec/rules/*.yaml``; the engine holds no rule text.
"""

from sedata.validate.engine import LAYERS, validate_file
from sedata.validate.memory import validate_bytes, validate_message, validate_records
from sedata.validate.report import ElementRef, FileReport, Finding, Report, Severity, Text
from sedata.validate.run import validate_files

__all__ = [
    "LAYERS",
    "ElementRef",
    "FileReport",
    "Finding",
    "Report",
    "Severity",
    "Text",
    "validate_bytes",
    "validate_file",
    "validate_files",
    "validate_message",
    "validate_records",
]
