"""``sedata conformance run``: run the conformance suite (spec/conformance) through the validator."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sedata.cli._out import fail
from sedata.conformance import SuiteError, run

app = typer.Typer(help="一致性测试集 / The conformance suite: cases with the findings they must yield.")


def _find_suite(given: Path | None) -> Path:
    if given is not None:
        return given
    here = Path.cwd() / "spec" / "conformance"
    if (here / "cases.yaml").is_file():
        return here
    checkout = Path(__file__).resolve().parents[2] / "spec" / "conformance"
    if (checkout / "cases.yaml").is_file():
        return checkout
    fail(
        "找不到 spec/conformance/；请在 sedata 源码目录中运行，或用 --suite 指定",
        "no spec/conformance/ folder found; run inside a sedata checkout or pass --suite",
    )


@app.command("run")
def run_cmd(
    suite: Annotated[
        Path | None, typer.Option("--suite", help="测试集目录（含 cases.yaml）/ Suite folder (with cases.yaml).")
    ] = None,
) -> None:
    """运行一致性测试集 / Run the conformance suite; one line per failing case, then `N passed, M failed`."""
    try:
        result = run(_find_suite(suite))
    except SuiteError as exc:
        fail(f"测试集无效：{exc}", f"invalid suite: {exc}")
    for outcome in result.outcomes:
        if not outcome.passed:
            typer.echo(f"FAIL {outcome.case.id} [{outcome.case.file.name}]: " + "; ".join(outcome.problems))
    for rule in result.not_checked:
        typer.echo(f"{rule}: 未检查 / not checked")
    typer.echo(f"{result.passed} passed, {result.failed} failed")
    if result.failed:
        raise typer.Exit(1)
