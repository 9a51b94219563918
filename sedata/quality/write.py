"""Write ``scorecard.json`` and ``scorecard.html`` into a folder, each atomically."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Literal

from sedata.quality.html import render_html

JSON_NAME = "scorecard.json"
HTML_NAME = "scorecard.html"


def _atomic_write(path: Path, text: str) -> None:
    # A half-written scorecard must never replace a good one that someone is about to forward; the file gets
    # the umask's permissions (the page is meant to be shared) and a killed run's temporary file is cleaned up.
    from sedata.io import OutputError
    from sedata.io.output import write_atomically

    try:
        write_atomically(path, text)
    except OutputError as exc:
        raise OSError(exc.errno or 0, exc.en, str(path)) from None


def write_scorecard(
    data: dict[str, Any], out_dir: str | os.PathLike[str], lang: Literal["zh", "en"] = "zh"
) -> tuple[Path, Path]:
    """Write ``data`` as ``scorecard.json`` and ``scorecard.html`` in ``out_dir`` (created); return both paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out / JSON_NAME, out / HTML_NAME
    _atomic_write(json_path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    _atomic_write(html_path, render_html(data, lang))
    return json_path, html_path
