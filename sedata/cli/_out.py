"""Shared printing helpers: bilingual errors on stderr with an exit code, never a traceback."""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from sedata.io import PathProblem

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)
if not console.is_terminal:
    # Piped output is read by grep and scripts: lines at their natural width, never folded at 80.
    console.width = 1000

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

DEBUG = False
"""Set by ``sedata --debug``: an unexpected error shows its traceback (for a bug report) instead of one line."""


def _decided() -> tuple[type[BaseException], ...]:
    """Exceptions that carry an exit already decided (a refused target, a usage error): never a bug."""
    found: list[Any] = [typer.Exit, typer.Abort, getattr(typer, "TyperException", None)]
    with contextlib.suppress(ImportError):  # typer before 0.2x raised click's own exceptions
        click = importlib.import_module("click")
        found += [click.exceptions.Exit, click.ClickException, click.Abort]
    return tuple(c for c in found if isinstance(c, type) and issubclass(c, BaseException))


_DECIDED = _decided()


def fail(zh: str, en: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print a bilingual error and exit with ``code``."""
    err_console.print(f"[bold red]错误[/] {zh}\n[bold red]error[/] {en}", soft_wrap=True)
    raise typer.Exit(code)


def fail_no_dask() -> NoReturn:
    """``--engine dask`` without the extra installed: a usage error."""
    fail("--engine dask 需要 Dask：pip install 'sedata[dask]'", "--engine dask needs Dask: pip install 'sedata[dask]'")


def fail_scheduler(scheduler: str | None, exc: BaseException) -> NoReturn:
    """The Dask scheduler (or the local cluster when ``scheduler`` is None) could not be reached: a usage error."""
    fail(
        f"无法连接 Dask 调度器 {scheduler or '（本机集群）'}：{exc}",
        f"cannot reach the Dask scheduler {scheduler or '(local cluster)'}: {exc}",
    )


def fail_path(problem: PathProblem, code: int = EXIT_USAGE) -> NoReturn:
    """Exit with a path problem of :mod:`sedata.io` (a refused target, an input too large)."""
    fail(escape(f"{problem.file}：{problem.zh}"), escape(f"{problem.file}: {problem.en}"), code)


def internal_error(exc: BaseException, file: str | os.PathLike[str] | None = None) -> NoReturn:
    """A bug: one bilingual line naming the file (the traceback only with ``--debug``), exit 2."""
    if DEBUG or isinstance(exc, _DECIDED):
        raise exc  # an exit already decided (a refused target, a usage error) is no bug
    try:
        from sedata.privacy import redact

        # An exception's text can quote the data (a value, a key): never let it carry personal data out.
        text = escape(redact(f"{type(exc).__name__}: {exc}")[:300])
    except Exception:  # the masking itself failed: say only what kind of error it was
        text = type(exc).__name__
    where = escape(f"{os.fspath(file)}: ") if file is not None else ""
    fail(
        f"{where}内部错误（请用 --debug 重新运行并报告此问题）：{text}",
        f"{where}internal error (run again with --debug and report it): {text}",
        EXIT_USAGE,
    )


def check_output(path: str | os.PathLike[str]) -> None:
    """Exit 2 unless ``path`` may be written: missing in an existing folder, or a regular file (not a link)."""
    from sedata.io import OutputError
    from sedata.io.output import check_target

    try:
        check_target(path)
    except OutputError as exc:
        fail_path(exc)


def check_database(path: str | os.PathLike[str], zh: str, en: str) -> None:
    """Exit 2 when ``path`` exists and is no regular file: SQLite would fail on a device and block on a FIFO."""
    if os.path.exists(path) and not os.path.isfile(path):
        fail(
            escape(f"{os.fspath(path)}：{zh}应为普通文件"),
            escape(f"{os.fspath(path)}: the {en} must be a regular file"),
        )


def write_output(path: str | os.PathLike[str], document: str) -> None:
    """Write a text document to ``path`` atomically, or to standard output for ``-``; exit 2 if refused."""
    from sedata.io import OutputError
    from sedata.io.output import is_stdout, write_atomically

    if is_stdout(path):
        console.file.write(document)
        console.file.flush()
        return
    try:
        # A lone surrogate read from a hostile file cannot be UTF-8: written as \udXXX, the report still is.
        write_atomically(path, document.encode("utf-8", "backslashreplace"))
    except OutputError as exc:
        fail_path(exc)


@contextlib.contextmanager
def message_output(path: Path, suffix: str = "") -> Iterator[Path]:
    """Where a command writes a message: ``path`` itself (checked first), or for ``-`` a private file (named
    ``message`` + ``suffix``) copied to standard output once written: the header, with the record count and
    digest, comes first, so the message cannot be streamed out before its last record is known."""
    from sedata.io.output import discard, is_stdout, register

    if not is_stdout(path):
        check_output(path)
        yield path
        return
    folder = tempfile.mkdtemp(prefix="sedata-out-")
    written = Path(folder) / f"message{suffix}"
    register(written)
    try:
        yield written
        with open(written, "rb") as f:
            shutil.copyfileobj(f, sys.stdout.buffer, 1 << 20)
        sys.stdout.buffer.flush()
    finally:
        discard(written)
        shutil.rmtree(folder, ignore_errors=True)
