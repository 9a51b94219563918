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


def mask_id_runs(text: str, *, keep_uscc: bool = False) -> str:
    """``text`` with every run of 15+ digits (X last allowed) masked as an ID: first 6 and last 4 kept.

    ``keep_uscc``: leave a run that is a valid unified social credit code (a unit's, all digits for public
    institutions such as ``123506004885497331``) whole.
    """

    def masked(m: re.Match[str]) -> str:
        run = m[0]
        if keep_uscc and len(run) == 18:
            from sedata.codes import citizen_id, uscc

            if uscc.is_valid(run) and not citizen_id.is_valid(run):  # a code valid as both is masked: safe side
                return run
        return run[:6] + "*" * (len(run) - 10) + run[-4:]

    return _ID_RUN.sub(masked, text)


def shown(text: str) -> str:
    """``text`` as a report or terminal may show it: ID-like runs masked (unit codes kept), control characters
    escaped."""
    return printable(mask_id_runs(text, keep_uscc=True))
