"""Help that reads at 80 columns: Chinese help wraps instead of being cut, option names are never cut.

Rich wraps text at spaces; a Chinese sentence has none, so typer's help table cut every Chinese help
text with ``…`` and then shortened the option names themselves (``--require-signat…``). Folding the
help text lets it wrap anywhere, and keeping the option-name columns whole leaves the shrinking to the
help column. Both hooks are typer internals, so a typer that lacks them simply keeps its own layout.

The hooks go in when help is first shown (:func:`fit_help_when_shown`): ``typer.rich_utils`` imports rich's
markdown, syntax and traceback modules (markdown_it, pygments, attrs: ~5 MiB and 150 modules) that a
``sedata validate`` run, which shows no help, should not carry.
"""

from __future__ import annotations

from typing import Any


def fit_help_when_shown() -> None:
    """Apply :func:`fit_help` just before typer first renders help (idempotent)."""
    try:
        from typer import core
    except ImportError:  # pragma: no cover - typer is a dependency
        return
    for cls in (core.TyperCommand, core.TyperGroup):
        shown = cls.format_help
        if getattr(shown, "_sedata_fold", False):
            continue

        def format_help(self: Any, ctx: Any, formatter: Any, _shown: Any = shown) -> Any:
            fit_help()
            return _shown(self, ctx, formatter)

        format_help._sedata_fold = True  # type: ignore[attr-defined]
        cls.format_help = format_help  # type: ignore[method-assign]


def fit_help() -> None:
    """Make typer's rich help fold long text and keep option names whole (idempotent)."""
    try:
        from rich.table import Table
        from rich.text import Text
        from typer import rich_utils
    except ImportError:  # pragma: no cover - typer without rich: click's plain help wraps by itself
        return
    make_text = getattr(rich_utils, "_make_rich_text", None)
    if make_text is None or getattr(make_text, "_sedata_fold", False) or not hasattr(rich_utils, "Table"):
        return

    def folding(**kwargs: Any) -> Any:
        out = make_text(**kwargs)
        if isinstance(out, Text):
            out.overflow = "fold"
        return out

    folding._sedata_fold = True  # type: ignore[attr-defined]

    class OptionsTable(Table):
        """typer's options table (no header, columns added per row): names kept whole, help folded."""

        def add_row(self, *renderables: Any, **kwargs: Any) -> None:
            if not self.columns and not self.show_header:
                last = len(renderables) - 2  # the type and help columns may wrap
                for i in range(len(renderables)):
                    self.add_column(no_wrap=i < last, overflow="fold")
            super().add_row(*renderables, **kwargs)

    rich_utils._make_rich_text = folding
    rich_utils.Table = OptionsTable
