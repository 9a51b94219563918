"""The pre-commit hooks, run as a user runs them: a project whose ``.pre-commit-config.yaml`` names a fresh clone of
this repository at its commit, and ``pre-commit run``.

pre-commit installs the hook's environment once for that repository and commit (pip, about half a minute) and
reuses it, as in a user's project; ``try-repo`` would install it afresh on every call. Only the validate hook is
run, once passing and once failing; the manifest's shape (both hooks) is checked against pre-commit's own schema
in test_ci_files.py. Skipped when pre-commit or git is missing (``pip install -e '.[test]'`` has pre-commit).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytest.importorskip("pre_commit", reason="pre-commit is in the test extra: pip install -e '.[test]'")
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=sedata-test", "-c", "user.email=test@example.invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clone of this checkout with its working-tree hook file, committed (try-repo installs from a commit)."""
    repo = tmp_path_factory.mktemp("precommit") / "repo"
    _git("clone", "--quiet", str(ROOT), str(repo), cwd=ROOT)
    shutil.copy(ROOT / ".pre-commit-hooks.yaml", repo / ".pre-commit-hooks.yaml")
    _git("add", ".pre-commit-hooks.yaml", cwd=repo)
    _git("commit", "--quiet", "--allow-empty", "-m", "hooks as in the working tree", cwd=repo)
    return repo


@pytest.fixture(scope="module")
def project(clone: Path) -> Path:
    """A user's project: a git repository whose pre-commit configuration names the clone at its commit."""
    rev = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=clone, check=True, capture_output=True, text=True, timeout=60
    ).stdout.strip()
    repo = clone.parent / "project"
    repo.mkdir()
    _git("init", "--quiet", cwd=repo)
    config = f"repos:\n  - repo: {clone}\n    rev: {rev}\n    hooks:\n      - id: sedata-validate\n"
    (repo / ".pre-commit-config.yaml").write_text(config, "utf-8")
    shutil.copytree(clone / "examples" / "messages", repo / "messages")
    return repo


def run_hook(repo: Path, hook: str, *files: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"), "PRE_COMMIT_COLOR": "never"}
    command = [sys.executable, "-m", "pre_commit", "run", hook, "--files", *files]
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=600, check=False)


def test_validate_hook_passes_the_example_messages(project: Path) -> None:
    examples = sorted(p.relative_to(project).as_posix() for p in (project / "messages").iterdir())
    assert len(examples) == 15
    run = run_hook(project, "sedata-validate", *examples)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "Passed" in run.stdout


def test_validate_hook_fails_an_invalid_file(clone: Path, project: Path) -> None:
    bad = project / "upload.json"
    bad.write_bytes((clone / "spec" / "conformance" / "cases" / "SE-COD-001-fires-json.json").read_bytes())
    run = run_hook(project, "sedata-validate", "upload.json")
    assert run.returncode == 1, run.stdout[-3000:]
    assert "Failed" in run.stdout and "SE-COD-001" in run.stdout
