"""Issue 6's test of done: packages 1, 2 and 4 of one channel give a gap naming 3; package 2 again is a replay.

Through the API (several runs on one ledger) and through the command line (`sedata sample --sequence`,
`sedata ledger check`, `sedata ledger show`).
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sedata.cli.main import app
from sedata.ledger import Ledger
from sedata.validate.layers.sequence import check_packages

from .conftest import CHANNEL, RECEIVER, SENDER, write_package

runner = CliRunner()


def test_api_gap_then_replay_across_runs(tmp_path: Path) -> None:
    p1, p2, p4 = (write_package(tmp_path / f"p{n}.jsonl", n) for n in (1, 2, 4))
    ledger = tmp_path / "ledger.sqlite"

    assert check_packages([p1, p2], ledger) == [(str(p1), []), (str(p2), [])]
    ((_, found),) = check_packages([p4], ledger)
    (gap,) = found
    assert gap.rule == "SE-SEQ-001" and gap.severity == "error" and gap.layer == "sequence"
    assert gap.value == "4" and gap.expected is not None and gap.expected.zh == "3"
    assert "缺少序号 3" in gap.message.zh and "sequence number(s) 3 missing" in gap.message.en
    assert gap.pointer == "/header/sequence" and gap.element is not None and gap.element.id == "SE.MSG.0007"

    ((_, again),) = check_packages([p2], ledger)
    (replay,) = again
    assert replay.rule == "SE-SEQ-002" and replay.severity == "warning"
    assert "重放" in replay.message.zh and "p2.jsonl" in replay.message.en

    with Ledger(ledger) as led:
        (state,) = led.channels()
        assert state.channel == CHANNEL
        assert (state.accepted, state.highest, state.missing, state.arrivals) == (3, 4, ((3, 3),), 4)
        assert state.events == {"gap": 1, "replay": 1}
        # The replay is an arrival of package 2, not a second package 2.
        assert [(e.package.sequence, e.arrivals) for e in led.packages()] == [(1, 1), (2, 2), (4, 1)]


def test_cli_sample_check_and_show(tmp_path: Path) -> None:
    files = []
    for n in (1, 2, 4):
        out = tmp_path / f"p{n}.xml"
        args = ["sample", "inspection-upload", "--count", "3", "--seed", str(n), "--sequence", str(n)]
        result = runner.invoke(app, [*args, "--out", str(out), "--sender", SENDER, "--receiver", RECEIVER])
        assert result.exit_code == 0, result.output
        files.append(str(out))
    ledger = str(tmp_path / "ledger.sqlite")

    result = runner.invoke(app, ["ledger", "check", files[0], files[1], "--ledger", ledger])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["ledger", "check", files[2], "--ledger", ledger])
    assert result.exit_code == 1, result.output
    assert "SE-SEQ-001" in result.output and "缺少序号 3" in result.output

    result = runner.invoke(app, ["ledger", "check", files[1], "--ledger", ledger, "--format", "json", "--lang", "en"])
    assert result.exit_code == 0, result.output  # a replay is a warning: it does not fail at --fail-on error
    report = json.loads(result.output)
    assert [f["rule"] for f in report["files"][0]["findings"]] == ["SE-SEQ-002"]
    result = runner.invoke(app, ["ledger", "check", files[1], "--ledger", ledger, "--fail-on", "warning"])
    assert result.exit_code == 1 and "SE-SEQ-002" in result.output

    result = runner.invoke(app, ["ledger", "show", ledger])
    assert result.exit_code == 0, result.output
    assert "缺号 / missing 3" in result.output and "p4.xml" in result.output
    result = runner.invoke(app, ["ledger", "show", ledger, "--format", "json", "--arrivals"])
    assert result.exit_code == 0, result.output
    (channel,) = json.loads(result.output)["channels"]
    assert channel["channel"] == {"sender": SENDER, "receiver": RECEIVER, "messageType": "inspection-upload"}
    assert channel["missing"] == [[3, 3]] and channel["highest"] == 4 and channel["accepted"] == 3
    assert [p["sequence"] for p in channel["packages"]] == [1, 2, 4]
    log = channel["arrivalLog"]
    assert [a["sequence"] for a in log] == [1, 2, 4, 2, 2]
    assert [[e["kind"] for e in a["events"]] for a in log] == [[], [], ["gap"], ["replay"], ["replay"]]
    assert log[2]["events"][0]["missing"] == [[3, 3]]
