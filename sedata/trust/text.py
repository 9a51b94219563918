"""Text from trust material made safe to show: control characters escaped, ID-like digit runs masked.

A certificate's subject or a QR payload's fields are written by whoever made them: shown raw they could forge
lines on a terminal ("验证通过 / verified") or put a citizen ID into a report or onto a public QR code.
"""

from __future__ import annotations

import re

# 15 or more digits (the last may be X) could be a citizen ID (18 digits, or 15 before 1999) even with a wrong
# digit, so such a run is never shown whole.
_ID_RUN = re.compile(r"[0-9]{14,}[0-9Xx]")


def printable(text: str) -> str:
    """``text`` with control and other non-printing characters escaped (``\\n``, ``\\u202e``)."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def mask_id_runs(text: str) -> str:
    """``text`` with every run of 15+ digits (X last allowed) masked as an ID: first 6 and last 4 kept."""
    return _ID_RUN.sub(lambda m: m[0][:6] + "*" * (len(m[0]) - 10) + m[0][-4:], text)


def shown(text: str) -> str:
    """``text`` as a report or terminal may show it: ID-like runs masked, control characters escaped."""
    return printable(mask_id_runs(text))
