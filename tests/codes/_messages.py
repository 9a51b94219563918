"""What every error message of sedata.codes must look like: Chinese, then English."""

from __future__ import annotations

import re

from sedata.codes import InvalidCode


def is_bilingual(err: InvalidCode) -> bool:
    """Chinese text in ``zh``; English words in ``en`` (place names may stay Chinese); ``str`` is zh / en."""
    return (
        re.search(r"[\u4e00-\u9fff]", err.zh) is not None
        and len(re.findall(r"\b[A-Za-z]{2,}\b", err.en)) >= 3
        and str(err) == f"{err.zh} / {err.en}"
        and err.message("zh") == err.zh
        and err.message("en") == err.en
    )
