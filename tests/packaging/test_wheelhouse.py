"""Packaging: ``python -m build`` makes a wheel and an sdist carrying the generated artefacts, and the offline
wheelhouse installs with ``--no-index`` into a fresh virtual environment that then validates an example.

Both reach the package index once, for build requirements and dependency wheels (pip's cache serves repeats);
the install itself uses nothing but the wheelhouse.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What setuptools reads to build the package: the checkout minus tests, spec sources and caches.
PROJECT_FILES = ("pyproject.toml", "README.md", "LICENSE")
PACKAGED = (
    "sedata/schemas/sedata.schema.json",
    "sedata/schemas/sedata.xsd",
    "sedata/spec/bundle.json",
    "sedata/site/assets/iframe-worker-shim.js",
    "sedata/py.typed",
)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package sources, so building leaves no build/ or egg-info in the checkout."""
    copy = tmp_path_factory.mktemp("project")
    for name in PROJECT_FILES:
        shutil.copy(ROOT / name, copy / name)
    shutil.copytree(ROOT / "sedata", copy / "sedata", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return copy


def run(*command: str | Path, cwd: Path | None = None, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_wheel_and_sdist_carry_the_generated_artefacts(project: Path, tmp_path: Path) -> None:
    pytest.importorskip("build", reason="python -m build is in the test extra")
    built = run(sys.executable, "-m", "build", "--outdir", tmp_path, project)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    assert "Warning" not in built.stdout + built.stderr, built.stdout[-3000:] + built.stderr[-3000:]  # cleanly
    wheel = next(tmp_path.glob("sedata-*.whl"))
    sdist = next(tmp_path.glob("sedata-*.tar.gz"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in PACKAGED:
        assert path in names, path
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert any(n.endswith(".dist-info/licenses/sedata/site/assets/iframe-worker.LICENSE") for n in names)
    metadata = next(zipfile.ZipFile(wheel).read(n) for n in names if n.endswith(".dist-info/METADATA"))
    assert b"License-Expression: Apache-2.0" in metadata
    assert not any(n.startswith(("tests/", "spec/")) for n in names)
    with tarfile.open(sdist) as archive:
        members = {m.name.split("/", 1)[1] for m in archive.getmembers() if "/" in m.name}
    for path in (*PACKAGED, "LICENSE", "pyproject.toml", "README.md"):
        assert path in members, path
    bundle = zipfile.ZipFile(wheel).read("sedata/spec/bundle.json")
    assert bundle == (ROOT / "sedata" / "spec" / "bundle.json").read_bytes()


def test_offline_wheelhouse_installs_with_no_index_and_validates(project: Path, tmp_path: Path) -> None:
    house = tmp_path / "wheelhouse"
    made = run(sys.executable, ROOT / "scripts" / "wheelhouse.py", "--out", house, "--project", project)
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
    wheels = sorted(p.name for p in house.glob("*.whl"))
    assert any(w.startswith("sedata-") for w in wheels) and any(w.startswith("pydantic_core-") for w in wheels)
    sums = dict(line.split("  ")[::-1] for line in (house / "SHA256SUMS").read_text("utf-8").splitlines())
    assert sorted(sums) == wheels
    assert all(hashlib.sha256((house / w).read_bytes()).hexdigest() == sums[w] for w in wheels)

    env = tmp_path / "env"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    installed = run(python, "-m", "pip", "install", "--no-index", "--find-links", house, "sedata")
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    example = ROOT / "examples" / "messages" / "inspection-upload.xml"
    checked = run(env / "bin" / "sedata", "validate", example, "--lang", "en", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr[-3000:]
    # the installed package answers from its own bundle, not from this checkout
    where = run(python, "-c", "import sedata, sys; sys.stdout.write(sedata.__file__)", cwd=tmp_path)
    assert where.stdout.startswith(str(env))
