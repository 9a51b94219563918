"""The generated models type-check downstream: correct use passes mypy, typical mistakes are caught."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "typing"

pytest.importorskip("mypy")


def _mypy(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--hide-error-context", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_correct_downstream_code_type_checks():
    result = _mypy(HERE / "good.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_typical_mistakes_are_type_errors():
    result = _mypy(HERE / "bad.py")
    assert result.returncode == 1, result.stdout
    lines = [line for line in result.stdout.splitlines() if ": error:" in line]
    flagged = {int(line.split(":")[1]) for line in lines}
    assert flagged == {6, 7, 8, 9}, result.stdout


def test_the_package_itself_is_strictly_typed():
    """Downstream mypy follows imports into sedata (it ships py.typed), so sedata must be clean."""
    result = _mypy(Path(__file__).parents[1] / "sedata")
    assert result.returncode == 0, result.stdout + result.stderr


def test_help_shows_chinese_names_and_element_ids():
    import pydoc

    from sedata.elements import Equipment

    text = pydoc.render_doc(Equipment, renderer=pydoc.plaintext)
    assert "特种设备" in text
    assert "equipment_code: 设备代码 / Equipment code [M 1..1] SE.EQP.0001" in text
    assert "使用单位代码" in text
    assert Equipment.model_fields["equipment_code"].title == "设备代码"
    assert Equipment.element_of("equipment_code") == "SE.EQP.0001"
