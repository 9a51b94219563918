"""The entities' ``event_date`` (spec/entities): which field dates each record's event, checked by the loader."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sedata.spec import SpecError, current, load_spec

SPEC = Path(__file__).resolve().parents[2] / "spec"


def test_event_dates_in_the_spec() -> None:
    events = {e.id: e.event_date for e in current().entities.values() if not e.component}
    assert events == {
        "Accident": "occurred_at",
        "ConstructionNotice": "notice_date",
        "Equipment": None,
        "IdentifierChange": "change_date",
        "Inspection": "inspection_date",
        "Licence": "valid_from",
        "OperatorCertificate": "issue_date",
        "Person": None,
        "StatusChange": "change_date",
        "Unit": None,
        "UseRegistration": "registration_date",
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [("next_inspection_date_x", "is not a single data-element field"), ("report_no", "is not a date or datetime")],
)
def test_loader_refuses_a_wrong_event_date(tmp_path: Path, value: str, message: str) -> None:
    root = tmp_path / "spec"
    shutil.copytree(SPEC, root)
    path = root / "entities" / "Inspection.yaml"
    text = path.read_text("utf-8")
    assert text.count("event_date: inspection_date\n") == 1
    path.write_text(text.replace("event_date: inspection_date\n", f"event_date: {value}\n"), "utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(root)
    found = [p for p in info.value.problems if p.path == "event_date"]
    assert len(found) == 1 and message in found[0].message
    assert found[0].file == "spec/entities/Inspection.yaml"
