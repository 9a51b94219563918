"""Every command that writes refuses a target that is not a regular file, and leaves no temporary file behind.

Receivers run sedata as root: ``sedata convert x.jsonl /dev/null`` once replaced /dev/null with a regular
file. Each writing command is run (as a user would, in a subprocess) against a FIFO, a symbolic link, a
folder and a character device, and must exit 2 with a bilingual message and leave the target as it was.
"""

from __future__ import annotations

import errno
import importlib.util
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from sedata.io import OutputError
from sedata.io import output as safe


def _cases_module() -> ModuleType:
    # Loaded by path: tests/hostile is a package on some branches and a plain folder on others.
    spec = importlib.util.spec_from_file_location("hostile_cli_cases", Path(__file__).with_name("_cli_cases.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


C = _cases_module()

Builder = Callable[[Path], tuple[list[str], Path]]
"""Given a scratch folder: the command's arguments and the target it will write."""


def _convert(tmp: Path) -> tuple[list[str], Path]:
    return ["convert", str(C.message(tmp / "in.jsonl")), str(tmp / "out.xml"), "--to", "xml"], tmp / "out.xml"


def _mask(tmp: Path) -> tuple[list[str], Path]:
    return ["mask", str(C.message(tmp / "in.jsonl")), str(tmp / "masked.jsonl")], tmp / "masked.jsonl"


def _sample(tmp: Path) -> tuple[list[str], Path]:
    return ["sample", "inspection-upload", "--count", "2", "--out", str(tmp / "s.jsonl")], tmp / "s.jsonl"


def _sample_defects(tmp: Path) -> tuple[list[str], Path]:
    args = ["sample", "inspection-upload", "--count", "4", "--invalid-rate", "0.5", "--out", str(tmp / "s.jsonl")]
    return [*args, "--defects", str(tmp / "defects.jsonl")], tmp / "defects.jsonl"


def _validate_out(tmp: Path) -> tuple[list[str], Path]:
    return ["validate", str(C.message(tmp / "in.jsonl")), "-f", "json", "-o", str(tmp / "r.json")], tmp / "r.json"


def _keygen(tmp: Path) -> tuple[list[str], Path]:
    (tmp / "keys").mkdir()
    return ["keygen", "--out", str(tmp / "keys"), "--alg", "ed25519", "--force"], tmp / "keys" / "ed25519-cert.pem"


def _cert_qr(tmp: Path) -> tuple[list[str], Path]:
    record = C.REPO / "examples" / "entities" / "OperatorCertificate.json"
    key = C.private_key(tmp / "issuer.pem")
    return ["cert", "qr", str(record), "--index", "0", "--key", str(key), "--out", str(tmp / "qr.svg")], tmp / "qr.svg"


def _sign(tmp: Path) -> tuple[list[str], Path]:
    msg, key = C.message(tmp / "in.jsonl"), C.private_key(tmp / "k.pem")
    return ["sign", str(msg), "--key", str(key), "--out", str(tmp / "in.sig")], tmp / "in.sig"


def _conformance_report(tmp: Path) -> tuple[list[str], Path]:
    (tmp / "card").mkdir()
    args = ["conformance", "report", str(C.message(tmp / "in.jsonl")), "--out", str(tmp / "card")]
    return args, tmp / "card" / "scorecard.html"


def _schema_export(tmp: Path) -> tuple[list[str], Path]:
    (tmp / "schemas").mkdir()
    return ["schema", "export", "--format", "xsd", "--out", str(tmp / "schemas")], tmp / "schemas" / "sedata.xsd"


def _spec_build(tmp: Path) -> tuple[list[str], Path]:
    spec = C.copy_spec(tmp / "checkout")
    target = tmp / "checkout" / "sedata" / "schemas" / "sedata.xsd"
    target.parent.mkdir(parents=True)
    return ["spec", "build", "--spec", str(spec)], target


WRITERS: dict[str, Builder] = {
    "convert": _convert,
    "mask": _mask,
    "sample": _sample,
    "sample --defects": _sample_defects,
    "validate -o": _validate_out,
    "keygen": _keygen,
    "cert qr": _cert_qr,
    "sign": _sign,
    "conformance report": _conformance_report,
    "schema export": _schema_export,
    "spec build": _spec_build,
}


@pytest.mark.parametrize("kind", C.KINDS)
@pytest.mark.parametrize("command", list(WRITERS))
def test_a_target_that_is_not_a_regular_file_is_refused_and_left_alone(command: str, kind: str, tmp_path: Path) -> None:
    if kind == "device" and not C.can_make_devices(tmp_path):
        pytest.skip("this process may not create device nodes (not root, or a restricted container)")
    args, target = WRITERS[command](tmp_path)
    C.make_target(target, kind)
    before = C.fingerprint(target)
    result = C.run(*args)
    C.assert_clean_failure(result)
    assert "not a regular file" in result.stderr and "不是普通文件" in result.stderr
    assert C.fingerprint(target) == before
    assert C.leftovers(tmp_path) == []


def test_a_missing_folder_for_the_defects_file_is_a_clear_error_and_nothing_is_written(tmp_path: Path) -> None:
    out = tmp_path / "s.jsonl"
    result = C.run("sample", "inspection-upload", "--count", "2", "--out", out, "--defects", tmp_path / "nodir" / "x")
    C.assert_clean_failure(result)
    assert "nodir" in result.stderr and "does not exist" in result.stderr and "不存在" in result.stderr
    assert not out.exists()  # checked before the message was written: both files, or neither


def test_dash_sends_a_converted_message_and_a_report_to_standard_output(tmp_path: Path) -> None:
    msg = C.message(tmp_path / "in.jsonl")
    converted = C.run("convert", msg, "-", "--to", "xml")
    assert converted.returncode == 0, converted.stderr
    assert converted.stdout.startswith("<?xml") and "</InspectionUpload>" in converted.stdout
    assert "converted 3 records" in converted.stderr  # the summary goes to stderr, not into the XML
    report = C.run("validate", msg, "-f", "json", "-o", "-")
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["summary"]["files"] == 1
    assert not (tmp_path / "-").exists()
    refused = C.run("convert", msg, "-")
    C.assert_clean_failure(refused)
    assert "--to" in refused.stderr


def _temp_files_of(target: Path) -> list[Path]:
    return sorted(target.parent.glob(f".{target.name}.sedata-tmp-*"))


def _start_and_catch_writing(target: Path, count: int) -> tuple[subprocess.Popen[bytes], list[Path]]:
    """Start ``sedata sample`` writing ``target`` and return once its temporary file is there."""
    proc = subprocess.Popen(
        [*C._sedata(), "sample", "inspection-upload", "--count", str(count), "--out", str(target)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        temps = _temp_files_of(target)
        if temps:
            return proc, temps
        time.sleep(0.005)
    proc.kill()
    proc.wait()
    pytest.fail(f"the write ended (exit {proc.returncode}) before its temporary file was seen")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_write_removes_its_temporary_files(tmp_path: Path, sig: signal.Signals) -> None:
    target = tmp_path / "big.jsonl"
    proc, temps = _start_and_catch_writing(target, 20_000)
    assert all(".sedata-tmp-" in t.name for t in temps)  # a recognisable name
    proc.send_signal(sig)
    proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert _temp_files_of(target) == [] and not target.exists()


def test_after_a_sigkill_the_next_write_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "big.jsonl"
    target.write_bytes(b"the previous message\n")
    proc, _ = _start_and_catch_writing(target, 20_000)
    proc.kill()
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert _temp_files_of(target), "a SIGKILL cannot be caught: the temporary file is still there"
    assert target.read_bytes() == b"the previous message\n"  # never half replaced
    result = C.run("sample", "inspection-upload", "--count", "2", "--out", target)
    assert result.returncode == 0, result.stderr
    assert _temp_files_of(target) == []
    assert target.read_bytes().startswith(b'{"header"')


def test_a_full_disk_leaves_the_previous_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = tmp_path / "r.json"
    report.write_text('{"previous": true}\n', "utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(safe.os, "fsync", full)
    with pytest.raises(OutputError) as caught:
        safe.write_atomically(report, '{"new": "report"}\n' * 1000)
    assert "No space left on device" in caught.value.en
    assert report.read_text("utf-8") == '{"previous": true}\n'
    assert C.leftovers(tmp_path) == []


def test_stale_temporary_files_of_live_processes_and_other_files_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "m.jsonl"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".m.jsonl.sedata-tmp-{dead.stdout.strip()}-abc.body"
    live = tmp_path / f".m.jsonl.sedata-tmp-{os.getppid()}-abc.body"  # our parent: alive
    other = tmp_path / f".n.jsonl.sedata-tmp-{dead.stdout.strip()}-abc.body"  # another target's
    for path in (stale, live, other):
        path.write_bytes(b"x")
    assert safe.clean_stale(target) == [stale]
    assert not stale.exists() and live.exists() and other.exists()


def test_the_allocation_store_refuses_a_ledger_and_other_databases(tmp_path: Path) -> None:
    msg = C.message(tmp_path / "in.jsonl")
    ledger = tmp_path / "ledger.db"
    assert C.run("validate", msg, "--ledger", ledger).returncode == 0
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE person (name TEXT)")
    args = ["code", "new", "equipment-code", "--variety", "3110", "--year", "2020"]
    args += ["--licence", "TS2210890-2015", "--outside-scope"]
    for db_file in (ledger, other):
        before = db_file.read_bytes()
        result = C.run(*args, "--store", db_file)
        C.assert_clean_failure(result)
        assert "not an allocation store" in result.stderr
        assert db_file.read_bytes() == before
    store = tmp_path / "store.db"
    first = C.run(*args, "--store", store)
    assert first.returncode == 0 and first.stdout.strip().startswith("3110"), first.stderr
    with sqlite3.connect(store) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == 0x53454441
    # A store made before the application id existed (our three tables, no id) is still taken.
    with sqlite3.connect(store) as db:
        db.execute("PRAGMA application_id = 0")
    again = C.run(*args, "--store", store)
    assert again.returncode == 0 and again.stdout.strip() != first.stdout.strip(), again.stderr


@pytest.mark.parametrize("kind", C.KINDS)
def test_check_target_names_what_the_target_is(kind: str, tmp_path: Path) -> None:
    if kind == "device" and not C.can_make_devices(tmp_path):
        pytest.skip("this process may not create device nodes")
    target = C.make_target(tmp_path / "t", kind)
    expected = {
        "fifo": "a FIFO (named pipe)",
        "symlink": "a symbolic link",
        "folder": "a folder",
        "device": "a device",
    }[kind]
    with pytest.raises(OutputError) as caught:
        safe.check_target(target)
    assert f"the target is {expected}, not a regular file" in caught.value.en
    regular = tmp_path / "regular.json"
    regular.write_bytes(b"{}")
    safe.check_target(regular)  # a regular file may be replaced
    safe.check_target(tmp_path / "new.json")  # and a missing one made
    with pytest.raises(OutputError, match="does not exist"):
        safe.check_target(tmp_path / "no" / "new.json")


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_ledger_or_store_that_is_not_a_regular_file_is_refused_without_hanging(kind: str, tmp_path: Path) -> None:
    msg = C.message(tmp_path / "in.jsonl")
    db = C.make_target(tmp_path / "db", kind)
    before = C.fingerprint(db)
    args = ["code", "new", "equipment-code", "--variety", "3110", "--year", "2020"]
    args += ["--licence", "TS2210890-2015", "--outside-scope"]
    for command in (
        ["validate", msg, "--ledger", db],
        ["ledger", "check", msg, "--ledger", db],
        [*args, "--store", db],
    ):
        result = C.run(*command, timeout=60)
        C.assert_clean_failure(result)
        assert "must be a regular file" in result.stderr and "应为普通文件" in result.stderr
    assert C.fingerprint(db) == before
