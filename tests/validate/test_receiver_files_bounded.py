"""A profile or baseline named on the command line is read within a size limit: /dev/zero is exit 2, not a hang."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from sedata.cli.main import app

EXAMPLE = "examples/messages/inspection-upload.xml"


@pytest.mark.parametrize(("option", "limit"), [("--baseline", "256 MiB"), ("--profile", "1 MiB")])
def test_an_endless_profile_or_baseline_is_refused_at_its_limit(option: str, limit: str) -> None:
    result = CliRunner().invoke(app, ["validate", EXAMPLE, option, "/dev/zero"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"larger than the {limit} limit" in result.output and "上限" in result.output
