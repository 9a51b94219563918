"""The ledger accepts only what passed: a forged package on a channel is logged as rejected and takes no number."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sedata.cli.main import app
from sedata.ledger import Ledger
from sedata.trust import keys
from sedata.trust.package import sign_package
from sedata.validate import validate_files
from sedata.validate.engine import Signatures

from .conftest import OTHER, SENDER, write_package

runner = CliRunner()


@pytest.fixture
def trust(tmp_path: Path) -> tuple[Path, keys.PrivateKey, keys.PrivateKey]:
    """A receiver's trust folder: ``genuine`` may sign for the channel's sender, ``intruder`` for OTHER only."""
    folder = tmp_path / "trust"
    folder.mkdir()
    genuine, intruder = keys.PrivateKey.generate(keys.ED25519), keys.PrivateKey.generate(keys.ED25519)
    (folder / "genuine.pem").write_bytes(keys.self_signed_certificate(genuine, "sender", uscc=SENDER))
    (folder / "intruder.pem").write_bytes(keys.self_signed_certificate(intruder, "another unit", uscc=OTHER))
    (folder / "signers.yaml").write_text(
        "format: sedata-signers\nversion: 1\nsigners:\n"
        f"  - certificate: genuine.pem\n    senders: [{SENDER}]\n    testKey: true\n"
        f"  - certificate: intruder.pem\n    senders: [{OTHER}]\n    testKey: true\n",
        "utf-8",
    )
    return folder, genuine, intruder


def _validate(path: Path, trust: Path, ledger: Path) -> list[str]:
    report = validate_files([path], ledger=ledger, signatures=Signatures((str(trust),), True))
    return sorted(f.rule for f in report.files[0].findings)


@pytest.mark.parametrize("forgery", ["unsigned", "signed by another unit's trusted key"])
def test_a_forged_package_is_rejected_and_the_genuine_one_accepted(tmp_path: Path, trust, forgery: str) -> None:  # type: ignore[no-untyped-def]
    folder, genuine_key, intruder_key = trust
    ledger = tmp_path / "ledger.sqlite"
    first = write_package(tmp_path / "p318.json", 318, seed=1)
    sign_package(first, genuine_key)
    assert _validate(first, folder, ledger) == ["SE-SEQ-001"]  # the channel's first package: 1–317 not seen
    forged = write_package(tmp_path / "forged319.json", 319, seed=99)  # header-only forgery of someone's channel
    if forgery != "unsigned":
        sign_package(forged, intruder_key)
    genuine = write_package(tmp_path / "p319.json", 319)
    sign_package(genuine, genuine_key)
    expected = "SE-SIG-001" if forgery == "unsigned" else "SE-SIG-011"
    assert _validate(forged, folder, ledger) == sorted([expected, "SE-SEQ-007"])
    assert _validate(genuine, folder, ledger) == []  # not SE-SEQ-004 "conflict": the forgery took no number
    with Ledger(ledger, create=False) as led:
        accepted = [(e.package.sequence, e.file) for e in led.packages() if e.standing == "accepted"]
        assert accepted == [(318, str(first.resolve())), (319, str(genuine.resolve()))]
        assert len(led.packages()) == 2  # the forgery is no package of the channel
        rejected = [a for a in led.arrivals() if [e.kind for e in a.events] == ["rejected"]]
        assert [a.file for a in rejected] == [str(forged.resolve())]
        assert expected in rejected[0].events[0].reasons
        (state,) = led.channels()
        assert state.events.get("rejected") == 1 and "conflict" not in state.events and state.highest == 319


def test_validate_cli_reports_the_rejection(tmp_path: Path, trust) -> None:  # type: ignore[no-untyped-def]
    folder, genuine_key, _intruder = trust
    ledger = tmp_path / "ledger.sqlite"
    forged = write_package(tmp_path / "forged.json", 1, seed=7)
    genuine = write_package(tmp_path / "genuine.json", 1)
    sign_package(genuine, genuine_key)
    base = ["validate", "--ledger", str(ledger), "--trust", str(folder), "--require-signature"]
    done = runner.invoke(app, [*base, str(forged)])
    assert done.exit_code == 1 and "SE-SEQ-007" in done.output and "SE-SIG-001" in done.output
    done = runner.invoke(app, [*base, str(genuine)])
    assert done.exit_code == 0, done.output
    done = runner.invoke(app, ["ledger", "show", str(ledger)])
    assert done.exit_code == 0 and "rejected" in done.output


def test_one_run_with_two_workers_gives_the_same_verdicts(tmp_path: Path, trust) -> None:  # type: ignore[no-untyped-def]
    folder, genuine_key, intruder_key = trust
    first, genuine = write_package(tmp_path / "a.json", 1), write_package(tmp_path / "c.json", 2)
    forged = write_package(tmp_path / "b.json", 2, seed=42)
    for path, key in ((first, genuine_key), (genuine, genuine_key), (forged, intruder_key)):
        sign_package(path, key)
    verdicts = []
    for jobs, name in ((1, "one.sqlite"), (2, "two.sqlite")):
        report = validate_files(
            [first, forged, genuine], ledger=tmp_path / name, signatures=Signatures((str(folder),), True), jobs=jobs
        )
        verdicts.append([sorted(f.rule for f in fr.findings) for fr in report.files])
    assert verdicts[0] == verdicts[1] == [[], ["SE-SEQ-007", "SE-SIG-011"], []]
