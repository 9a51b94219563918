"""``sedata validate``: check message files against the spec and report in text, JSON, JUnit or SARIF.

Exit codes: 0 no finding at or above ``--fail-on``; 1 findings at or above it; 2 a usage error or a
file that cannot be read at all (which is also reported, as SE-SYN-001). Never a traceback.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from sedata.cli._out import EXIT_USAGE, console, fail


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    junit = "junit"
    sarif = "sarif"


class Lang(StrEnum):
    zh = "zh"
    en = "en"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


def validate(
    files: Annotated[list[Path], typer.Argument(help="报文文件 / message files (JSON, JSON Lines or XML).")],
    format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="报告格式 / report format.")
    ] = OutputFormat.text,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="报告写入此文件 / write the report to this file.")
    ] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="报告语言 / report language.")] = Lang.zh,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="达到此级别即不通过 / lowest severity that fails the check.")
    ] = FailOn.error,
    max_errors: Annotated[
        int | None,
        typer.Option("--max-errors", min=1, help="每个文件发现这么多错误后停止 / stop a file after N errors."),
    ] = None,
    today: Annotated[
        dt.datetime | None,
        typer.Option(
            "--today",
            formats=["%Y-%m-%d"],
            help="业务规则所用的当前日期（默认今天）/ the date business rules take as today (default: today).",
        ),
    ] = None,
) -> None:
    """校验报文文件 / Validate message files against the spec: syntax, structure, codes and business rules."""
    from sedata.validate import validate_files
    from sedata.validate.render import render
    from sedata.validate.render.text import print_report
    from sedata.validate.report import exit_code, severity

    try:
        report = validate_files(
            files,
            fail_on=severity(fail_on.value),
            max_errors=max_errors,
            today=today.date() if today else None,
        )
    except Exception as exc:  # a bug must still end in a message, not a traceback
        fail(
            f"内部错误（请报告此问题）：{type(exc).__name__}: {exc}",
            f"internal error (please report it): {type(exc).__name__}: {exc}",
            EXIT_USAGE,
        )
    if out is None and format is OutputFormat.text:
        print_report(report, console, lang.value)
    else:
        document = render(report, format.value, lang.value)
        if out is None:
            console.file.write(document)
        else:
            try:
                out.write_text(document, encoding="utf-8")
            except OSError as exc:
                fail(
                    f"无法写入报告 {out}：{exc.strerror}",
                    f"cannot write the report to {out}: {exc.strerror}",
                    EXIT_USAGE,
                )
    raise typer.Exit(exit_code(report))
