"""Reading trust material (keys, certificates, signature files, signer maps) within a size limit, and writing
key files so that they are private from the first byte.

Trust material is small: a certificate is a few kilobytes, a ``.sig`` a few more. Reading a path given as
trust material must neither hang (``/dev/zero``, a FIFO) nor exhaust memory (a huge file), so only regular
files are read, and no more than :data:`LIMIT` bytes.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

from sedata.trust.errors import TrustError

LIMIT = 1 << 20
"""The largest trust file read (1 MiB): far above any certificate, key, signature file or signer map."""


def read_limited(path: str | os.PathLike[str], *, limit: int = LIMIT, what: str = "file") -> bytes:
    """The bytes of the regular file at ``path``; ``file-access`` when it is not one or exceeds ``limit``.

    A missing file raises ``FileNotFoundError`` so that callers can say what is missing in their own words.
    """
    file = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise TrustError(
            "file-access", f"无法读取文件：{exc.strerror}", f"cannot read the {what}: {exc.strerror}", file=file
        ) from None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise TrustError("file-access", "不是普通文件", f"the {what} is not a regular file", file=file)
        if info.st_size > limit:
            raise TrustError(
                "file-access",
                f"文件过大（{info.st_size} 字节，上限 {limit} 字节）",
                f"the {what} is too large ({info.st_size} bytes, at most {limit})",
                file=file,
            )
        data = f.read(limit + 1)
    if len(data) > limit:  # grew while being read
        raise TrustError(
            "file-access",
            f"文件过大（上限 {limit} 字节）",
            f"the {what} is too large (at most {limit} bytes)",
            file=file,
        )
    return data


def is_private_key_file(path: Path) -> bool:
    """Whether ``path`` holds a PEM private key (so that a folder of keys can be trusted without it)."""
    try:
        return b"PRIVATE KEY-----" in read_limited(path)
    except (OSError, TrustError):
        return False  # reported when loaded


def write_new(path: str | os.PathLike[str], data: bytes, *, mode: int = 0o600, replace: bool = False) -> None:
    """Write ``data`` to ``path`` atomically, the file created with ``mode`` from the start.

    The bytes go to a temporary file in the same folder (``O_EXCL | O_NOFOLLOW``, mode 0600, so a private key is
    never readable by others, not even for a moment), which then takes the place of ``path``: with ``replace``
    by ``os.replace`` (a symbolic link at ``path`` is replaced, never written through), else by a hard link that
    fails when anything, a dangling symbolic link included, is already there (``FileExistsError``).
    """
    target = Path(path)
    if not replace and os.path.lexists(target):
        raise FileExistsError(errno.EEXIST, "file exists", str(target))
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
            os.fchmod(f.fileno(), mode)
        if replace:
            os.replace(tmp, target)
        else:
            os.link(tmp, target, follow_symlinks=False)
            os.unlink(tmp)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
