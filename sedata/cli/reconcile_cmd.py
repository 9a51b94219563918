"""``sedata reconcile``: registration (supervision) data against inspection data, in one report.

    sedata reconcile --registrations REG... --inspections INS... [--today YYYY-MM-DD]
                     [--format text|json|junit|sarif] [--out FILE] [--lang zh|en] [--fail-on error|warning|info]

Each of ``--registrations`` / ``--inspections`` takes one or more files (also repeated, or ``--registrations=F``).
Exit codes as ``sedata validate``: 0 no finding at or above ``--fail-on``; 1 findings; 2 a usage error or a file
that cannot be read at all. Never a traceback.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from sedata.cli._out import EXIT_USAGE, fail, fail_no_dask, fail_scheduler
from sedata.cli._report import emit

CONTEXT: dict[str, Any] = {"allow_extra_args": True, "ignore_unknown_options": True}
"""The file lists are read from the arguments themselves: click options take one value each."""

_FLAGS = {"--registrations": 0, "-r": 0, "--inspections": 1, "-i": 1}
_FORMATS = ("text", "json", "junit", "sarif")
_LANGS = ("zh", "en")
_SEVERITIES = ("error", "warning", "info")


def _sides(args: list[str]) -> tuple[list[Path], list[Path]]:
    """The registration and inspection files named after ``--registrations`` and ``--inspections``."""
    sides: tuple[list[Path], list[Path]] = ([], [])
    current: int | None = None
    for arg in args:
        flag, _, attached = arg.partition("=")
        if flag in _FLAGS:
            current = _FLAGS[flag]
            if attached:
                sides[current].append(Path(attached))
        elif arg.startswith("-") and arg != "-":
            fail(f"未知选项 {arg}", f"unknown option {arg}")
        elif current is None:
            fail(
                f"{arg}：请在文件前写明 --registrations 或 --inspections",
                f"{arg}: name the side first with --registrations or --inspections",
            )
        else:
            sides[current].append(Path(arg))
    if not sides[0] or not sides[1]:
        fail(
            "需要登记数据（--registrations 文件…）和检验数据（--inspections 文件…）",
            "give registration data (--registrations FILE…) and inspection data (--inspections FILE…)",
        )
    return sides


def _choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    if value not in allowed:
        fail(
            f"{option} 应为 {'、'.join(allowed)} 之一，而不是 {value!r}",
            f"{option} must be one of {', '.join(allowed)}",
        )
    return value


def reconcile(
    ctx: typer.Context,
    today: Annotated[
        str | None,
        typer.Option(
            "--today", help="核对所用的当前日期 YYYY-MM-DD（默认今天）/ the date taken as today (default: today)."
        ),
    ] = None,
    format: Annotated[
        str, typer.Option("--format", "-f", help="报告格式 / report format: text, json, junit, sarif.")
    ] = ("text"),
    out: Annotated[Path | None, typer.Option("--out", "-o", help="报告写入此文件 / write the report here.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="报告语言 / report language: zh, en.")] = "zh",
    fail_on: Annotated[
        str, typer.Option("--fail-on", help="达到此级别即不通过 / lowest severity that fails: error, warning, info.")
    ] = "error",
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="row：本进程；dask：在 Dask 集群上按设备连接 / row: this process; dask: "
            "a join on the device on a Dask cluster (--scheduler), same report.",
        ),
    ] = "row",
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Dask 调度器地址（默认在本机启动集群）/ Dask scheduler address for --engine "
            "dask (default: a local cluster).",
        ),
    ] = None,
) -> None:
    """核对登记与检验数据 / Reconcile registration data with inspection data.

    Usage: sedata reconcile --registrations REG... --inspections INS... [options]. Reports devices registered
    but never inspected, inspected but not registered, inspected after 报废/注销, overdue, and key fields
    (user unit, certificate number, status) that disagree between the two sides.
    """
    registrations, inspections = _sides(list(ctx.args))
    fmt = _choice(format, _FORMATS, "--format")
    language = _choice(lang, _LANGS, "--lang")
    threshold = _choice(fail_on, _SEVERITIES, "--fail-on")
    how = _choice(engine, ("row", "dask"), "--engine")
    day: dt.date | None = None
    if today is not None:
        try:
            day = dt.date.fromisoformat(today)
        except ValueError:
            fail(
                f"--today 应为 YYYY-MM-DD 格式的日期，而不是 {today!r}",
                f"--today must be a date YYYY-MM-DD, not {today!r}",
            )

    from sedata.validate.layers.consistency import reconcile as run
    from sedata.validate.report import severity

    try:
        if how == "dask":
            report = _on_dask(registrations, inspections, day, severity(threshold), scheduler)
        else:
            report = run(registrations, inspections, today=day, fail_on=severity(threshold))
    except typer.Exit:
        raise
    except Exception as exc:  # a bug must still end in a message, not a traceback
        fail(
            f"内部错误（请报告此问题）：{type(exc).__name__}: {exc}",
            f"internal error (please report it): {type(exc).__name__}: {exc}",
            EXIT_USAGE,
        )
    emit(report, fmt, language, out)


def _on_dask(reg: list[Path], ins: list[Path], day: Any, threshold: Any, scheduler: str | None) -> Any:
    """The reconciliation on a Dask cluster; no Dask or no scheduler is a usage error."""
    try:
        from sedata.distributed.reconcile import reconcile as on_dask
    except ImportError:
        fail_no_dask()
    try:
        return on_dask(reg, ins, client=scheduler, today=day, fail_on=threshold)
    except (OSError, TimeoutError) as exc:
        fail_scheduler(scheduler, exc)
