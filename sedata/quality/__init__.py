"""Data quality: a scorecard per sender, division, entity and element, computed from validated messages.

``build_scorecard(paths)`` validates the messages, streams them again and returns the figures as JSON data;
``write_scorecard(data, out_dir)`` writes ``scorecard.json`` and a self-contained ``scorecard.html``. What each
figure means is in :mod:`sedata.quality.definitions` and in every ``scorecard.json``.
"""

from sedata.quality.definitions import DEFAULT_LIMIT_DAYS, DEFAULT_WEIGHTS, DEFINITIONS, SCORECARD_VERSION, Parameters
from sedata.quality.html import render_html
from sedata.quality.scorecard import build_scorecard
from sedata.quality.write import write_scorecard

__all__ = [
    "DEFAULT_LIMIT_DAYS",
    "DEFAULT_WEIGHTS",
    "DEFINITIONS",
    "SCORECARD_VERSION",
    "Parameters",
    "build_scorecard",
    "render_html",
    "write_scorecard",
]
