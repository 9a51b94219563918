"""The files a command line names: folders of exchange files, quoted globs, ``-`` for standard input.

As with check-jsonschema and frictionless, ``sedata validate data/`` checks the exchange files in the
folder (``--recursive``: and below), and ``sedata validate 'data/*.jsonl'`` expands the pattern itself (a
shell on Windows, or a CI file, passes it quoted). Hidden files and folders are skipped, so the temporary
files of a write in progress are never taken for messages.
"""

from __future__ import annotations

import contextlib
import glob
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from rich.markup import escape

from sedata.cli._out import err_console, fail, fail_path

_MAGIC = frozenset("*?[")


def _exchange_files(folder: str, recursive: bool) -> list[str]:
    from sedata.exchange.detect import EXTENSIONS

    found: list[str] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if recursive else []
        found += [
            os.path.join(root, n)
            for n in sorted(names)
            if not n.startswith(".") and Path(n).suffix.lower() in EXTENSIONS
        ]
    return found


def expand(args: list[Path], recursive: bool = False) -> list[str]:
    """The files to validate, in the order given: folders and glob patterns expanded, each file once."""
    out: list[str] = []
    for arg in args:
        name = os.fspath(arg)
        if name == "-" or (os.path.lexists(name) and not os.path.isdir(name)):
            out.append(name)
        elif os.path.isdir(name):
            files = _exchange_files(name, recursive)
            if not files:
                where = "及其子目录" if recursive else ""
                below = " or below it" if recursive else " (--recursive looks in subfolders)"
                fail(
                    escape(f"{name}：目录{where}中没有交换文件（.json、.jsonl、.ndjson、.xml）"),
                    escape(f"{name}: no exchange files (.json, .jsonl, .ndjson, .xml) in the folder{below}"),
                )
            out += files
        elif _MAGIC & set(name):
            matches = sorted(glob.glob(name, recursive=True))
            files = []
            for match in matches:
                files += _exchange_files(match, recursive) if os.path.isdir(match) else [match]
            if not files:
                fail(escape(f"没有文件与 {name} 匹配"), escape(f"no file matches {name}"))
            out += files
        else:
            out.append(name)  # missing: the file's own finding says so, and the other files are still checked
    if out.count("-") > 1:
        fail("标准输入（-）只能读取一次", "standard input (-) can be read only once")
    return list(dict.fromkeys(out))


@contextlib.contextmanager
def message_input(path: Path, wait: float | None = None) -> Iterator[Path]:
    """The message file to read: a stream (FIFO, pipe, ``-``) copied once to a private file; a device refused."""
    from sedata.io import InputError
    from sedata.io.streams import DEFAULT_WAIT, is_stream, spooled

    name = os.fspath(path)
    if not is_stream(name):
        with contextlib.suppress(OSError):
            if stat.S_ISCHR(os.stat(name).st_mode) or stat.S_ISBLK(os.stat(name).st_mode):
                fail(
                    escape(f"{name}：这是设备文件，不是报文文件"),
                    escape(f"{name}: this is a device, not a message file"),
                )
        yield path
        return
    try:
        with spooled(name, wait=DEFAULT_WAIT if wait is None else wait, on_wait=lambda: waiting(name)) as copy:
            yield copy
    except InputError as exc:
        fail_path(exc)


def waiting(name: str) -> None:
    """Say on standard error that a FIFO has no writer yet (called after a second of waiting)."""
    err_console.print(escape(f"等待写入方打开 {name}… / waiting for a writer to open {name}…"), soft_wrap=True)
