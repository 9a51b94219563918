"""``sedata conformance run``: run the conformance suite (spec/conformance) through the validator."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from sedata.cli._out import check_output, fail, fail_no_dask, fail_scheduler


class SuiteEngine(StrEnum):
    """The engines ``conformance run --engine`` runs the cases through."""

    row = "row"
    columnar = "columnar"
    both = "both"


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
    engine: Annotated[
        SuiteEngine,
        typer.Option(
            "--engine",
            help="校验引擎；both：两种引擎都运行，结果不同即为失败 / validation engine; both: run each case through"
            " both engines, and a case where they differ fails.",
        ),
    ] = SuiteEngine.both,
) -> None:
    """运行一致性测试集 / Run the conformance suite; one line per failing case, then `N passed, M failed`."""
    from sedata.conformance import SuiteError, run  # the validator loads only when the suite runs

    try:
        result = run(_find_suite(suite), engine=engine.value)
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


def _weights(given: list[str]) -> dict[str, float]:
    from sedata.quality import DEFAULT_WEIGHTS

    weights = dict(DEFAULT_WEIGHTS)
    for item in given:
        name, sep, value = item.partition("=")
        try:
            if not sep or name not in weights:
                raise ValueError(name)
            weights[name] = float(value)
        except ValueError:
            fail(
                f"--weight 应为 名称=数值，名称为 {'、'.join(weights)} 之一：{item!r}",
                f"--weight takes name=number, the name one of {', '.join(weights)}: {item!r}",
            )
    return weights


def _check_inputs(paths: list[Path], option: str) -> None:
    for path in paths:
        if not path.is_file():
            fail(f"{option}文件不存在或不是文件：{path}", f"{option}no such file: {path}")


@app.command("report")
def report_cmd(
    data: Annotated[list[Path], typer.Argument(help="报文文件 / Message files to score.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="输出目录 / Folder for scorecard.json and scorecard.html.")],
    reference: Annotated[
        list[Path] | None,
        typer.Option("--reference", help="参考文件（跨文件检查用）/ Reference files for cross-file checks."),
    ] = None,
    today: Annotated[
        str | None, typer.Option("--today", help="业务规则的当前日期 YYYY-MM-DD / The date rules compare with.")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="页面首要语言 zh|en / First language of the page.")] = "zh",
    limit_days: Annotated[
        int | None,
        typer.Option(
            "--limit-days",
            help="及时性时限（天），默认 30，未经确认 / Timeliness limit in days (default 30, UNCONFIRMED).",
        ),
    ] = None,
    division_level: Annotated[
        str, typer.Option("--division-level", help="county | prefecture | province（默认市州 / default prefecture）")
    ] = "prefecture",
    weight: Annotated[
        list[str] | None,
        typer.Option("--weight", help="权重 名称=数值，可重复 / Score weight name=number, repeatable."),
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="row：本进程；dask：在 Dask 集群上计数与合并 / row: this process; dask: "
            "validated and counted on a Dask cluster (--scheduler), same scorecard.",
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
    """数据质量评分卡 / Data-quality scorecard per sender, division, entity and element: JSON and HTML."""
    import datetime as dt

    from sedata.quality import DEFAULT_LIMIT_DAYS, Parameters, build_scorecard, write_scorecard
    from sedata.quality.definitions import DIVISION_LEVELS

    _check_inputs(data, "")
    _check_inputs(reference or [], "--reference ")
    if lang not in ("zh", "en"):
        fail(f"--lang 应为 zh 或 en：{lang!r}", f"--lang is zh or en: {lang!r}")
    if out.exists() and not out.is_dir():
        fail(f"--out 应为目录：{out}", f"--out must be a folder: {out}")
    if out.is_dir():
        from sedata.quality.write import HTML_NAME, JSON_NAME

        for name in (JSON_NAME, HTML_NAME):
            check_output(out / name)
    day = None
    if today is not None:
        try:
            day = dt.date.fromisoformat(today)
        except ValueError:
            fail(f"--today 应为 YYYY-MM-DD：{today!r}", f"--today takes YYYY-MM-DD: {today!r}")
    if division_level not in DIVISION_LEVELS:
        fail(
            f"--division-level 应为 {'、'.join(DIVISION_LEVELS)} 之一",
            f"--division-level is one of {', '.join(DIVISION_LEVELS)}",
        )
    if limit_days is not None and limit_days < 0:
        fail("--limit-days 不能为负数", "--limit-days must not be negative")
    try:
        parameters = Parameters(
            weights=_weights(weight or []),
            limit_days=DEFAULT_LIMIT_DAYS if limit_days is None else limit_days,
            limit_status="UNCONFIRMED" if limit_days is None else "given by the caller / 由调用者指定",
            division_level=division_level,  # narrowed by the DIVISION_LEVELS check above
        )
    except ValueError as exc:
        fail(f"参数无效：{exc}", f"invalid parameters: {exc}")
    if engine not in ("row", "dask"):
        fail(f"--engine 应为 row 或 dask：{engine!r}", f"--engine is row or dask: {engine!r}")
    if engine == "dask":
        card = _on_dask(data, reference or [], day, parameters, scheduler)
    else:
        card = build_scorecard(data, references=reference or [], today=day, parameters=parameters)
    if not card["summary"]["filesScored"]:
        fail("没有可读取的报文文件，未生成评分卡", "no message file could be read; no scorecard written")
    try:
        json_path, html_path = write_scorecard(card, out, "en" if lang == "en" else "zh")
    except OSError as exc:
        fail(f"无法写入 {out}：{exc.strerror}", f"cannot write {out}: {exc.strerror}")
    summary = card["summary"]
    typer.echo(
        f"已写入 / wrote {json_path}, {html_path}: {summary['records']} 条记录 / records, "
        f"{summary['senders']} 个发送方 / senders"
    )
    for item in card["senders"]:
        shown = "—" if item["score"] is None else f"{item['score']:.2f}"
        typer.echo(f"{item['rank'] or '—':>3}  {item['sender']}  {shown}")
    for note in card["notes"]:
        typer.echo(f"注 / note: {note['zh']} / {note['en']}", err=True)


def _on_dask(data: list[Path], references: list[Path], day: Any, parameters: Any, scheduler: str | None) -> Any:
    """The scorecard counted on a Dask cluster; no Dask or no scheduler is a usage error."""
    try:
        from sedata.distributed.scorecard import build_scorecard as on_dask
    except ImportError:
        fail_no_dask()
    try:
        return on_dask(data, client=scheduler, references=references, today=day, parameters=parameters)
    except (OSError, TimeoutError) as exc:
        fail_scheduler(scheduler, exc)
