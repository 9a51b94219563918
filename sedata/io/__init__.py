"""Files a user names: write only regular files, atomically; read keys and streams within limits.

Every command that writes goes through :mod:`sedata.io.output` (a device, FIFO, socket, folder or symbolic
link is never replaced; temporary files are named so a later run can clean them up); every small file a
user passes (keys, certificates, signatures) is read through :mod:`sedata.io.limits`; FIFOs and standard
input are read through :mod:`sedata.io.streams`, which never hangs on a FIFO nobody writes to.
"""

from __future__ import annotations

from sedata.io.errors import InputError, OutputError, PathProblem

__all__ = ["InputError", "OutputError", "PathProblem"]
