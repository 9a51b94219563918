"""``sedata spec diff`` and ``sedata spec migrate``: spec versions side by side."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import typer

from sedata.cli._out import console, fail


def register(app: typer.Typer) -> None:
    """Add ``diff`` and ``migrate`` to the ``sedata spec`` command group."""
    app.command("diff")(spec_diff)
    app.command("migrate")(spec_migrate)


def spec_diff(
    old: Annotated[str, typer.Argument(help="The earlier spec version, e.g. 1.0.0.")],
    new: Annotated[str, typer.Argument(help="The later spec version, e.g. 1.1.0.")],
    fmt: Annotated[
        Literal["text", "json", "markdown"], typer.Option("--format", "-f", help="text, json or markdown.")
    ] = "text",
) -> None:
    """比较两个规范版本 / List what was added, removed or changed between two spec versions."""
    from sedata.spec.diff import diff
    from sedata.spec.versions import released, spec_for

    specs = []
    for version in (old, new):
        found = spec_for(version)
        if found is None:
            fail(
                f"未知的规范版本 {version}（本版本 sedata 提供：{'、'.join(released())}）",
                f"unknown spec version {version} (this sedata ships: {', '.join(released())})",
            )
        specs.append(found)
    result = diff(*specs)
    if fmt == "json":
        typer.echo(json.dumps(result.to_json_data(), ensure_ascii=False, indent=1))
    elif fmt == "markdown":
        typer.echo(result.markdown(), nl=False)
    else:
        typer.echo(result.text(), nl=False)


def spec_migrate(
    source: Annotated[Path, typer.Argument(help="The message to migrate.")],
    target: Annotated[Path, typer.Argument(help="Where to write the migrated message.")],
    to: Annotated[str | None, typer.Option("--to", help="The spec version to migrate to (default: current).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the migration report as JSON.")] = False,
) -> None:
    """把报文迁移到新规范版本 / Apply the mechanical changes to a later spec version; list what needs a person."""
    from sedata.exchange import ExchangeError
    from sedata.migrate import MigrationError, migrate

    if source.resolve() == target.resolve():
        fail("输出文件不能与输入文件相同", "the output file must not be the input file")
    try:
        result = migrate(source, target, to)
    except MigrationError as exc:
        fail(exc.zh, exc.en)
    except ExchangeError as exc:
        fail(exc.zh, exc.en)
    if as_json:
        typer.echo(json.dumps(result.to_json_data(), ensure_ascii=False, indent=1))
        return
    console.print(f"{result.source} → {result.target}: spec {result.from_version} → {result.to_version}", markup=False)
    console.print("已完成 / done:", markup=False)
    for line in result.mechanical:
        console.print(f"  {line}", markup=False)
    console.print(
        "需人工处理 / needs a person:" if result.for_a_person else "无需人工处理 / nothing needs a person", markup=False
    )
    for line in result.for_a_person:
        console.print(f"  {line}", markup=False)
