"""Reading the small files a user passes (keys, certificates, signatures, records) within a size limit.

``/dev/zero`` given as a key would otherwise be read until memory runs out. At most ``limit + 1`` bytes are
ever read: one more than the limit says the file is too large, whatever kind of file it is; a FIFO is waited
on as :mod:`sedata.io.streams` does.
"""

from __future__ import annotations

import os

from sedata.io.errors import InputError
from sedata.io.streams import DEFAULT_WAIT, open_stream

KEY_FILE_LIMIT = 1 << 20
"""Bytes a PEM key, certificate or certificate chain may have (real ones are a few kilobytes)."""
SIG_FILE_LIMIT = 1 << 20
"""Bytes a detached signature document (``.sig``) may have (real ones are under 4 KB)."""
RECORD_FILE_LIMIT = 16 << 20
"""Bytes a single-record JSON file (a certificate record for ``cert qr``) may have."""


def _size(limit: int) -> str:
    return f"{limit >> 20} MiB" if limit >= 1 << 20 and limit % (1 << 20) == 0 else f"{limit} bytes"


def read_limited(path: str | os.PathLike[str], limit: int, *, wait: float = DEFAULT_WAIT) -> bytes:
    """The bytes of ``path``; :class:`InputError` when it has more than ``limit`` or cannot be read."""
    name = os.fspath(path)
    with open_stream(path, wait=wait) as (head, f):
        try:
            data = head[: limit + 1]
            while len(data) <= limit:
                chunk = f.read(limit + 1 - len(data))
                if not chunk:
                    break
                data += chunk
        except OSError as exc:
            raise InputError(f"无法读取：{exc.strerror}", f"cannot read: {exc.strerror}", name) from None
    if len(data) > limit:
        raise InputError(f"文件超过 {_size(limit)} 的上限", f"the file is larger than the {_size(limit)} limit", name)
    return data
