"""``--today`` is the date identifier rules compare with too (a birth date, an equipment code's year), in both engines.

The codes layer used to read identifiers against the machine's clock: a citizen ID born after the run's date
passed, and a year of manufacture plausible only from a later date was accepted.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sedata import exchange as X
from sedata.cli.main import app
from sedata.codes import citizen_id

from .conftest import sample, write_sample

runner = CliRunner()

LATE, EARLY = "2026-12-06", "2025-11-30"
# Born in 2026 (after EARLY, before LATE); division 640104 (银川市兴庆区) exists in both years.
PERSON = citizen_id.generate("640104", dt.date(2026, 6, 1), 12)
# Made in 2027: plausible up to one year ahead, so on LATE but not on EARLY (expected 1900-2026).
EQUIPMENT = "511043555202700001"
# A legacy registration code registered in June 2026 (class 2410, division 433130): a rule the columnar screen
# leaves to a per-value check, not to an expression.
REGISTERED = "24104331302026060001"


@pytest.fixture(scope="module")
def message(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Written by the library's own writer: canonical lines, which the columnar screen may let through unflagged,
    # so its verdict on the identifiers is what decides (a hand-made line would go to the row engine anyway).
    records = sample("inspection-upload", 20, 11, 0.0)[0]
    first, second = records[0], records[2]
    assert first.type == second.type == "Equipment" and second.data["equipmentCode"] == "511043555201900001"
    data = {**second.data, "equipmentCode": EQUIPMENT, "userUnitCode": PERSON}
    changed = (
        X.Record(second.type, data, second.operation, EQUIPMENT, second.version),
        X.Record(first.type, {**first.data, "registrationCode": REGISTERED}, first.operation, first.key, first.version),
    )
    return write_sample(tmp_path_factory.mktemp("today") / "m.jsonl", "inspection-upload", "jsonl", changed)


def _code_findings(path: Path, engine: str, today: str) -> set[tuple[str, str]]:
    result = runner.invoke(app, ["validate", str(path), "--engine", engine, "--today", today, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    (file,) = json.loads(result.output)["files"]
    return {(f["rule"], f["pointer"]) for f in file["findings"] if f["rule"].startswith("SE-COD")}


@pytest.mark.parametrize("engine", ["row", "columnar"])
def test_identifiers_are_judged_on_the_runs_date(message: Path, engine: str) -> None:
    assert _code_findings(message, engine, LATE) == set()
    assert _code_findings(message, engine, EARLY) == {
        ("SE-COD-002", "/records/0/data/userUnitCode"),
        ("SE-COD-002", "/records/0/data/equipmentCode"),
        ("SE-COD-002", "/records/1/data/registrationCode"),
    }
