"""What the commands that end in a validation report share: its options and how it is written out."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from sedata.cli._out import console, write_output

if TYPE_CHECKING:
    from sedata.validate import Report


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    junit = "junit"
    sarif = "sarif"
    codeclimate = "codeclimate"  # GitLab Code Quality


class Lang(StrEnum):
    zh = "zh"
    en = "en"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


def emit(report: Report, fmt: str, lang: str, out: Path | None = None) -> NoReturn:
    """Print or write ``report`` in ``fmt`` (``out`` ``-``: standard output) and exit with its exit code.

    Exit codes: 0 clean, 1 findings, 2 a file could not be read.
    """
    from sedata.validate.render import render
    from sedata.validate.render.text import print_report
    from sedata.validate.report import exit_code

    if out is not None and str(out) == "-" and fmt == "text":
        out = None
    if out is None and fmt == "text":
        print_report(report, console, lang)
    else:
        document = render(report, fmt, lang)
        if out is None:
            console.file.write(document)
        else:
            # Atomically: a full disk or a kill leaves the previous report, never a truncated one.
            write_output(out, document)
    raise typer.Exit(exit_code(report))
