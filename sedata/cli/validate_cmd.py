"""``sedata validate``: check message files against the spec and report in text, JSON, JSON Lines, JUnit or SARIF.

Exit codes: 0 no finding at or above ``--fail-on``; 1 findings at or above it; 2 a usage error or a
file that cannot be read at all (which is also reported, as SE-SYN-001). Never a traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from sedata.cli._out import (
    EXIT_USAGE,
    check_database,
    check_output,
    err_console,
    fail,
    fail_no_dask,
    fail_scheduler,
    internal_error,
)
from sedata.cli._report import FailOn, Lang, OutputFormat, emit


class Engine(StrEnum):
    """How records are checked (``--engine``)."""

    auto = "auto"
    row = "row"
    columnar = "columnar"
    dask = "dask"


def validate(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="报文文件、目录或通配模式，- 为标准输入 / message files (JSON, JSON Lines or XML), folders, "
            "glob patterns, - for standard input."
        ),
    ],
    format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="报告格式 / report format.")
    ] = OutputFormat.text,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="报告写入此文件（- 为标准输出）/ write the report to this file (-: stdout)."),
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
            help="业务规则与标识符规则所用的当前日期（默认今天）/ the date business and identifier rules take as today "
            "(default: today).",
        ),
    ] = None,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=0,
            help="并行进程数（0 为全部 CPU）/ processes to use (0: one per CPU); large JSON Lines files are split.",
        ),
    ] = 1,
    reference: Annotated[
        list[Path] | None,
        typer.Option(
            "--reference",
            help="参照数据（任意交换文件，可重复）：引用可在其中解析，其本身不校验 / reference datasets (any "
            "exchange files, repeatable) in which references may resolve; not themselves validated.",
        ),
    ] = None,
    ledger: Annotated[
        Path | None,
        typer.Option(
            "--ledger",
            help="通道台账（SQLite，不存在则新建）：检查缺号、重放、冲突与乱序 / channel ledger (SQLite, created if "
            "missing): report gaps, replays, conflicts and late packages across runs.",
        ),
    ] = None,
    trust: Annotated[
        list[Path] | None,
        typer.Option(
            "--trust",
            help="受信任的证书或公钥（PEM 文件或目录，可重复）：检查 FILE.sig 签名 / certificates or public keys "
            "(PEM files or folders, repeatable) whose signatures (FILE.sig) are accepted.",
        ),
    ] = None,
    require_signature: Annotated[
        bool,
        typer.Option(
            "--require-signature",
            help="未签名的报文也算发现（须与 --trust 同用）/ an unsigned package is a finding (needs --trust).",
        ),
    ] = False,
    profile: Annotated[
        Path | None,
        typer.Option(
            "--profile",
            help="接收方配置（TOML；默认 ./sedata.toml 或 pyproject.toml 的 [tool.sedata]）/ receiver profile (TOML; "
            "default: ./sedata.toml or [tool.sedata] of ./pyproject.toml): select, ignore, re-grade rules.",
        ),
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option("--select", help="仅检查这些规则或前缀（逗号分隔）/ check only these rules or prefixes."),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option("--ignore", help="不报告这些规则或前缀（逗号分隔）/ do not report these rules or prefixes."),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", help="基线：其中的已知发现不再报告 / accept the known findings of this baseline."),
    ] = None,
    write_baseline: Annotated[
        Path | None,
        typer.Option("--write-baseline", help="把本次发现写为基线 / write this run's findings as a baseline."),
    ] = None,
    recursive: Annotated[
        bool,
        typer.Option("--recursive", "-r", help="包括子目录中的文件 / also the files in subfolders of a folder."),
    ] = False,
    wait: Annotated[
        float,
        typer.Option(
            "--wait",
            min=0,
            help="等待命名管道写入方的秒数 / seconds to wait for a writer to open a FIFO given as input.",
        ),
    ] = 30.0,
    progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress",
            help="显示进度条（默认：终端上且文件较大时）/ progress bar (default: on a terminal, for large files).",
        ),
    ] = None,
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine",
            help="auto（默认）：3 MiB 及以上的文件按列筛查，较小的逐条检查；row：逐条检查；"
            "columnar：按列筛查，仅被标记的记录逐条确认；dask：在 Dask 集群上（--scheduler）；报告均相同"
            " / auto (default): columnar for files of 3 MiB or more, row for smaller ones; row: record by record;"
            " columnar: records screened in columns, flagged ones confirmed record by record; dask: on a Dask"
            " cluster (--scheduler); the report is the same.",
        ),
    ] = Engine.auto,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Dask 调度器地址（--engine dask；默认在本机启动集群）/ Dask scheduler address for --engine dask "
            "(tcp://host:8786; default: a local cluster sized to this machine).",
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out-dir",
            help="--engine dask：各节点把发现写入此目录（findings.parquet/、findings.jsonl/），报告只含计数 / "
            "--engine dask: the workers write the findings to this folder (findings.parquet/, findings.jsonl/); "
            "the report counts them and lists only those made on the client.",
        ),
    ] = None,
) -> None:
    """校验报文文件 / Validate message files against the spec: syntax, structure, codes and business rules."""
    from sedata.cli._inputs import expand, message_input, waiting
    from sedata.ledger import LedgerError
    from sedata.trust.errors import TrustError
    from sedata.validate import validate_files
    from sedata.validate.engine import Signatures
    from sedata.validate.report import severity

    # More processes than CPUs only compete for them (--jobs 100000 once started 100,000 for 3 records);
    # the run itself starts no more than it has files and chunks.
    cpus = os.cpu_count() or 1
    workers = min(jobs, cpus) if jobs else cpus
    if out is not None and str(out) != "-":
        check_output(out)  # before the run: a refused target must not cost a long validation
    names = expand(files, recursive)
    if ledger is not None:
        check_database(ledger, "通道台账", "channel ledger")
    if require_signature and not trust:
        fail(
            "--require-signature 须指定 --trust 证书，否则无法验证签名",
            "--require-signature needs --trust certificates to verify signatures against",
            EXIT_USAGE,
        )
    signatures = Signatures(tuple(str(t) for t in trust), require_signature) if trust else None
    receiver = _receiver(profile, select, ignore, baseline)
    if out_dir is not None:
        _check_out_dir(out_dir, engine, receiver, write_baseline)
    try:
        with contextlib.ExitStack() as stack, _progress_bar(names, progress) as on_progress:
            # A reference given as a FIFO or '-' is read once, like the files themselves.
            references = [stack.enter_context(message_input(r, wait)) for r in reference or ()]
            if engine is Engine.dask:
                report = _on_dask(
                    names, scheduler, severity(fail_on.value), max_errors, today, ledger, signatures, references,
                    out_dir, on_progress, receiver[0],
                )  # fmt: skip
            else:
                report = validate_files(
                    names,
                    fail_on=severity(fail_on.value),
                    max_errors=max_errors,
                    today=today.date() if today else None,
                    jobs=workers,
                    progress=on_progress,
                    ledger=ledger,
                    signatures=signatures,
                    references=references,
                    wait=wait,
                    on_wait=waiting,
                    engine="row" if engine is Engine.row else "columnar" if engine is Engine.columnar else "auto",
                )
    except (LedgerError, TrustError) as exc:
        where = f"{exc.file}：" if isinstance(exc, TrustError) and exc.file else ""
        fail(where + exc.zh, where.replace("：", ": ") + exc.en, EXIT_USAGE)
    except Exception as exc:  # a bug must still end in a message, not a traceback
        internal_error(exc)
    _apply_receiver(report, receiver, write_baseline, applied=out_dir is not None)
    emit(report, format.value, lang.value, out)


def _on_dask(
    names: list[str],
    scheduler: str | None,
    fail_on: Any,
    max_errors: int | None,
    today: Any,
    ledger: Path | None,
    signatures: Any,
    references: list[Path],
    out_dir: Path | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
    profile: Any = None,
) -> Any:
    """The run on a Dask cluster (``sedata.distributed``); a missing extra or an unreachable scheduler is exit 2."""
    try:
        from sedata.distributed import COLUMNAR, validate, validate_to
    except ImportError:
        fail_no_dask()
    try:
        if out_dir is not None:
            return validate_to(
                names, out_dir, client=scheduler, fail_on=fail_on, max_errors=max_errors,
                today=today.date() if today else None, ledger=ledger, signatures=signatures, references=references,
                progress=on_progress, engine=COLUMNAR, profile=profile,
            ).report  # fmt: skip
        return validate(
            names,
            client=scheduler,
            fail_on=fail_on,
            max_errors=max_errors,
            today=today.date() if today else None,
            ledger=ledger,
            signatures=signatures,
            references=references,
            progress=on_progress,
            engine=COLUMNAR,  # each partition screened by columns, flagged rows confirmed by the row engine
        )
    except (OSError, TimeoutError) as exc:
        fail_scheduler(scheduler, exc)


def _check_out_dir(out_dir: Path, engine: Engine, receiver: Any, write_baseline: Path | None) -> None:
    """--out-dir needs --engine dask, a folder (or nothing) there, and no baseline: a baseline accepts as many
    findings of a fingerprint as it counts, in report order across the run, which workers writing partitions
    apart cannot tell (a receiver profile decides each finding by its rule alone: the workers apply it)."""
    if engine is not Engine.dask:
        fail("--out-dir 须与 --engine dask 同用", "--out-dir needs --engine dask", EXIT_USAGE)
    if out_dir.is_symlink() or (out_dir.exists() and not out_dir.is_dir()):
        fail(f"{out_dir}：应为目录（不是链接）", f"{out_dir}: must be a folder (not a link)", EXIT_USAGE)
    _chosen, known = receiver
    if known is not None or write_baseline is not None:
        fail(
            "--out-dir 不支持基线（--baseline、--write-baseline）：基线按整次运行的报告顺序接受发现，"
            "各工作进程分别写出的分区无法判断；请不带 --out-dir 运行",
            "--out-dir does not take a baseline (--baseline, --write-baseline): a baseline accepts findings in the "
            "order of the whole run's report, which workers writing their partitions apart cannot tell; "
            "run without --out-dir",
            EXIT_USAGE,
        )


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for value in values or () for v in value.split(",") if v.strip()]


def _receiver(profile: Path | None, select: list[str] | None, ignore: list[str] | None, baseline: Path | None) -> Any:
    """The receiver profile (file, else the folder's, plus options) and baseline; bad ones are usage errors."""
    from sedata.spec import current
    from sedata.validate.baseline import Baseline, BaselineError
    from sedata.validate.profile import ProfileError, find_profile, load_profile

    try:
        chosen = load_profile(profile) if profile else find_profile(Path.cwd())
        chosen = chosen.with_options(_split(select), _split(ignore))
        chosen.check(current())
        return chosen, Baseline.read(baseline) if baseline else None
    except (ProfileError, BaselineError) as exc:
        fail(exc.zh, exc.en, EXIT_USAGE)


def _apply_receiver(report: Any, receiver: Any, write_baseline: Path | None, applied: bool = False) -> None:
    """The profile (unless the run ``applied`` it already: --out-dir's workers do), then the baseline."""
    from sedata.spec import current
    from sedata.validate.baseline import Baseline, BaselineError

    chosen, known = receiver
    if not applied:
        chosen.apply(report, current())
    if write_baseline is not None:
        try:
            Baseline.of(report).write(write_baseline)
        except BaselineError as exc:
            fail(exc.zh, exc.en, EXIT_USAGE)
    if known is not None:
        known.apply(report)


PROGRESS_BYTES = 4 << 20
"""Files smaller than this together finish too fast for a progress bar to help."""


@contextmanager
def _progress_bar(files: list[str], wanted: bool | None) -> Iterator[Callable[[str, int, int], None] | None]:
    """A rich progress bar on standard error over the bytes of all files, when wanted or useful."""
    sizes = {f: os.path.getsize(f) if os.path.isfile(f) else 0 for f in files}
    total = sum(sizes.values())
    if wanted is None:
        wanted = err_console.is_terminal and total >= PROGRESS_BYTES
    if not wanted:
        yield None
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    done: dict[str, int] = dict.fromkeys(sizes, 0)
    columns = (
        TextColumn("校验 / validating"),
        BarColumn(),
        DownloadColumn(binary_units=True),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task("validate", total=total or None)

        def update(file: str, read: int, _size: int) -> None:
            done[file] = max(done.get(file, 0), min(read, sizes.get(file, read)))
            bar.update(task, completed=sum(done.values()))

        yield update
