"""Findings past the in-memory threshold spill to a private temporary file: same report, every format, no file left."""

from __future__ import annotations

import dataclasses
import gc
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sedata.validate import Report, validate_files
from sedata.validate import places as P
from sedata.validate.render import FORMATS, render
from sedata.validate.report import (
    SPILL_PREFIX,
    ElementRef,
    FileReport,
    Finding,
    FindingStore,
    Text,
    findings_in_memory,
)

from .conftest import doubtful, sample, write_sample

MANY = 50_000
SLOW = {"text": 4_000, "sarif": 4_000, "codeclimate": 4_000}
"""Findings for the formats that take ~1 ms a finding to render (rich, hashes, paths): still 40 times the threshold."""


@pytest.fixture(autouse=True)
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Spill files go to a folder of this test's own, so leftovers are seen (and nobody else's are)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder


def spill_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(SPILL_PREFIX))


def finding(i: int, rule: str = "SE-SCH-001", severity: str = "error", layer: str = "schema") -> Finding:
    return Finding(
        rule=rule,
        severity=severity,  # type: ignore[arg-type]
        layer=layer,
        message=Text(f"必填数据元缺失 {i}", f"required element missing {i}"),
        file="上传.jsonl",
        line=i + 2,
        index=i,
        pointer=f"/records/{i}/data/userUnitName",
        record_type="Equipment",
        key=f"3110{i:06d}",
        element=ElementRef("SE.UNT.0101", Text("使用单位名称", "User unit name"), "userUnitName"),
        value=None if i % 2 else f"值{i}",
        expected=Text("非空", "not empty") if i % 3 else None,
    )


RULES = st.sampled_from(["SE-SCH-001", "SE-COD-002", "SE-BIZ-004", "SE-XRF-002"])
SEVERITIES = st.sampled_from(["error", "warning", "info"])
LAYERS = st.sampled_from(["schema", "codes", "business", "cross-record"])
FINDINGS = st.lists(st.tuples(RULES, SEVERITIES, LAYERS), max_size=40).map(
    lambda items: [finding(i, *item) for i, item in enumerate(items)]
)


@settings(max_examples=60, deadline=None)
@given(FINDINGS, st.integers(0, 12), st.data())
def test_a_store_is_the_list_it_was_given_and_counts_as_it_goes(
    items: list[Finding], keep: int, data: st.DataObject
) -> None:
    store = FindingStore(items, keep=keep)
    assert store.spilled == (len(items) > keep)
    assert len(store) == len(items) and list(store) == items and store == items
    if items:
        i = data.draw(st.integers(-len(items), len(items) - 1))
        assert store[i] == items[i]
        changed = dataclasses.replace(items[i], severity="info", layer="codes", line=999)
        store[i] = changed
        items[i] = changed
        assert store[i] == changed and list(store) == items
    a, b = sorted(data.draw(st.tuples(st.integers(0, 45), st.integers(0, 45))))
    assert store[a:b] == items[a:b]
    assert store.by_rule() == dict(sorted(Counter(f.rule for f in items).items()))
    assert store.by_layer() == dict(Counter(f.layer for f in items))
    severities = Counter(f.severity for f in items)
    assert store.by_severity() == {s: severities.get(s, 0) for s in ("error", "warning", "info")}
    assert store.tally("warning") == severities["error"] + severities["warning"]
    groups = store.groups()
    assert list(groups) == sorted({f.rule for f in items})
    assert {r: list(g) for r, g in groups.items()} == {r: [f for f in items if f.rule == r] for r in groups}
    store.close()


def test_a_lone_surrogate_survives_the_spill_file() -> None:
    odd = dataclasses.replace(finding(1), value="\ud800x")  # orjson refuses it; the store must not lose it
    store = FindingStore([finding(0), odd], keep=1)
    assert store.spilled and store[1] == odd and list(store)[1].value == "\ud800x"
    store.close()


def test_a_store_goes_to_another_process_as_its_findings() -> None:
    import pickle

    store = FindingStore([finding(i) for i in range(5)], keep=2)
    again = pickle.loads(pickle.dumps(store))
    assert again == store and again.spilled
    assert again._path != store._path  # each has its own file
    again.close()
    store.close()


