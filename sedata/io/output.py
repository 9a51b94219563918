"""Writing files safely: only regular files are replaced, always by an atomic rename of a temporary file.

Receivers often run sedata as root: renaming a temporary file over ``/dev/null``, a FIFO or a symbolic link
would replace a device or write through a link, so :func:`check_target` refuses any target that exists and
is not a regular file. Temporary files live beside the target (the rename stays on one file system) and are
named ``.TARGET.sedata-tmp-PID-RANDOM.SUFFIX``: they are removed on every exit path this process controls
(errors, Ctrl-C, SIGTERM, SIGHUP), and a later write to the same target removes those of dead processes
(a SIGKILL cannot be caught).
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import io
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any, BinaryIO, TextIO

from sedata.io.errors import OutputError

TEMP_MARK = ".sedata-tmp-"
"""Part of every temporary file's name: what a later run looks for when it cleans up."""
STDOUT = "-"
"""The target name that means standard output, for commands whose output can go there."""

_LIVE: set[str] = set()
_OWNER = os.getpid()
_HANDLED: set[int] = set()
_LOCK = threading.Lock()


def is_stdout(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is ``-``, standard output."""
    return os.fspath(path) == STDOUT


def _kind(mode: int) -> tuple[str, str] | None:
    """What a file that is not a regular file is, in Chinese and English; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "符号链接", "a symbolic link"
    if stat.S_ISDIR(mode):
        return "目录", "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件", "a device"
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO）", "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "套接字", "a socket"
    return "特殊文件", "a special file"


def check_target(path: str | os.PathLike[str]) -> None:
    """Raise :class:`OutputError` unless ``path`` is missing (in an existing folder) or a regular file."""
    target = Path(path)
    name = os.fspath(path)
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        folder = target.parent
        if not folder.is_dir():
            raise OutputError(
                f"无法写入：目录 {folder} 不存在", f"cannot write: the folder {folder} does not exist", name
            ) from None
        return
    except OSError as exc:
        raise OutputError(f"无法检查目标：{exc.strerror}", f"cannot check the target: {exc.strerror}", name) from None
    kind = _kind(mode)
    if kind is not None:
        zh, en = kind
        raise OutputError(
            f"拒绝写入：目标是{zh}，不是普通文件，不会被替换",
            f"refused to write: the target is {en}, not a regular file, and is left as it is",
            name,
        )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process: alive, and not ours to clean up after
    return True


def clean_stale(target: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files that dead processes left beside ``target``; return those removed."""
    path = Path(target)
    return clean_dead(path.parent, f".{path.name}{TEMP_MARK}")


def clean_dead(folder: str | os.PathLike[str], prefix: str) -> list[Path]:
    """Remove the files in ``folder`` named ``prefix`` + PID + ``-…`` whose process is gone; return them."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(prefix):
            continue
        pid_text = entry.name[len(prefix) :].split("-", 1)[0]
        if not pid_text.isdigit() or int(pid_text) == os.getpid() or _alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def _remove_live() -> None:
    if os.getpid() != _OWNER:
        return  # a forked child must not remove its parent's files
    with _LOCK:
        names = list(_LIVE)
        _LIVE.clear()
    for name in names:
        with contextlib.suppress(OSError):
            os.unlink(name)


def _chained(previous: Any, signum: int, frame: FrameType | None) -> None:
    _remove_live()
    if callable(previous):
        previous(signum, frame)
        return
    # Die of the signal, as the process would have without us (the exit status tells the caller why).
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _install_handlers() -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        if signum in _HANDLED:
            continue
        previous = signal.getsignal(signum)
        if previous in (signal.SIG_IGN, None):
            continue  # nohup and friends keep ignoring it
        signal.signal(signum, functools.partial(_chained, previous))
        _HANDLED.add(signum)


atexit.register(_remove_live)


def register(path: str | os.PathLike[str]) -> None:
    """Remove ``path`` if this process is stopped before :func:`forget` is called for it."""
    _install_handlers()
    with _LOCK:
        _LIVE.add(os.fspath(path))


def forget(path: str | os.PathLike[str]) -> None:
    """``path`` was renamed into place or removed: no longer clean it up."""
    with _LOCK:
        _LIVE.discard(os.fspath(path))


def temporary(target: str | os.PathLike[str], suffix: str = ".tmp", buffering: int = -1) -> tuple[Path, BinaryIO]:
    """A new private temporary file beside ``target``, open for writing and registered for clean-up."""
    path = Path(target)
    clean_stale(path)
    _install_handlers()
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}{TEMP_MARK}{os.getpid()}-", suffix=suffix)
    register(name)
    return Path(name), os.fdopen(fd, "wb", buffering=buffering)


def discard(path: str | os.PathLike[str] | None) -> None:
    """Remove a temporary file (if still there) and stop tracking it."""
    if path is None:
        return
    with contextlib.suppress(OSError):
        os.unlink(path)
    forget(path)


def commit(temp: str | os.PathLike[str], target: str | os.PathLike[str], mode: int | None = None) -> None:
    """Rename ``temp`` over ``target`` (checked again just before); ``mode`` default: what ``open`` would give."""
    check_target(target)
    if mode is None:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(temp, mode)
    os.replace(temp, target)
    forget(temp)


@contextlib.contextmanager
def replacing(target: str | os.PathLike[str], suffix: str = ".tmp", mode: int | None = None) -> Iterator[BinaryIO]:
    """Write a new ``target`` through the yielded file: flushed, synced and renamed into place on success.

    Raises :class:`OutputError` for a target that is not a regular file or when writing fails (a full disk
    leaves the old target as it was, never a truncated one).
    """
    name = os.fspath(target)
    check_target(target)
    temp: Path | None = None
    try:
        temp, f = temporary(target, suffix)
        with f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        commit(temp, target, mode)
        temp = None
    except OSError as exc:
        raise OutputError(
            f"无法写入：{exc.strerror or exc}", f"cannot write: {exc.strerror or exc}", name, exc.errno
        ) from None
    finally:
        discard(temp)


def write_atomically(target: str | os.PathLike[str], data: bytes | str, mode: int | None = None) -> None:
    """Replace ``target`` with ``data`` (text is written as UTF-8) in one rename; see :func:`replacing`."""
    with replacing(target, mode=mode) as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)


@contextlib.contextmanager
def replacing_text(target: str | os.PathLike[str], mode: int | None = None) -> Iterator[TextIO]:
    """:func:`replacing` for text written piece by piece: UTF-8, newlines as written, and a lone surrogate
    (read from a hostile file, never valid UTF-8) written as ``\\udXXX`` so the file still is UTF-8."""
    with replacing(target, mode=mode) as f:
        text = io.TextIOWrapper(f, encoding="utf-8", errors="backslashreplace", newline="")
        try:
            yield text
            text.flush()
        finally:
            text.detach()  # the binary file is flushed, synced and renamed by replacing()
