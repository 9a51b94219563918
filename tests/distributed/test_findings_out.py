"""``validate_to``: the workers write the findings (Parquet, JSON Lines); they are one process's, after sorting."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from validate.conftest import SPEC  # tests/ is on sys.path (conftest.py)

from sedata.distributed.collect import JSONL, PARQUET, validate_to
from sedata.distributed.findings import FileSummary, Summary, finding_of
from sedata.validate import validate_files
from sedata.validate.report import Finding, exit_code

TODAY = dt.date(2030, 1, 1)
PARTITION = 3000


def _key(data: dict[str, Any]) -> tuple[Any, ...]:
    """Sort by file, then position (line, column, index), then what tells findings at one place apart."""
    return (
        data["file"], data["line"] or -1, data["column"] or -1, data["index"] if data["index"] is not None else -1,
        data["rule"], data["pointer"] or "", data["message"]["en"],
    )  # fmt: skip


def _sorted(findings: list[Finding]) -> list[dict[str, Any]]:
    return sorted((f.to_data() for f in findings), key=_key)


def _from_parquet(folder: Path) -> list[Finding]:
    table = pd.read_parquet(folder / PARQUET)
    return [finding_of(row) for row in table.to_dict("records")]


def _from_jsonl(folder: Path) -> list[Finding]:
    lines = [line for p in sorted((folder / JSONL).glob("*.jsonl")) for line in p.read_text("utf-8").splitlines()]
    return [Finding.from_data(json.loads(line)) for line in lines]


@pytest.fixture(scope="module")
def written(client: Any, run_files: list[Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    one = validate_files(run_files, spec=SPEC, today=TODAY)
    out = validate_to(run_files, tmp_path_factory.mktemp("out"), client=client, partition_bytes=PARTITION,
                      spec=SPEC, today=TODAY)  # fmt: skip
    return one, out


def test_the_workers_write_every_finding_of_one_process(written: tuple[Any, Any]) -> None:
    one, out = written
    expected = _sorted(one.findings)
    rules = {f["rule"] for f in expected}
    assert {"SE-XRF-001", "SE-XRF-002", "SE-BIZ-010"} <= rules and len(rules) >= 6
    assert len(list((out.folder / PARQUET).glob("*.parquet"))) >= 4  # written partition by partition
    assert _sorted(_from_parquet(out.folder)) == expected
    assert _sorted(_from_jsonl(out.folder)) == expected
    assert _sorted([finding_of(r) for r in out.findings.compute().to_dict("records")]) == expected


def test_the_summary_counts_what_one_process_lists(written: tuple[Any, Any]) -> None:
    one, out = written
    summary = out.report
    assert isinstance(summary, Summary) and all(isinstance(f, FileSummary) for f in summary.files)
    assert len(summary.findings) < len(one.findings)  # the client lists only its own findings
    assert summary.by_rule() == one.by_rule() and summary.by_severity() == one.by_severity()
    assert exit_code(summary) == exit_code(one) == 1
    for mine, theirs in zip(summary.files, one.files, strict=True):
        assert (mine.file, mine.records, mine.verified, mine.stopped) == (
            theirs.file, theirs.records, theirs.verified, theirs.stopped,
        )  # fmt: skip
        assert mine.by_rule() == theirs.by_rule() and mine.valid == theirs.valid
        assert mine.not_checked == theirs.not_checked
        assert all(f in theirs.findings for f in mine.findings)
    assert summary.to_data()["summary"] == one.to_data()["summary"]


def test_with_max_errors_the_few_findings_are_written_too(client: Any, run_files: list[Path], tmp_path: Path) -> None:
    one = validate_files(run_files, spec=SPEC, today=TODAY, max_errors=3)
    out = validate_to(run_files, tmp_path, client=client, partition_bytes=PARTITION, spec=SPEC, today=TODAY,
                      max_errors=3)  # fmt: skip
    assert one.files[0].stopped == "max-errors"
    assert _sorted(_from_parquet(tmp_path)) == _sorted(one.findings)
    assert [f.to_data() for f in out.report.files] == [f.to_data() for f in one.files]


def test_the_cli_writes_the_findings_and_a_summary(cluster: Any, run_files: list[Path], tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from sedata.cli.main import app

    one = validate_files(run_files, spec=SPEC, today=TODAY)
    folder, report = tmp_path / "findings", tmp_path / "summary.json"
    args = ["validate", *map(str, run_files), "--engine", "dask", "--scheduler", cluster.scheduler_address,
            "--out-dir", str(folder), "-f", "json", "-o", str(report), "--today", "2030-01-01"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    data = json.loads(report.read_text("utf-8"))
    assert data["summary"]["findings"] == len(one.findings) and data["summary"]["byRule"] == one.by_rule()
    assert [f["counts"] for f in data["files"]] == [f.to_data()["counts"] for f in one.files]
    assert _sorted(_from_jsonl(folder)) == _sorted(one.findings)


@pytest.mark.parametrize("extra", [["--engine", "row"], ["--engine", "dask", "--write-baseline", "b.json"]])
def test_the_cli_refuses_out_dir_where_it_cannot(run_files: list[Path], tmp_path: Path, extra: list[str]) -> None:
    from typer.testing import CliRunner

    from sedata.cli.main import app

    extra = [str(tmp_path / e) if e.endswith(".json") else e for e in extra]
    args = ["validate", str(run_files[0]), "--out-dir", str(tmp_path / "f"), *extra]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and "--out-dir" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "f").exists()


def test_progress_is_told_every_byte_and_dask_draws_its_bar(
    client: Any, run_files: list[Path], tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    done: dict[str, int] = {}

    def progress(file: str, read: int, _total: int) -> None:
        done[file] = max(done.get(file, 0), read)

    validate_to(run_files, tmp_path, client=client, partition_bytes=PARTITION, spec=SPEC, today=TODAY,
                progress=progress)  # fmt: skip
    assert done == {str(p): p.stat().st_size for p in run_files}
    err = capfd.readouterr().err
    assert "100% | 键与引用 / keys and references" in err and "100% | 发现 / findings" in err


def test_a_local_cluster_made_here_says_where_its_dashboard_is(capfd: pytest.CaptureFixture[str]) -> None:
    from sedata.distributed.run import _connect

    with _connect(None) as made:
        link = made.dashboard_link
    assert f"Dask 控制台 / dashboard: {link}" in capfd.readouterr().err and link.startswith("http")


def test_the_client_keeps_a_window_of_partitions_in_flight(
    client: Any, run_files: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sedata.distributed import run as run_module

    most: list[int] = []
    send = run_module._Run._send

    def counted(self: Any) -> None:
        send(self)
        most.append(len(self.flight))

    monkeypatch.setattr(run_module._Run, "_send", counted)
    monkeypatch.setattr(run_module, "WINDOW_PER_WORKER", 1)  # 2 workers: 2 partitions in flight at most
    out = validate_to(run_files, tmp_path, client=client, partition_bytes=PARTITION, spec=SPEC, today=TODAY)
    assert len(most) >= 10  # every partition was sent, a window at a time
    assert max(most) == 2
    assert out.report.by_rule() == validate_files(run_files, spec=SPEC, today=TODAY).by_rule()


def test_findings_of_a_written_run_as_a_dask_dataframe(written: tuple[Any, Any]) -> None:
    from sedata.distributed import MessageError, findings

    one, out = written
    assert findings(out) is out.findings
    table = findings(out.folder).compute()  # the folder alone, read back lazily
    assert _sorted([finding_of(row) for row in table.to_dict("records")]) == _sorted(one.findings)
    with pytest.raises(MessageError, match="summary"):
        findings(out.report)  # a summary lists the client's findings only: it must not pass for all of them


def test_a_receiver_profile_is_applied_by_the_workers_as_by_one_process(
    client: Any, run_files: list[Path], tmp_path: Path
) -> None:
    from sedata.validate.profile import Profile

    # One rule family left out, one rule re-graded: both change the findings written and the summary's counts.
    profile = Profile(source="receiver.toml", ignore=("SE-BIZ",), severity={"SE-XRF-002": "info"})
    paths = run_files[2:3]  # repeats and broken references, split into partitions: enough, and quick
    one = validate_files(paths, spec=SPEC, today=TODAY)
    assert one.by_rule().get("SE-BIZ-010") and one.by_rule().get("SE-XRF-002")
    profile.apply(one, SPEC)
    out = validate_to(paths, tmp_path, client=client, partition_bytes=PARTITION, spec=SPEC, today=TODAY,
                      profile=profile)  # fmt: skip
    expected = _sorted(one.findings)
    assert not any(f["rule"].startswith("SE-BIZ") for f in expected)
    assert {f["severity"] for f in expected if f["rule"] == "SE-XRF-002"} == {"info"}
    assert _sorted(_from_parquet(tmp_path)) == expected and _sorted(_from_jsonl(tmp_path)) == expected
    assert out.report.to_data()["summary"] == one.to_data()["summary"]
    assert out.report.applied == one.applied
    for mine, theirs in zip(out.report.files, one.files, strict=True):
        assert mine.by_severity() == theirs.by_severity() and mine.not_checked == theirs.not_checked


def test_the_cli_hands_the_profile_to_the_workers(cluster: Any, run_files: list[Path], tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from sedata.cli.main import app

    path = run_files[2]
    folder, report = tmp_path / "findings", tmp_path / "summary.json"
    args = ["validate", str(path), "--engine", "dask", "--scheduler", cluster.scheduler_address, "--ignore", "SE-BIZ",
            "--out-dir", str(folder), "-f", "json", "-o", str(report), "--today", "2030-01-01"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    written = _from_jsonl(folder)
    assert written and not any(f.rule.startswith("SE-BIZ") for f in written)
    data = json.loads(report.read_text("utf-8"))
    assert data["summary"]["findings"] == len(written) and "SE-BIZ-010" not in data["summary"]["byRule"]
    assert len(data["applied"]) == 1  # said once, not by the workers' run and again by the command
