"""The inputs of a run as the readers need them: streams copied to a private file, devices refused.

The readers look at a file more than once (its format, then its records, then its signature), which a FIFO,
a pipe or standard input allows only once; such inputs are copied first (:func:`sedata.io.streams.spooled`),
and their findings name the input as the user gave it. A device is no message file: reading ``/dev/zero``
would never end. An input that cannot be had gets a file-level finding of its own; the run goes on.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sedata.io import InputError
from sedata.io.streams import DEFAULT_WAIT, is_stdin, is_stream, spooled
from sedata.spec import Spec
from sedata.validate.context import FileContext
from sedata.validate.report import FileReport, Finding, Severity, Text, store_of

UNREADABLE = "SE-SYN-001"
"""The rule of an input that could not be read, whatever the reason: also an unforeseen error (a bug)."""


@dataclass(frozen=True)
class Input:
    """One input of a run: the name the user gave, the file to read (None when it cannot be had), why not."""

    name: str
    path: str | None
    problem: InputError | None = None


def prepare(
    paths: Iterable[str | os.PathLike[str]],
    stack: contextlib.ExitStack,
    *,
    wait: float = DEFAULT_WAIT,
    on_wait: Callable[[str], None] | None = None,
) -> list[Input]:
    """Each input ready to read; copies of streams live until ``stack`` closes."""
    out: list[Input] = []
    for p in paths:
        name = os.fspath(p)
        try:
            if is_stream(p):
                told = (lambda n=name: on_wait(n)) if on_wait is not None else None
                out.append(Input(name, os.fspath(stack.enter_context(spooled(p, wait=wait, on_wait=told)))))
                continue
            _refuse_device(name)
        except InputError as exc:
            out.append(Input(name, None, exc))
            continue
        out.append(Input(name, name))
    return out


def _refuse_device(name: str) -> None:
    try:
        mode = os.stat(name).st_mode
    except OSError:
        return  # the reader says why it cannot open it
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        raise InputError("这是设备文件，不是报文文件", "this is a device, not a message file", name)


def refused_report(item: Input, spec: Spec, fail_on: Severity) -> FileReport:
    """The report of an input that could not be had: one SE-SYN-001 finding, the file unreadable."""
    assert item.problem is not None
    report = FileReport(item.name, fail_on=fail_on)
    ctx = FileContext(spec, item.name)
    report.findings.append(ctx.finding(UNREADABLE, detail=Text(item.problem.zh, item.problem.en)))
    report.stopped = "unreadable"
    return report


def internal_finding(ctx: FileContext, exc: BaseException) -> Finding:
    """The finding for an unexpected error while reading a file (a bug, or a file no reader foresaw)."""
    from sedata.privacy import redact

    # Only the kind of error and a short, masked text: an exception can quote the data it choked on.
    text = redact(f"{type(exc).__name__}: {exc}")[:200]
    text = "".join(c if c.isprintable() else "?" for c in text)
    return ctx.finding(
        UNREADABLE,
        detail=Text(
            f"读取时发生内部错误（请报告此问题）：{text}", f"internal error while reading (please report it): {text}"
        ),
    )


def shown_as(report: FileReport, name: str) -> FileReport:
    """``report`` and its findings under the name the user gave (not that of a private copy)."""
    if report.file != name:
        report.file = name
        # Renamed one by one into the store (a list of a million findings would hold them all in memory).
        store_of(report.findings).replace_all(dataclasses.replace(f, file=name) for f in report.findings)
    return report


__all__ = ["DEFAULT_WAIT", "Input", "internal_finding", "is_stdin", "prepare", "refused_report", "shown_as"]
