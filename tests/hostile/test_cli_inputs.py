"""What a user passes on the command line: hostile files, endless devices, FIFOs, stdin, folders and globs.

Every command is run as a user runs it (a subprocess), so a traceback, a signal death or a hang would show
as such. One hostile file must not cost the other files of a batch their report.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

from sedata.validate import engine as validate_engine
from sedata.validate import parallel, validate_files


def _cases_module() -> ModuleType:
    # Loaded by path: tests/hostile is a package on some branches and a plain folder on others.
    spec = importlib.util.spec_from_file_location("hostile_cli_cases", Path(__file__).with_name("_cli_cases.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


C = _cases_module()


@pytest.fixture
def msg(tmp_path: Path) -> Path:
    return C.message(tmp_path / "good.jsonl")


def _files(report: str) -> dict[str, dict[str, object]]:
    return {f["file"]: f for f in json.loads(report)["files"]}


# --- size limits ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["sign", "{msg}", "--key", "/dev/zero"],
        ["verify", "{msg}", "--cert", "/dev/zero"],
        ["verify", "{msg}", "--cert", "{cert}", "--sig", "/dev/zero"],
        ["validate", "{msg}", "--trust", "/dev/zero"],
        ["mask", "{msg}", "{tmp}/m.jsonl", "--profile", "pseudonymise", "--key-file", "/dev/zero"],
        ["cert", "qr", "/dev/zero", "--key", "{key}", "--out", "{tmp}/qr.svg"],
    ],
    ids=["sign --key", "verify --cert", "verify --sig", "validate --trust", "mask --key-file", "cert qr record"],
)
def test_an_endless_file_given_as_a_key_certificate_or_signature_is_refused_at_its_limit(
    args: list[str], msg: Path, tmp_path: Path
) -> None:
    key = C.private_key(tmp_path / "k.pem")
    made = C.run("keygen", "--out", tmp_path / "keys", "--alg", "ed25519")
    assert made.returncode == 0, made.stderr
    values = {"msg": msg, "tmp": tmp_path, "key": key, "cert": tmp_path / "keys" / "ed25519-cert.pem"}
    start = time.monotonic()
    result = C.run(*[a.format(**values) for a in args], timeout=60)
    C.assert_clean_failure(result)
    # Refused by its size, or (trust material: keys, certificates, signatures) as no regular file at all.
    assert "/dev/zero" in result.stderr
    assert re.search(r"larger than the \d+ MiB limit|not a regular file", result.stderr)
    assert re.search(r"超过 \d+ MiB 的上限|不是普通文件", result.stderr)
    assert "MemoryError" not in result.stderr and time.monotonic() - start < 30
    assert not (tmp_path / "qr.svg").exists() and not (tmp_path / "m.jsonl").exists()


def test_jobs_is_capped_by_the_work_there_is(msg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[int] = []
    real = parallel.ProcessPoolExecutor

    def pool(max_workers: int, **options: object) -> object:
        started.append(max_workers)
        return real(max_workers=max_workers, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", pool)
    parallel.shutdown_workers()  # workers an earlier run kept would be taken as they are
    try:
        report = validate_files([msg, msg.parent / "missing.jsonl"], jobs=100_000)
    finally:
        parallel.shutdown_workers()
    assert started == [2]  # two files, nothing to split: two processes, not 100,000
    assert [f.unreadable for f in report.files] == [False, True]


def test_jobs_beyond_the_cpus_runs_and_agrees(msg: Path) -> None:
    result = C.run("validate", msg, "--jobs", "100000", "-f", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["records"] == 3


# --- streams ---------------------------------------------------------------------------------------------------


def test_standard_input_is_read_as_a_stream(msg: Path) -> None:
    data = msg.read_bytes()
    for name in ("-", "/dev/stdin"):
        result = C.run("validate", name, "-f", "json", stdin=data)
        assert result.returncode == 0, result.stderr
        (only,) = json.loads(result.stdout)["files"]
        assert only["file"] == name and only["records"] == 3
    converted = C.run("convert", "-", "-", "--to", "xml", stdin=data)
    assert converted.returncode == 0 and "<InspectionUpload" in converted.stdout, converted.stderr
    inspected = C.run("inspect", "-", "--json", stdin=data)
    assert inspected.returncode == 0 and json.loads(inspected.stdout)["records"] == 3, inspected.stderr


def test_a_fifo_with_a_writer_is_read_and_one_without_is_given_up_with_a_message(msg: Path, tmp_path: Path) -> None:
    fed = tmp_path / "fed.fifo"
    os.mkfifo(fed)
    # A writer that opens the FIFO only after a while: the reader waits for it, then reads the stream.
    writer = subprocess.Popen(["sh", "-c", f"sleep 5; cat '{msg}' > '{fed}'"])
    result = C.run("validate", fed, "-f", "json", "--wait", "20")
    writer.wait(timeout=30)
    assert result.returncode == 0, result.stderr
    assert _files(result.stdout)[str(fed)]["records"] == 3
    assert "waiting for a writer" in result.stderr
    lonely = tmp_path / "lonely.fifo"
    os.mkfifo(lonely)
    start = time.monotonic()
    result = C.run("validate", msg, lonely, "--wait", "1", "-f", "json", timeout=60)
    assert time.monotonic() - start < 30
    assert result.returncode == 2 and "Traceback" not in result.stderr
    files = _files(result.stdout)
    assert files[str(msg)]["valid"] is True
    (finding,) = files[str(lonely)]["findings"]
    assert finding["rule"] == "SE-SYN-001" and "nobody wrote to this FIFO" in finding["message"]["en"]


def test_a_terminal_or_a_device_is_no_message(msg: Path) -> None:
    result = C.run("validate", msg, "/dev/zero", "-f", "json", timeout=60)
    assert result.returncode == 2, result.stderr
    files = _files(result.stdout)
    assert files[str(msg)]["valid"] is True
    assert "a device, not a message file" in files["/dev/zero"]["findings"][0]["message"]["en"]
    for command in (["inspect", "/dev/zero"], ["convert", "/dev/zero", "x.jsonl"]):
        C.assert_clean_failure(C.run(*command, timeout=60))


# --- folders and globs -----------------------------------------------------------------------------------------


def test_a_folder_validates_its_exchange_files_and_a_quoted_glob_is_expanded(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    (data / ".hidden").mkdir()
    for seed, path in enumerate(
        (data / "a.jsonl", data / "b.json", data / "sub" / "c.xml", data / ".hidden" / "d.jsonl")
    ):
        C.message(path, fmt=path.suffix[1:], seed=seed)
    (data / "notes.txt").write_text("not a message\n", "utf-8")
    (data / ".a.jsonl.sedata-tmp-1-x.body").write_bytes(b"half written")

    def checked(*args: str | Path) -> list[str]:
        result = C.run("validate", *args, "-f", "json")
        assert result.returncode == 0, result.stderr
        return sorted(Path(f).relative_to(data).as_posix() for f in _files(result.stdout))

    assert checked(data) == ["a.jsonl", "b.json"]
    assert checked(data, "--recursive") == ["a.jsonl", "b.json", "sub/c.xml"]
    assert checked(f"{data}/*.json*") == ["a.jsonl", "b.json"]
    assert checked(f"{data}/**/*.xml") == ["sub/c.xml"]
    empty = tmp_path / "empty"
    empty.mkdir()
    for args in ([empty], [f"{data}/*.nothing"]):
        C.assert_clean_failure(C.run("validate", *args))


# --- input errors and findings ---------------------------------------------------------------------------------


def test_an_empty_file_or_no_message_is_an_input_error_distinct_from_findings(tmp_path: Path) -> None:
    empty, text = tmp_path / "empty.jsonl", tmp_path / "text.json"
    empty.write_bytes(b"")
    text.write_bytes(b"hello, this is not a message\n")
    for path in (empty, text):
        result = C.run("validate", path)
        assert result.returncode == 2 and "SE-SYN-003" in result.stdout, result.stdout
    flawed = tmp_path / "flawed.jsonl"
    made = C.run("sample", "inspection-upload", "--count", "6", "--invalid-rate", "1", "--out", flawed)
    assert made.returncode == 0, made.stderr
    assert C.run("validate", flawed).returncode == 1


def _hostile(folder: Path, msg: Path) -> dict[str, Path]:
    """Crafted files that once crashed a command (a traceback or an internal error) or hung it."""
    header, *records = msg.read_text("utf-8").splitlines()
    listed = json.loads(records[0])
    listed["data"] = [1]
    cases = {
        "data-is-a-list.jsonl": "\n".join([header, json.dumps(listed), *records[1:]]) + "\n",
        "deep.json": '{"header":' + "[" * 100_000 + "]" * 100_000 + "}",
        "lone-surrogate.jsonl": "\n".join([header, records[0].replace('"data"', '"x\\ud800":1,"data"', 1)]) + "\n",
        "binary.xml": "<\x00\x01\x02",
    }
    out = {}
    for name, body in cases.items():
        (folder / name).write_bytes(body.encode("utf-8", "surrogatepass"))
        out[name] = folder / name
    (folder / "raw-surrogate.json").write_bytes(msg.read_bytes().replace(b'"data"', b'"\xed\xa0\x80":1,"data"', 1))
    out["raw-surrogate.json"] = folder / "raw-surrogate.json"
    return out


def test_a_batch_with_hostile_files_reports_every_file(msg: Path, tmp_path: Path) -> None:
    hostile = _hostile(tmp_path, msg)
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    report = tmp_path / "r.json"
    given = [msg, *hostile.values(), empty, tmp_path / "missing.jsonl"]
    result = C.run("validate", *given, "-f", "json", "-o", report)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    files = _files(report.read_text("utf-8"))
    assert list(files) == [str(p) for p in given]  # every file, in the order given
    assert files[str(msg)]["valid"] is True and files[str(msg)]["records"] == 3
    for path in given[1:]:
        assert files[str(path)]["findings"], path  # each its own finding, none silently clean
    assert files[str(empty)]["stopped"] == "unreadable"


@pytest.mark.parametrize("command", ["validate", "convert", "inspect", "mask", "sign", "verify"])
def test_no_command_shows_a_traceback_on_hostile_files(command: str, msg: Path, tmp_path: Path) -> None:
    key = C.private_key(tmp_path / "k.pem")
    made = C.run("keygen", "--out", tmp_path / "keys", "--alg", "ed25519")
    assert made.returncode == 0, made.stderr
    extra = {
        "validate": [],
        "convert": [str(tmp_path / "out.xml")],
        "inspect": [],
        "mask": [str(tmp_path / "masked.jsonl")],
        "sign": ["--key", str(key)],
        "verify": ["--cert", str(tmp_path / "keys" / "ed25519-cert.pem")],
    }[command]
    for name, path in _hostile(tmp_path, msg).items():
        result = C.run(command, path, *extra, timeout=120)
        assert result.returncode in (1, 2), (name, result.returncode, result.stderr[-1500:])
        assert "Traceback" not in result.stderr + result.stdout, name
        assert C.leftovers(tmp_path) == [], name


def test_an_unexpected_error_in_one_file_is_that_files_finding(
    msg: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = C.message(tmp_path / "other.jsonl", count=4, seed=1)
    real = validate_engine._record_findings
    seen: list[int] = []

    def explode_in_other(ctx, rules, record, biz, observer=None):  # type: ignore[no-untyped-def]
        if ctx.file == str(other):
            seen.append(record.index)
            if len(seen) == 2:
                raise RecursionError("maximum recursion depth exceeded (11010519491231002X)")
        return real(ctx, rules, record, biz, observer)

    monkeypatch.setattr(validate_engine, "_record_findings", explode_in_other)
    report = validate_files([other, msg])
    bad, good = report.files
    assert good.valid and good.records == 3
    (finding,) = bad.findings
    assert finding.rule == "SE-SYN-001" and "internal error while reading" in finding.message.en
    assert "RecursionError" in finding.message.en and "11010519491231002X" not in finding.message.en
    assert bad.unreadable and bad.records == 2


def test_an_unexpected_error_is_one_bilingual_line_and_debug_shows_the_traceback(
    msg: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sedata import exchange
    from sedata.cli import _out
    from sedata.cli.main import app

    def broken(path: object, spec: object = None) -> object:
        raise RuntimeError("a bug in the reader")

    monkeypatch.setattr(exchange, "summarize", broken)
    monkeypatch.setattr(_out, "DEBUG", False)
    with pytest.raises(SystemExit) as done:
        app(["inspect", str(msg)])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"{msg}: 内部错误" in err and f"{msg}: internal error" in err and "RuntimeError: a bug" in err
    with pytest.raises(RuntimeError, match="a bug in the reader"):
        app(["--debug", "inspect", str(msg)])


@pytest.mark.parametrize("extra", [-1, 0, 1, 4096])
def test_a_limited_read_takes_up_to_the_limit_and_refuses_one_byte_more(tmp_path: Path, extra: int) -> None:
    from sedata.io import InputError
    from sedata.io.limits import read_limited

    limit = 1000
    path = tmp_path / "key.pem"
    path.write_bytes(bytes(range(256)) * 20)
    path.write_bytes(path.read_bytes()[: limit + extra])
    if extra <= 0:
        assert read_limited(path, limit) == path.read_bytes()
    else:
        with pytest.raises(InputError) as caught:
            read_limited(path, limit)
        assert caught.value.file == str(path) and "1000 bytes" in caught.value.en


def test_a_limited_read_of_a_fifo_waits_for_its_writer_and_gives_up_on_none(tmp_path: Path) -> None:
    import threading

    from sedata.io import InputError
    from sedata.io.limits import read_limited

    fifo = tmp_path / "key.fifo"
    os.mkfifo(fifo)

    def feed() -> None:
        time.sleep(0.3)
        with open(fifo, "wb") as f:
            f.write(b"-----BEGIN PUBLIC KEY-----\n")

    writer = threading.Thread(target=feed)
    writer.start()
    assert read_limited(fifo, 1 << 20, wait=10) == b"-----BEGIN PUBLIC KEY-----\n"
    writer.join()
    start = time.monotonic()
    with pytest.raises(InputError, match="FIFO"):
        read_limited(fifo, 1 << 20, wait=0.5)
    assert 0.5 <= time.monotonic() - start < 5
