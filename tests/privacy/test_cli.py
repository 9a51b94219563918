"""``sedata mask``: profiles, keys, formats, and bilingual refusals (exit 2) that never print personal data."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sedata import exchange as X
from sedata.cli.main import app
from sedata.cli.mask_cmd import Profile

from .conftest import HOLDER_ID, KEY, MOBILE, OWNER_ID, SPEC, USER_ID, valid_ids

runner = CliRunner()


def test_the_command_offers_exactly_the_spec_profiles() -> None:
    assert SPEC.privacy is not None
    assert [p.value for p in Profile] == list(SPEC.privacy.by_id)


def test_mask_writes_the_profile_and_prints_counts_only(messages: dict[str, Path], tmp_path: Path) -> None:
    src = messages["individuals-registration-download.xml"]
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["mask", str(src), str(out), "--profile", "publish", "--to", "jsonl"])
    assert result.exit_code == 0, result.output
    assert "masked" in result.output and "publish" in result.output
    assert X.detect_format(out) == "jsonl"
    assert X.read(out).header.masking_profile == "publish"
    assert valid_ids(result.output) == set() and MOBILE not in result.output
    assert valid_ids(out.read_text("utf-8")) == set()


def test_pseudonymise_takes_the_key_from_a_file_or_the_environment(
    messages: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = messages["sample-operator-certificate-upload.xml"]
    key_file = tmp_path / "key"
    key_file.write_bytes(KEY + b"\n")  # the line break an editor adds is not part of the key
    a, b = tmp_path / "a.xml", tmp_path / "b.xml"
    assert (
        runner.invoke(
            app, ["mask", str(src), str(a), "--profile", "pseudonymise", "--key-file", str(key_file)]
        ).exit_code
        == 0
    )
    monkeypatch.setenv("SEDATA_MASK_KEY", KEY.decode())
    assert runner.invoke(app, ["mask", str(src), str(b), "--profile", "pseudonymise"]).exit_code == 0
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--profile", "pseudonymise"], "key-required"),
        (["--profile", "pseudonymise", "--key-file", "{short}"], "short-key"),
        (["--profile", "pseudonymise", "--key-file", "{missing}"], "密钥"),
        (["--profile", "nobody"], "nobody"),
    ],
)
def test_bad_options_exit_2_in_both_languages(
    messages: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], needle: str
) -> None:
    monkeypatch.delenv("SEDATA_MASK_KEY", raising=False)
    short = tmp_path / "short"
    short.write_bytes(b"too short")
    args = [a.format(short=short, missing=tmp_path / "none") for a in args]
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["mask", str(messages["sample-accident-report.json"]), str(out), *args])
    assert result.exit_code == 2, result.output
    assert needle in result.output
    assert "Traceback" not in result.output and not out.exists()


@pytest.mark.parametrize("problem", ["same", "missing", "broken", "already"])
def test_bad_input_exits_2_without_traceback_or_personal_data(
    messages: dict[str, Path], tmp_path: Path, problem: str
) -> None:
    src = tmp_path / "in.jsonl"
    text = messages["individuals-licence-information.jsonl"].read_text("utf-8")
    target = tmp_path / "out.jsonl"
    if problem == "same":
        src.write_text(text, encoding="utf-8")
        target = src
    elif problem == "missing":
        src = tmp_path / "nothing.jsonl"
    elif problem == "broken":
        src.write_text(text.replace("陈国平", "陈国平平", 1), encoding="utf-8")  # the digest no longer matches
    else:
        runner.invoke(
            app, ["mask", str(messages["individuals-licence-information.jsonl"]), str(src), "--profile", "publish"]
        )
    result = runner.invoke(app, ["mask", str(src), str(target)])
    assert result.exit_code == 2, result.output
    assert "错误" in result.output and "error" in result.output
    assert result.output.index("错误") < result.output.index("error")  # Chinese first
    assert "Traceback" not in result.output
    for value in (HOLDER_ID, OWNER_ID, USER_ID, "陈国平"):
        assert value not in result.output
    if problem == "same":
        assert src.read_text("utf-8") == text