def test_the_spill_file_is_private_and_removed_on_close_and_when_dropped(private_tmp: Path) -> None:
    store = FindingStore([finding(i) for i in range(10)], keep=3)
    (name,) = spill_files(private_tmp)
    assert (private_tmp / name).stat().st_mode & 0o777 == 0o600  # values are masked, but a report is not public
    store.close()
    assert spill_files(private_tmp) == []
    store = FindingStore([finding(i) for i in range(10)], keep=3)
    assert len(spill_files(private_tmp)) == 1
    del store
    gc.collect()
    assert spill_files(private_tmp) == []


def test_an_error_while_writing_leaves_no_spill_file(private_tmp: Path) -> None:
    store = FindingStore([finding(i) for i in range(20)], keep=2)
    report = Report([FileReport("a.jsonl", "jsonl", findings=store)], "1.0.0", "0.1.0")

    def broken() -> Iterator[Finding]:
        yield finding(0)
        raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError):
        report.files[0].findings.replace_all(broken())
    assert len(spill_files(private_tmp)) == 1  # the report's own, untouched: the half-made one is gone
    assert len(report.findings) == 20
    report.close()
    assert spill_files(private_tmp) == []


def many(report: Report, keep: int, count: int = MANY) -> Report:
    """``report`` with its findings repeated to ``count``, in stores that keep ``keep`` in memory."""
    base = list(report.findings)
    files = []
    for n, fr in enumerate(report.files[:2]):
        found = (
            dataclasses.replace(base[i % len(base)], file=fr.file, index=i, line=i + 2, key=f"K{n}-{i}")
            for i in range(count // 2)
        )
        files.append(dataclasses.replace(fr, findings=FindingStore(found, keep=keep)))
    return Report(files, report.spec_version, report.tool_version, report.fail_on, list(report.applied))


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """Real findings: a JSON Lines, an XML and a JSON document with defects, and a file with one warning."""
    tmp = tmp_path_factory.mktemp("store")
    records = sample("inspection-upload", 200, 3, 0.1)[0]
    paths = [
        write_sample(tmp / "上传.jsonl", "inspection-upload", "jsonl", records),
        write_sample(tmp / "upload.xml", "inspection-upload", "xml", records),
        write_sample(tmp / "upload.json", "inspection-upload", "json", records),
        doubtful(tmp),
    ]
    return validate_files(paths)


@pytest.mark.parametrize("fmt", FORMATS)
def test_50k_findings_spilled_render_as_kept_in_memory(mixed: Report, fmt: str, private_tmp: Path) -> None:
    assert len(mixed.findings) > 50 and {f.format for f in mixed.files} >= {"jsonl", "xml"}
    count = SLOW.get(fmt, MANY)
    kept = many(mixed, keep=count, count=count)
    spilled = many(mixed, keep=100, count=count)
    assert not any(f.findings.spilled for f in kept.files) and all(f.findings.spilled for f in spilled.files)
    assert len(spilled.findings) == count
    lang = "zh" if count == MANY else "en"
    assert render(spilled, fmt, lang) == render(kept, fmt, lang)
    spilled.close()
    assert spill_files(private_tmp) == []


def test_a_run_that_spills_reports_what_one_in_memory_does(mixed: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the engine, places (JSON read in several passes, JSON Lines columns, XML lines) and the run."""
    paths = [fr.file for fr in mixed.files]
    monkeypatch.setattr(P, "POINTERS_PER_PASS", 7)
    with findings_in_memory(5):
        spilled = validate_files(paths)
    assert all(fr.findings.spilled for fr in spilled.files if len(fr.findings) > 5)
    assert [f.findings.spilled for f in spilled.files].count(True) >= 3
    for fmt in FORMATS:
        assert render(spilled, fmt, "en") == render(mixed, fmt, "en"), fmt
    placed = [f for f in spilled.files[2].findings if f.pointer and "/data/" in f.pointer]
    assert placed and all(f.line is not None and f.column is not None for f in placed)  # the JSON document's
    spilled.close()


def test_receiver_profile_and_baseline_filter_a_spilled_store(mixed: Report, tmp_path: Path) -> None:
    from sedata.spec import current
    from sedata.validate.baseline import Baseline
    from sedata.validate.profile import Profile

    paths = [fr.file for fr in mixed.files]
    with findings_in_memory(3):
        report = validate_files(paths)
        first = report.files[0].findings[0]
        Profile(ignore=("SE-COD",), severity={first.rule: "warning"}).apply(report, current())
        accepted = Baseline.of(validate_files(paths[:1])).apply(report)
    assert all(type(fr.findings) is FindingStore for fr in report.files)
    assert not any(f.rule.startswith("SE-COD") for f in report.findings)
    assert accepted > 0 and len(report.files[0].findings) == 0  # every finding of the first file was known
    left = [f for fr in report.files[1:] for f in fr.findings]
    assert left and all(f.severity == "warning" for f in left if f.rule == first.rule)
    assert report.by_severity() == {
        s: sum(f.severity == s for f in report.findings) for s in ("error", "warning", "info")
    }
    report.close()


def test_a_killed_run_leaves_no_spill_file(tmp_path: Path) -> None:
    """SIGTERM in the middle of a run: the spill files are removed by the signal handler."""
    import signal
    import subprocess
    import sys
    import time

    records = sample("inspection-upload", 3000, 4, 1.0)[0]
    path = write_sample(tmp_path / "bad.jsonl", "inspection-upload", "jsonl", records)
    folder = tmp_path / "private"
    folder.mkdir()
    program = (
        "import sys\n"
        "from sedata.validate import validate_files\n"
        "from sedata.validate.report import findings_in_memory\n"
        "with findings_in_memory(10):\n"
        "    while True:\n"
        "        validate_files([sys.argv[1]])\n"
    )
    env = {**os.environ, "TMPDIR": str(folder)}
    child = subprocess.Popen([sys.executable, "-c", program, str(path)], env=env)
    try:
        deadline = time.monotonic() + 120
        while not spill_files(folder) and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.05)
        assert spill_files(folder), "the run never spilled"
        child.send_signal(signal.SIGTERM)
        assert child.wait(60) == -signal.SIGTERM
    finally:
        if child.poll() is None:
            child.kill()
    assert spill_files(folder) == []


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 3000), min_size=1, max_size=60))
def test_lines_are_read_by_number_in_any_order(tmp_path_factory: pytest.TempPathFactory, wanted: list[int]) -> None:
    """Findings after the records (cross-record) name earlier lines: reading jumps back, and stays right."""
    path = tmp_path_factory.mktemp("lines") / "f.jsonl"
    lines = [f'{{"n": {i}, "pad": "{"x" * (i % 7)}"}}\n'.encode() for i in range(1, 2501)]
    path.write_bytes(b"".join(lines))
    with path.open("rb") as f:
        reader = P._Lines(f)
        for n in wanted:
            assert reader.read(n) == (lines[n - 1] if n <= len(lines) else None)


def test_a_store_adds_to_a_list_as_a_list_does() -> None:
    items = [finding(i) for i in range(6)]
    store = FindingStore(items[:4], keep=1)
    assert store + items[4:] == items and items[4:] + store == items[4:] + items[:4]
    store.close()


@given(FINDINGS, st.integers(0, 5), st.data())
@settings(max_examples=60, deadline=None)
def test_the_store_is_a_mutable_sequence_as_a_list_is(items: list[Finding], keep: int, data: st.DataObject) -> None:
    # Callers of a report's findings (the conformance suite's fault injection, users of the API) pop, delete,
    # insert and assign slices as on the list the findings used to be: the same result, spilled or not.
    store, model = FindingStore(items, keep=keep), list(items)
    try:
        if model:
            at = data.draw(st.integers(-len(model), len(model) - 1))
            assert store.pop(at) == model.pop(at)
        lo, hi = data.draw(st.integers(0, len(model))), data.draw(st.integers(0, len(model)))
        del store[lo:hi]
        del model[lo:hi]
        new = finding(99, "SE-BIZ-004", "warning", "business")
        at = data.draw(st.integers(0, len(model)))
        store.insert(at, new)
        model.insert(at, new)
        store[:] = [dataclasses.replace(f, line=1) for f in store]
        model[:] = [dataclasses.replace(f, line=1) for f in model]
        assert list(store) == model and len(store) == len(model)
        assert store.by_rule() == dict(sorted(Counter(f.rule for f in model).items()))
    finally:
        store.close()


def test_a_report_shown_under_the_given_name_stays_spilled_and_in_order() -> None:
    """stdin and FIFOs are read from a private copy; renaming the findings must not gather them into one list."""
    from sedata.validate.inputs import shown_as

    report = FileReport("/tmp/private-copy.jsonl", findings=FindingStore((finding(i) for i in range(30)), keep=5))
    store = report.findings
    shown_as(report, "-")
    assert report.findings is store and store.spilled  # type: ignore[attr-defined]
    assert [f.file for f in report.findings] == ["-"] * 30
    assert [f.index for f in report.findings] == list(range(30))
    assert report.findings[17] == dataclasses.replace(finding(17), file="-")
