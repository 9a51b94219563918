"""The text report for people (``--format text``): per file, findings grouped by rule, then a summary table.

Chinese by default, English with ``--lang en``. Colour on a terminal; plain text in a file or a pipe.
"""

from __future__ import annotations

import io
from typing import IO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sedata.spec import Spec, current
from sedata.validate.render.common import by_rule, label, location, rule_name, stop_reason, visible
from sedata.validate.report import SEVERITIES, FileReport, Report, Text

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def print_report(report: Report, console: Console, lang: str = "zh", spec: Spec | None = None) -> None:
    """Print the report on ``console``."""
    spec = spec or current()
    # Reasons every file shares (a layer not switched on) are said once, after the summary.
    common = set.intersection(*(set(fr.not_checked.items()) for fr in report.files)) if report.files else set()
    for fr in report.files:
        _print_file(fr, console, lang, spec, common)
    console.print(_summary(report, lang))
    for line in report.applied:
        console.print(f"[dim]{escape(line.get(lang))}[/]", soft_wrap=True)
    if common:
        console.print(f"[dim]{label('not_checked', lang)}{_colon(lang)}[/]", soft_wrap=True)
        _print_reasons(dict(common), console, lang, "  ")


def write(report: Report, out: IO[str], lang: str = "zh", spec: Spec | None = None) -> None:
    """Write the report as plain text (no colour) to ``out``, line by line, as ``--out`` has it."""
    console = Console(file=out, width=200, color_system=None, highlight=False, soft_wrap=True)
    print_report(report, console, lang, spec)


def render(report: Report, lang: str = "zh", spec: Spec | None = None) -> str:
    """The report as plain text (no colour), as written by ``--out``."""
    buffer = io.StringIO()
    write(report, buffer, lang, spec)
    return buffer.getvalue()


def _colon(lang: str) -> str:
    return "：" if lang == "zh" else ": "


def _verdict(valid: bool, lang: str) -> str:
    return f"[green]{label('valid', lang)}[/]" if valid else f"[bold red]{label('invalid', lang)}[/]"


def _print_file(fr: FileReport, console: Console, lang: str, spec: Spec, common: set[tuple[str, Text]]) -> None:
    head = [f"[bold]{escape(visible(fr.file))}[/]"]
    if fr.format:
        head.append(f"({fr.format})")
    if fr.header:
        head.append(f"{label('message_type', lang)} {escape(visible(str(fr.header.get('messageType', '?'))))}")
    head.append(f"{label('records', lang)} {fr.records}")
    head.append(_verdict(fr.valid, lang))
    if fr.stopped:
        head.append(f"[yellow]{label('stopped', lang)}{_colon(lang)}{stop_reason(fr.stopped, lang)}[/]")
    console.print(" · ".join(head), soft_wrap=True)
    groups = by_rule(fr.findings)
    if not groups:
        console.print(f"  [green]{label('none', lang)}[/]")
    for rule_id, found in groups.items():
        sev = found[0].severity
        name = escape(rule_name(spec, rule_id, lang))
        console.print(
            f"  [{_STYLE[sev]}]{rule_id}[/] {name} · {label('severity_' + sev, lang)} · "
            f"{len(found)} {label('findings', lang)}",
            soft_wrap=True,
        )
        for f in found:
            where = location(f, lang)
            prefix = f"[dim]{escape(where)}[/]: " if where else ""
            console.print(f"    {prefix}{escape(visible(f.message.get(lang)))}", soft_wrap=True)
    own = {rule_id: reason for rule_id, reason in fr.not_checked.items() if (rule_id, reason) not in common}
    if own:
        console.print(f"  [dim]{label('not_checked', lang)}{_colon(lang)}[/]", soft_wrap=True)
        _print_reasons(own, console, lang, "    ")
    console.print()


def _print_reasons(not_checked: dict[str, Text], console: Console, lang: str, indent: str) -> None:
    # One line per reason: an unreadable file would otherwise list every rule of the spec.
    reasons: dict[str, list[str]] = {}
    for rule_id, reason in sorted(not_checked.items()):
        reasons.setdefault(reason.get(lang), []).append(rule_id)
    for reason_text, rule_ids in reasons.items():
        console.print(
            f"{indent}[dim]{escape(visible(reason_text))}{_colon(lang)}{', '.join(rule_ids)}[/]", soft_wrap=True
        )


def _summary(report: Report, lang: str) -> Table:
    table = Table(title=label("summary", lang))
    table.add_column(label("file", lang), overflow="fold")
    table.add_column(label("format", lang))
    table.add_column(label("records", lang), justify="right")
    for sev in SEVERITIES:
        table.add_column(label(sev, lang), justify="right", style=_STYLE[sev])
    table.add_column(label("verdict", lang))
    for fr in report.files:
        counts = fr.by_severity()
        table.add_row(
            escape(visible(fr.file)),
            fr.format or "—",
            str(fr.records),
            *(str(counts[s]) for s in SEVERITIES),
            _verdict(fr.valid, lang),
        )
    if len(report.files) > 1:
        totals = report.by_severity()
        table.add_row(
            f"[bold]{label('total', lang)}[/]",
            "",
            str(sum(fr.records for fr in report.files)),
            *(str(totals[s]) for s in SEVERITIES),
            _verdict(report.valid, lang),
        )
    return table
