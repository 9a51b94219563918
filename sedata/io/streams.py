"""Reading what is not a regular file: FIFOs, pipes and standard input, without hanging.

Opening a FIFO blocks until someone opens it for writing, possibly forever; so a FIFO is opened without
blocking and waited on for at most ``wait`` seconds *for a writer*. Once a writer is there the data is
read as a stream, however slowly it comes. Standard input is taken as given (its writer exists), except a
terminal, which is refused: nobody types an exchange message.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from sedata.io.errors import InputError
from sedata.io.output import clean_dead, discard, register

STDIN = "-"
"""The input name that means standard input."""
DEFAULT_WAIT = 30.0
"""Seconds to wait for a writer to open a FIFO before giving up."""
SPOOL_PREFIX = "sedata-stream-"
"""Name of the private copies of streams in the temporary folder (followed by the process id)."""
_POLL = 0.05
_CHUNK = 1 << 16


def is_stdin(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is ``-``, standard input."""
    return os.fspath(path) == STDIN


def is_stream(path: str | os.PathLike[str]) -> bool:
    """True for standard input and for paths that are FIFOs, pipes or sockets (read once, not seekable)."""
    if is_stdin(path):
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def _head_of_fifo(fd: int, name: str, wait: float, on_wait: Callable[[], None] | None) -> bytes:
    """Wait for a writer on a FIFO opened with O_NONBLOCK; return the first bytes, fd left blocking."""
    start = time.monotonic()
    told = False
    while True:
        try:
            head = os.read(fd, _CHUNK)
        except BlockingIOError:  # a writer has the FIFO open and has written nothing yet: it is on its way
            os.set_blocking(fd, True)
            return b""
        if head:
            os.set_blocking(fd, True)
            return head
        waited = time.monotonic() - start
        if waited >= wait:
            raise InputError(
                f"等待 {wait:g} 秒，无人向此命名管道（FIFO）写入数据",
                f"nobody wrote to this FIFO (named pipe) within {wait:g} s",
                name,
            )
        if not told and on_wait is not None and waited >= 1.0:
            on_wait()
            told = True
        time.sleep(_POLL)


@contextlib.contextmanager
def open_stream(
    path: str | os.PathLike[str], *, wait: float = DEFAULT_WAIT, on_wait: Callable[[], None] | None = None
) -> Iterator[tuple[bytes, BinaryIO]]:
    """Open ``path`` (``-`` for standard input) for reading: yield the bytes already read and the file.

    A FIFO is waited on for a writer for at most ``wait`` seconds (``on_wait`` is called once after a
    second of waiting, to say so); a folder or a terminal raises :class:`InputError`.
    """
    name = os.fspath(path)
    if is_stdin(path):
        if sys.stdin is None or sys.stdin.isatty():
            raise InputError(
                "标准输入是终端：请用管道或重定向提供报文",
                "standard input is a terminal: pipe or redirect a message in",
                name,
            )
        yield b"", sys.stdin.buffer
        return
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise InputError("这是目录，不是文件", "this is a folder, not a file", name)
        if stat.S_ISFIFO(mode):
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            try:
                head = _head_of_fifo(fd, name, wait, on_wait)
                f = os.fdopen(fd, "rb")
            except BaseException:
                os.close(fd)
                raise
        else:
            head, f = b"", open(path, "rb")
    except OSError as exc:
        raise InputError(f"无法读取：{exc.strerror}", f"cannot read: {exc.strerror}", name, exc.errno) from None
    with f:
        yield head, f


@contextlib.contextmanager
def spooled(
    path: str | os.PathLike[str], *, wait: float = DEFAULT_WAIT, on_wait: Callable[[], None] | None = None
) -> Iterator[Path]:
    """A private temporary copy of a stream (FIFO, pipe, standard input), removed afterwards.

    The message readers look at a file more than once (format, then records, then a signature check), which
    a stream allows only once: it is copied as it comes, in constant memory, to a file only its owner may read
    (it may hold personal data).
    """
    name = os.fspath(path)
    clean_dead(tempfile.gettempdir(), SPOOL_PREFIX)  # the copies of runs that were killed
    fd, temp = tempfile.mkstemp(prefix=f"{SPOOL_PREFIX}{os.getpid()}-", suffix=".spool")
    register(temp)
    try:
        try:
            with os.fdopen(fd, "wb") as out, open_stream(path, wait=wait, on_wait=on_wait) as (head, f):
                out.write(head)
                shutil.copyfileobj(f, out, _CHUNK)
        except OSError as exc:
            raise InputError(f"无法读取：{exc.strerror or exc}", f"cannot read: {exc.strerror or exc}", name) from None
        yield Path(temp)
    finally:
        discard(temp)
