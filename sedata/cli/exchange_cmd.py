"""``sedata convert`` and ``sedata inspect``: exchange messages from the command line.

Bad input (unreadable, malformed, unsafe, not a message) exits 2; a message whose record count or
digest does not match its header exits 1. Errors are printed in Chinese and English, never as a traceback.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.markup import escape
from rich.table import Table

from sedata.cli._inputs import message_input
from sedata.cli._out import EXIT_FINDINGS, EXIT_USAGE, console, err_console, fail, message_output

if TYPE_CHECKING:
    from sedata.exchange import ExchangeError, Summary


class Target(StrEnum):
    json = "json"
    jsonl = "jsonl"
    xml = "xml"


def _fail(exc: ExchangeError) -> NoReturn:
    from sedata.exchange import IntegrityError

    where = exc.where()
    prefix = f"{where}: " if where else ""
    code = EXIT_FINDINGS if isinstance(exc, IntegrityError) else EXIT_USAGE
    fail(escape(f"{prefix}{exc.zh} [{exc.code}]"), escape(f"{prefix}{exc.en} [{exc.code}]"), code)


def convert(
    source: Annotated[Path, typer.Argument(help="The message to read (format told from its content; - for stdin).")],
    target: Annotated[
        Path, typer.Argument(help="Where to write: a regular file, replaced atomically; - for stdout (with --to).")
    ],
    to: Annotated[
        Target | None, typer.Option("--to", help="Target format (default: from the target's extension).")
    ] = None,
) -> None:
    """转换报文格式（无损） / Convert a message between JSON, JSON Lines and XML, losslessly."""
    from sedata.exchange import ExchangeError, detect_format
    from sedata.exchange import convert as run

    if str(target) == "-" and to is None:
        fail("输出到标准输出（-）时须用 --to 指定格式", "writing to standard output (-) needs --to FORMAT")
    suffix = f".{to.value}" if to else ""
    try:
        with message_input(source) as readable, message_output(target, suffix) as written:
            source_format = detect_format(readable)
            header = run(readable, written, to.value if to else None)
            target_format = detect_format(written)
    except ExchangeError as exc:
        _fail(exc)
    (err_console if str(target) == "-" else console).print(
        f"已转换 / converted {header.record_count} records: {source} ({source_format}) → {target} ({target_format}); "
        f"{header.digest_algorithm} {header.digest}",
        markup=False,
        soft_wrap=True,
    )


def inspect(
    file: Annotated[Path, typer.Argument(help="The message to inspect.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """显示报文头、各类记录数及摘要校验结果 / Show a message's header, record counts and digest check."""
    from sedata.exchange import ExchangeError, summarize

    try:
        with message_input(file) as readable:
            summary = summarize(readable)
    except ExchangeError as exc:
        _fail(exc)
    if as_json:
        console.print_json(json.dumps(_as_data(file, summary), ensure_ascii=False))
    else:
        _print(file, summary)
    if summary.problem is not None:
        _fail(summary.problem)


def _as_data(file: Path, s: Summary) -> dict[str, Any]:
    from sedata.exchange import header_data

    problem = s.problem
    return {
        "file": str(file),
        "format": s.format,
        "header": header_data(s.header),
        "records": s.records,
        "counts": [
            {"recordType": t, "operation": op, "count": n} for (t, op), n in sorted(s.counts.items(), key=_order)
        ],
        "digest": {
            "algorithm": s.header.digest_algorithm,
            "declared": s.header.digest,
            "computed": s.digest,
            "verified": s.verified,
        },
        "problem": None if problem is None else {"code": problem.code, "zh": problem.zh, "en": problem.en},
    }


def _order(item: tuple[tuple[str, str | None], int]) -> tuple[str, str]:
    (record_type, operation), _ = item
    return record_type, operation or ""


def _print(file: Path, s: Summary) -> None:
    from sedata.exchange import header_data

    console.print(f"[bold]{escape(str(file))}[/]  ({s.format})")
    head = Table(show_header=False, box=None, pad_edge=False)
    head.add_column(style="cyan")
    head.add_column(overflow="fold")
    for name, value in header_data(s.header).items():
        head.add_row(name, escape(str(value)))
    console.print(head)
    counts = Table(title="记录数 / records")
    counts.add_column("recordType")
    counts.add_column("operation")
    counts.add_column("count", justify="right")
    for (record_type, operation), n in sorted(s.counts.items(), key=_order):
        counts.add_row(record_type, operation or "—", str(n))
    counts.add_row("[bold]合计 / total[/]", "", f"[bold]{s.records}[/]")
    console.print(counts)
    if s.verified:
        console.print(
            f"[green]记录数与摘要校验通过 / count and digest verified[/] ({s.header.digest_algorithm} {s.digest})"
        )
    else:
        console.print("[bold red]记录数或摘要不符 / count or digest does not match[/]")
