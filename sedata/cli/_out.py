"""Shared printing helpers: bilingual errors on stderr with an exit code, never a traceback."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)
if not console.is_terminal:
    # Piped output is read by grep and scripts: lines at their natural width, never folded at 80.
    console.width = 1000

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


def fail(zh: str, en: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print a bilingual error and exit with ``code``."""
    err_console.print(f"[bold red]错误[/] {zh}\n[bold red]error[/] {en}", soft_wrap=True)
    raise typer.Exit(code)
