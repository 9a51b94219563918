"""``sedata spec build|show``: regenerate artefacts from spec/, check them for drift, look things up."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from sedata.cli import spec_diff_cmd
from sedata.cli._out import EXIT_FINDINGS, check_output, console, err_console, fail

if TYPE_CHECKING:
    from sedata.spec import Spec

app = typer.Typer(help="规范源文件 / The spec: build the generated artefacts, show elements and code sets.")
spec_diff_cmd.register(app)  # diff, migrate: spec versions side by side


def _find_spec_dir(given: Path | None) -> Path:
    if given is not None:
        if not (given / "spec.yaml").is_file():
            fail(f"{given} 不是规范目录（缺少 spec.yaml）", f"{given} is not a spec folder (no spec.yaml)")
        return given
    here = Path.cwd() / "spec"
    if (here / "spec.yaml").is_file():
        return here
    checkout = Path(__file__).resolve().parents[2] / "spec"
    if (checkout / "spec.yaml").is_file():
        return checkout
    fail(
        "找不到 spec/ 目录；请在 sedata 源码目录中运行，或用 --spec 指定",
        "no spec/ folder found; run inside a sedata checkout or pass --spec",
    )


def _load(spec_dir: Path) -> Spec:
    # The spec machinery (pydantic models of the spec) loads only for the commands that need it.
    from sedata.spec import SpecError, load_spec

    try:
        return load_spec(spec_dir)
    except SpecError as exc:
        n = len(exc.problems)
        err_console.print(f"[bold red]规范有 {n} 处错误 / the spec has {n} problem(s):[/]")
        for p in exc.problems:
            err_console.print(f"  {p}", soft_wrap=True, markup=False)
        raise typer.Exit(EXIT_FINDINGS) from None


@app.command()
def build(
    check: Annotated[
        bool, typer.Option("--check", help="Only compare: exit 1 with a diff when generated files drift.")
    ] = False,
    spec_dir: Annotated[
        Path | None, typer.Option("--spec", help="The spec folder (default: ./spec or the checkout's).")
    ] = None,
) -> None:
    """由 spec/ 生成模型、JSON Schema 与 XSD / Generate models, JSON Schema and XSD from spec/."""
    from sedata.generate import build as generate
    from sedata.generate import check as drift
    from sedata.generate import write

    folder = _find_spec_dir(spec_dir)
    spec = _load(folder)
    outputs = generate(spec)
    root = folder.resolve().parent
    if check:
        result = drift(root, outputs)
        if result.clean:
            console.print(f"生成文件与规范一致 / generated files match spec/ ({len(outputs)} files)")
            return
        console.print(result.diff, markup=False, end="")
        for label, items in (("changed", result.changed), ("missing", result.missing), ("stale", result.stale)):
            for item in items:
                err_console.print(f"  {label}: {item}", markup=False)
        err_console.print(
            "[bold red]生成文件与 spec/ 不一致，请运行 `sedata spec build` 并提交[/]\n"
            "[bold red]generated files drift from spec/: run `sedata spec build` and commit[/]"
        )
        raise typer.Exit(EXIT_FINDINGS)
    for rel in outputs:
        if os.path.lexists(root / rel):
            check_output(root / rel)  # a generated file is never written through a link or onto a device
    try:
        touched = write(root, outputs)
    except OSError as exc:
        fail(f"无法写入生成文件：{exc}", f"cannot write the generated files: {exc}")
    for item in touched:
        console.print(f"  wrote {item}", markup=False)
    console.print(f"已生成 / generated: {len(touched)} changed of {len(outputs)} files (spec {spec.info.spec_version})")


@app.command()
def show(
    name: Annotated[str, typer.Argument(help="Element id or key, code set id[@version], value domain, or entity.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    spec_dir: Annotated[Path | None, typer.Option("--spec", help="Read spec/ instead of the packaged spec.")] = None,
) -> None:
    """显示数据元、代码集、值域或实体（中英文） / Show a data element, code set, value domain or entity."""
    from sedata.spec import current
    from sedata.spec.lookup import LookupError_, describe

    spec = _load(_find_spec_dir(spec_dir)) if spec_dir else current()
    try:
        info = describe(spec, name)
    except LookupError_ as exc:
        fail(exc.zh, exc.en)
    if as_json:
        console.print_json(json.dumps(info, ensure_ascii=False, default=str))
        return
    out = _fitting_console()
    out.print(f"[bold]{info['title']}[/]  ({info['kind']})", soft_wrap=False)
    # Fold, never truncate: a cut-off Chinese name is a wrong name.
    details = Table(show_header=False, box=None, pad_edge=False)
    details.add_column(no_wrap=True)
    details.add_column(overflow="fold")
    for key, value in info["attributes"].items():
        if value not in (None, "", []):
            details.add_row(f"[cyan]{key}[/]", str(value))
    out.print(details)
    if info.get("rows"):
        columns, rows, empty = _without_empty_columns(info["columns"], info["rows"])
        table = Table(show_lines=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*(str(c) if c is not None else "" for c in row))
        out.print(table)
        if any("name en" in c for c in empty):
            out.print("规范未给出英文名称 / the spec gives no English names here", style="dim")


_PIPE_WIDTH = 100
"""Columns of ``spec show`` output into a pipe or file: readable in a pager, diffable, never 900 wide."""


def _fitting_console() -> Console:
    """A console as wide as the terminal, or :data:`_PIPE_WIDTH` (``COLUMNS`` if set) when piped."""
    if console.is_terminal:
        return console
    try:
        width = int(os.environ.get("COLUMNS", "")) or _PIPE_WIDTH
    except ValueError:
        width = _PIPE_WIDTH
    return Console(file=console.file, width=width, highlight=False, color_system=None)


def _without_empty_columns(
    columns: list[str], rows: list[list[object]]
) -> tuple[list[str], list[list[object]], list[str]]:
    """The table without the columns no row fills (their names are returned as the third item)."""
    keep = [i for i in range(len(columns)) if any(row[i] not in (None, "") for row in rows)]
    empty = [c for i, c in enumerate(columns) if i not in keep]
    return [columns[i] for i in keep], [[row[i] for i in keep] for row in rows], empty
