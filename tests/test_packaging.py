"""How sedata is installed and started: ``python -m sedata``, completion, and where each dependency belongs."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sedata import __version__
from sedata.cli.main import app

ROOT = Path(__file__).resolve().parents[1]


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _names(requirements: list[str]) -> set[str]:
    return {r.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip().lower() for r in requirements}


def test_python_dash_m_runs_the_cli():
    done = subprocess.run(
        [sys.executable, "-m", "sedata", "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"sedata {__version__} (spec ")


def test_shell_completion_is_offered():
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "120"})
    assert "--install-completion" in result.output
    assert "--show-completion" in result.output


def _imported_modules(package: Path) -> set[str]:
    found: set[str] = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


def test_validators_used_only_by_tests_are_test_dependencies():
    project = _project()
    runtime = _names(project["dependencies"])
    test = _names(project["optional-dependencies"]["test"])
    imported = _imported_modules(ROOT / "sedata")
    for name in ("jsonschema", "xmlschema"):
        assert name not in imported, f"sedata/ imports {name}: it must stay a runtime dependency"
        assert name not in runtime and name in test


def test_qr_image_reading_has_its_own_extra():
    extras = _project()["optional-dependencies"]
    assert _names(extras["qr"]) == {"zxing-cpp", "pillow"}
    # Whatever imports them does so lazily, inside a function, so the CLI starts without them.
    for path in (ROOT / "sedata").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
        names = {a.name.split(".")[0] for n in top for a in n.names} | {
            n.module.split(".")[0] for n in top if isinstance(n, ast.ImportFrom) and n.module
        }
        assert not names & {"zxingcpp", "PIL"}, path


def _installed() -> bool:
    from importlib import metadata

    try:
        metadata.distribution("sedata")
    except metadata.PackageNotFoundError:
        return False
    return True


@pytest.mark.skipif(not _installed(), reason="sedata is not installed in this environment (pip install -e .)")
def test_mypy_sees_the_installed_models_from_outside_the_checkout(tmp_path: Path) -> None:
    """The README's `pip install -e .` leaves a path entry mypy follows (not an import hook): models stay typed."""
    pytest.importorskip("mypy")
    for name in ("good.py", "bad.py"):
        (tmp_path / name).write_text((ROOT / "tests/typing" / name).read_text(encoding="utf-8"), encoding="utf-8")

    # One run over both files (mypy checks the installed sedata once): good.py clean, bad.py's four mistakes found.
    command = [
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        "--no-incremental",
        "--hide-error-context",
        "good.py",
        "bad.py",
    ]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert not [e for e in errors if not e.startswith("bad.py:")], done.stdout + done.stderr
    assert {int(line.split(":")[1]) for line in errors} == {6, 7, 8, 9}, done.stdout


def test_the_package_ships_its_type_marker_and_data() -> None:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    shipped = setuptools["package-data"]["sedata"]
    assert "py.typed" in shipped and (ROOT / "sedata/py.typed").is_file()
    for pattern in shipped:
        assert list((ROOT / "sedata").glob(pattern)), pattern
    assert setuptools["package-dir"] == {"": "."}  # a plain .pth for editable installs (see pyproject.toml)
