"""The errors of :mod:`sedata.io`: a bilingual message and the path it is about."""

from __future__ import annotations


class PathProblem(Exception):
    """A path that cannot be used as asked; ``zh`` and ``en`` say why, ``file`` names the path.

    ``errno`` is that of the operating-system error behind the problem, if there was one (ENOENT: missing).
    """

    def __init__(self, zh: str, en: str, file: str, errno: int | None = None) -> None:
        self.zh, self.en, self.file, self.errno = zh, en, file, errno
        super().__init__(f"{file}: {zh} / {en}")


class OutputError(PathProblem):
    """A target that must not be written (not a regular file, a symbolic link) or could not be written."""


class InputError(PathProblem):
    """An input that cannot be read as given (too large, a folder, a FIFO nobody writes to, a terminal)."""
