"""``--jobs``: several processes, a JSON Lines file split into chunks, and exactly the findings of one process.

Chunks are made tiny (a few records each) so that every cross-chunk case happens on small files: keys
repeated in another chunk, references resolved in a later chunk or never, a broken line in a later chunk, a
blank line at a chunk's end, records altered after the header was written, and --max-errors reached in the
middle of a chunk. The worker processes are kept from one test to the next, as from one run to the next.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sedata.cli.main import app
from sedata.exchange import convert
from sedata.validate import parallel, validate_files

from .conftest import SPEC, sample, write_sample

TODAY = dt.date(2030, 1, 1)


def _both(paths: list[Path], chunk_bytes: int = 3000, **kw: Any) -> tuple[list[Any], list[Any]]:
    one = validate_files(paths, spec=SPEC, today=TODAY, **kw).files
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parallel, "CHUNK_BYTES", chunk_bytes)
        many = validate_files(paths, spec=SPEC, today=TODAY, jobs=2, **kw).files
    return [r.to_data() for r in one], [r.to_data() for r in many]


@pytest.fixture(scope="module", autouse=True)
def _workers() -> Iterator[None]:
    """The tests share the kept worker processes (each start costs about a second); stopped at the end."""
    yield
    parallel.shutdown_workers()


@pytest.fixture(scope="module")
def defective(tmp_path_factory: pytest.TempPathFactory) -> Path:
    records, defects = sample("inspection-upload", 120, 5, 0.1)
    assert defects, "the sample must carry defects for this test to mean anything"
    return write_sample(tmp_path_factory.mktemp("par") / "bad.jsonl", "inspection-upload", "jsonl", records)


def test_a_split_file_gives_the_findings_of_one_process(defective: Path) -> None:
    one, many = _both([defective])
    assert one[0]["findings"], "no findings: the comparison would prove nothing"
    assert many == one


@pytest.mark.parametrize("max_errors", [1, 4, 9])
def test_max_errors_stops_where_one_process_stops(defective: Path, max_errors: int) -> None:
    one, many = _both([defective], max_errors=max_errors)
    assert one[0]["stopped"] == "max-errors"
    assert many == one


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")[:-1]


def _rewrite(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_keys_repeated_in_a_later_chunk_are_found(tmp_path: Path) -> None:
    records, _ = sample("inspection-upload", 60, 7, 0.0)
    path = write_sample(tmp_path / "dup.jsonl", "inspection-upload", "jsonl", records)
    lines = _lines(path)
    # The first records again at the end: far from their first occurrence, in another chunk.
    _rewrite(path, lines + lines[1:4])
    one, many = _both([path])
    rules = [f["rule"] for f in one[0]["findings"]]
    assert rules.count("SE-BIZ-010") == 3 and "SE-SYN-008" in rules  # and the header's count is now wrong
    assert many == one
    repeated = [f for f in many[0]["findings"] if f["rule"] == "SE-BIZ-010"]
    assert [f["index"] for f in repeated] == [60, 61, 62]
    assert all(f["key"] for f in repeated)  # masked key for display, made from the members the index kept


def test_a_broken_line_in_a_later_chunk_ends_the_file_there(tmp_path: Path) -> None:
    records, _ = sample("inspection-upload", 60, 8, 0.0)
    path = write_sample(tmp_path / "broken.jsonl", "inspection-upload", "jsonl", records)
    lines = _lines(path)
    lines[45] = lines[45][:-10]  # not valid JSON any more
    _rewrite(path, lines)
    one, many = _both([path])
    assert one[0]["stopped"] == "broken"
    assert many == one


def test_a_blank_line_at_the_end_of_a_chunk_is_reported_when_records_follow(tmp_path: Path) -> None:
    records, _ = sample("inspection-upload", 12, 9, 0.0)  # 3 or 4 chunks of 2,500 bytes
    path = write_sample(tmp_path / "blank.jsonl", "inspection-upload", "jsonl", records)
    lines = _lines(path)
    size = parallel._chunk_bytes(path.stat().st_size, 2, 2500)
    assert len(parallel._chunks(path, SPEC, size) or ()) >= 3
    # Wherever the blank line falls, chunk end or not: one file per place, all in one run.
    places = range(2, len(lines) - 1)
    paths = [_rewrite(tmp_path / f"blank{at}.jsonl", [*lines[:at], b"", *lines[at:]]) for at in places]
    one, many = _both(paths, chunk_bytes=2500)
    assert [r["stopped"] for r in one] == ["broken"] * len(places)
    assert [f["line"] for r in one for f in r["findings"] if f["rule"].startswith("SE-SYN")] == [a + 1 for a in places]
    assert many == one
    trailing = _rewrite(path, [*lines, b"", b""])
    one, many = _both([trailing], chunk_bytes=2500)
    assert one[0]["findings"] == [] and many == one


def test_an_altered_record_fails_the_digest_as_in_one_process(tmp_path: Path) -> None:
    records, _ = sample("inspection-upload", 50, 10, 0.0)
    path = write_sample(tmp_path / "altered.jsonl", "inspection-upload", "jsonl", records)
    lines = _lines(path)
    envelope = json.loads(lines[30])
    envelope["recordVersion"] = 9
    lines[30] = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
    _rewrite(path, lines)
    one, many = _both([path])
    assert [f["rule"] for f in one[0]["findings"]] == ["SE-SYN-009"]
    assert many == one


def test_files_of_every_format_side_by_side(tmp_path: Path, defective: Path) -> None:
    records, _ = sample("inspection-upload", 30, 11, 0.1)
    paths = [defective] + [
        write_sample(tmp_path / f"m.{fmt}", "inspection-upload", fmt, records) for fmt in ("json", "xml")
    ]
    paths.append(tmp_path / "missing.jsonl")
    one, many = _both(paths)
    assert many == one
    assert [r["file"] for r in many] == [str(p) for p in paths]


def test_the_cli_with_jobs_writes_the_same_report(defective: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"r{jobs}.json"
        result = runner.invoke(
            app, ["validate", str(defective), "--jobs", jobs, "--today", "2030-01-01", "-f", "json", "-o", str(out)]
        )
        assert result.exit_code == 1, result.output
        outs.append(json.loads(out.read_text(encoding="utf-8")))
    assert outs[0]["files"] == outs[1]["files"]


def test_keys_repeated_across_files_as_in_one_process(tmp_path: Path) -> None:
    records, _ = sample("inspection-upload", 60, 12, 0.0)
    first = write_sample(tmp_path / "a.jsonl", "inspection-upload", "jsonl", records)  # split into chunks
    again = write_sample(tmp_path / "b.xml", "inspection-upload", "xml", records[:10])  # validated whole
    one, many = _both([first, again])
    rules = [f["rule"] for f in one[1]["findings"]]
    assert rules.count("SE-XRF-001") == 10  # every record of b repeats one of a
    assert many == one
    # and a large file that cannot be split (XML) is validated in the main process, with the same result
    one, many = _both([first, again], chunk_bytes=200)
    assert many == one


def test_the_same_package_in_two_formats_counts_once(tmp_path: Path) -> None:
    records, _ = sample("inspection-upload", 40, 13, 0.0)
    first = write_sample(tmp_path / "a.jsonl", "inspection-upload", "jsonl", records)
    converted = tmp_path / "a.xml"
    convert(first, converted)
    one, many = _both([first, converted])
    assert one[1]["findings"] == []  # not 40 repeated keys: a conversion is the same delivery
    twin = {n["rule"] for n in one[1]["notChecked"] if "same package" in n["reason"]["en"]}
    assert twin == {"SE-XRF-001", "SE-XRF-002", "SE-BIZ-010"}  # all were checked on the first copy
    assert many == one


def test_ledger_verdicts_with_jobs_are_those_of_one_process(tmp_path: Path) -> None:
    from sedata import exchange as X

    from .conftest import RECEIVER, SENDER

    paths = []
    for sequence in (1, 2, 4):
        records, _ = sample("inspection-upload", 30, 20 + sequence, 0.0)
        path = tmp_path / f"p{sequence}.jsonl"
        X.write(
            path,
            records,
            message_type="inspection-upload",
            sender=SENDER,
            receiver=RECEIVER,
            sequence=sequence,
            mode="changes",
        )
        paths.append(path)
    reports = []
    for jobs, name in ((1, "one"), (2, "many")):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(parallel, "CHUNK_BYTES", 3000)
            run = validate_files(paths, spec=SPEC, today=TODAY, jobs=jobs, ledger=tmp_path / f"{name}.sqlite")
        reports.append([r.to_data() for r in run.files])
    one, many = reports
    gaps = [f for f in one[2]["findings"] if f["rule"] == "SE-SEQ-001"]
    assert len(gaps) == 1 and "3" in gaps[0]["expected"]["en"]
    assert many == one


def test_references_resolved_late_or_never_as_in_one_process(tmp_path: Path) -> None:
    """Keys a chunk sends back in bulk and the main process replays: a reference whose target comes in a later
    chunk, one that nothing resolves named from two chunks, and a target repeated far away."""
    records, _ = sample("inspection-upload", 40, 14, 0.0)
    equipment = [r for r in records if r.type == "Equipment"]
    inspections = [r for r in records if r.type == "Inspection"]
    assert len(equipment) >= 10 and len(inspections) >= 10
    late, gone = equipment[:4], equipment[4]
    missing = gone.data["equipmentCode"]
    named_twice = dataclasses.replace(inspections[-1], data={**inspections[-1].data, "equipmentCode": missing})
    kept = [r for r in records if r not in late and r is not gone]
    # Targets after the records naming them, a value nothing resolves named early and late, a repeated target.
    shuffled = (*kept[:3], named_twice, *kept[3:], *late, equipment[6])
    path = write_sample(tmp_path / "refs.jsonl", "inspection-upload", "jsonl", shuffled)
    one, many = _both([path])
    rules = [f["rule"] for f in one[0]["findings"]]
    # one value nothing resolves (named twice); the repeated target, and the report copied to name it
    assert rules.count("SE-XRF-002") == 1 and rules.count("SE-BIZ-010") == 2, rules
    assert many == one
    # the chunk function sent the screen's keys in groups, so the replay (not row-by-row observing) was tested
    chunks = parallel._chunks(path, SPEC, 3000)
    assert chunks is not None
    options = parallel._Options(None, "error", None, TODAY, ("syntax", "schema", "codes", "business"), lite=True)
    from sedata.columnar.chunk import chunk as columnar_chunk

    sent = [columnar_chunk(path, part, dataclasses.replace(options, bulk=True)) for part in chunks]
    assert all(r.keys for r in sent) and sum(len(r.lite) for r in sent) < len(shuffled) // 2


def test_workers_are_kept_from_one_run_to_the_next(defective: Path) -> None:
    first = parallel._pool(2, True)
    assert parallel._pool(2, True) is first  # a second run pays no start-up
    one, many = _both([defective])
    assert many == one and parallel._pool(2, True) is first
    parallel.shutdown_workers()
    assert parallel._pool(2, True) is not first


def test_workers_share_the_cores_among_their_polars_thread_pools(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two workers on two cores each run one polars thread, not two (four threads fought for two cores); a size
    the user chose is kept. Forked workers read this process's setting; those of the fork server (started once,
    with this process's environment) get the same share."""
    import os

    share = str(max(1, (os.cpu_count() or 1) // 2))
    parallel.shutdown_workers()
    assert parallel._pool(2, True).submit(os.getenv, "POLARS_MAX_THREADS").result() == os.getenv(
        "POLARS_MAX_THREADS", share
    )
    parallel.shutdown_workers()
    for chosen, seen in ((None, share), ("3", "3")):
        if chosen is None:
            monkeypatch.delenv("POLARS_MAX_THREADS", raising=False)
        else:
            monkeypatch.setenv("POLARS_MAX_THREADS", chosen)
        assert parallel._pool(2, False).submit(os.getenv, "POLARS_MAX_THREADS").result() == seen
        parallel.shutdown_workers()


def test_chunks_are_found_as_they_are_taken(defective: Path) -> None:
    """The first chunk goes to a worker before the file is read through; the reducer goes over the same chunks."""
    planned = parallel._planned(defective, SPEC, 3000)
    assert planned is not None
    sending = iter(planned)
    first = next(sending)
    assert planned.seen == [first]  # nothing read past the first chunk yet
    merging = iter(planned)
    assert next(merging) == first and next(sending) == next(merging)
    rest = list(sending)
    assert [first, *planned.seen[1:]] == planned.seen == list(planned) == parallel._chunks(defective, SPEC, 3000)
    assert len(rest) == len(planned.seen) - 2 >= 2


@pytest.mark.parametrize("last_feed", [True, False])
def test_a_chunks_lines_are_read_by_number(defective: Path, tmp_path: Path, last_feed: bool) -> None:
    """The rows a replay leaves are read from the file by line number (the chunk sent no lines back)."""
    data = defective.read_bytes()
    path = tmp_path / "lines.jsonl"
    path.write_bytes(data if last_feed else data.removesuffix(b"\n"))
    lines = data.split(b"\n")
    size = path.stat().st_size
    chunks = parallel._chunks(path, SPEC, 3000)
    assert chunks is not None and len(chunks) >= 3 and chunks[-1].end == size
    for part in chunks:
        reader = parallel._ChunkLines(str(path), part)
        count = data.count(b"\n", part.start, part.end) + (part.end == size and not last_feed)
        for number in reversed(range(part.line, part.line + count)):
            assert reader.line(number) == lines[number - 1], number
        reader.close()
