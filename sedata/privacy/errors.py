"""Why masking was refused: a stable code and Chinese and English text, never a personal value."""

from __future__ import annotations


class PrivacyError(Exception):
    """Masking cannot go ahead (unknown profile, missing or short key, same file, weaker profile)."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        self.code, self.zh, self.en = code, zh, en
        super().__init__(f"[{code}] {zh} / {en}")
