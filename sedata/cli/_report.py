"""What the commands that end in a validation report share: its options and how it is written out."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from sedata.cli._out import console, fail_path

if TYPE_CHECKING:
    from sedata.validate import Report


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"  # one finding per line, the summary last
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
    from sedata.io import OutputError
    from sedata.io.output import is_stdout, replacing_text
    from sedata.validate.render import write
    from sedata.validate.render.text import print_report
    from sedata.validate.report import exit_code

    if out is not None and is_stdout(out):
        out = None
    try:
        if out is None and fmt == "text":
            print_report(report, console, lang)
        elif out is None:
            write(report, console.file, fmt, lang)
            console.file.flush()
        else:
            # Piece by piece, atomically: a full disk or a kill leaves the previous report, never a truncated one.
            try:
                with replacing_text(out) as f:
                    write(report, f, fmt, lang)
            except OutputError as exc:
                fail_path(exc)
        code = exit_code(report)
    finally:
        report.close()  # findings kept on disk go now, whatever happened, not at exit
    raise typer.Exit(code)
