"""The one exception of signing and verifying: a stable code, Chinese and English text, and an exit code.

``unusable`` errors are about input the tool cannot work with (a missing file, a malformed ``.sig``, an
unknown algorithm, a key that cannot be read): the CLI exits 2 for them. Everything else that goes wrong
is a failed verification and exits 1.
"""

from __future__ import annotations


class TrustError(Exception):
    """A signing or verification problem with a stable ``code`` and a bilingual message."""

    def __init__(self, code: str, zh: str, en: str, *, unusable: bool = True, file: str | None = None) -> None:
        self.code, self.zh, self.en, self.unusable, self.file = code, zh, en, unusable, file
        super().__init__(self.message())

    def message(self) -> str:
        """``[code] file: zh / en`` on one line."""
        where = f"{self.file}: " if self.file else ""
        return f"[{self.code}] {where}{self.zh} / {self.en}"

    @property
    def exit_code(self) -> int:
        """2 for unusable input, 1 for a failed verification."""
        return 2 if self.unusable else 1
