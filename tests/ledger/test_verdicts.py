"""Gaps, replays, conflicts and late packages across several runs on one ledger, with real message files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sedata import exchange as X
from sedata.ledger import SCHEMA_VERSION, Channel, Ledger, LedgerError, Package, SequenceEvent
from sedata.validate.context import FileContext
from sedata.validate.layers.sequence import check_packages, event_findings

from .conftest import CHANNEL, OTHER, RECEIVER, SPEC, bare, write_package


def _run(ledger: Path, *paths: Path) -> list[list[str]]:
    """One run: the rules found per file, in order."""
    return [[f.rule for f in found] for _, found in check_packages(list(paths), ledger)]


def _one(ledger: Path, path: Path) -> list[tuple[str, str | None, str | None]]:
    ((_, found),) = check_packages([path], ledger)
    return [(f.rule, f.value, None if f.expected is None else f.expected.en) for f in found]


def test_gaps_and_late_packages_across_runs(tmp_path: Path) -> None:
    ledger = tmp_path / "l.sqlite"
    p = {n: write_package(tmp_path / f"p{n}.json", n) for n in (1, 2, 3, 4, 6)}
    assert _one(ledger, p[1]) == []
    assert _one(ledger, p[4]) == [("SE-SEQ-001", "4", "2–3")]
    assert _one(ledger, p[3]) == [("SE-SEQ-006", "3", "4")]
    assert _one(ledger, p[6]) == [("SE-SEQ-001", "6", "5")]  # 2 is still missing but was named already
    with Ledger(ledger) as led:
        assert led.missing(CHANNEL) == ((2, 2), (5, 5))
    assert _one(ledger, p[2]) == [("SE-SEQ-006", "2", "6")]
    with Ledger(ledger) as led:
        assert led.missing(CHANNEL) == ((5, 5),)


def test_a_channel_is_numbered_from_one(tmp_path: Path) -> None:
    ledger = tmp_path / "l.sqlite"
    found = _one(ledger, write_package(tmp_path / "p3.json", 3))
    assert found == [("SE-SEQ-001", "3", "1–2")]


def test_replays_by_message_id_and_by_digest(tmp_path: Path) -> None:
    ledger = tmp_path / "l.sqlite"
    p1, p2 = write_package(tmp_path / "p1.jsonl", 1), write_package(tmp_path / "p2.jsonl", 2)
    assert _run(ledger, p1, p2) == [[], []]
    # The same file again, and the same package converted to XML (the digest is over the canonical records).
    X.convert(p2, tmp_path / "p2.xml")
    assert _run(ledger, p2, tmp_path / "p2.xml") == [["SE-SEQ-002"], ["SE-SEQ-002"]]
    # The same package with a header made anew (new message id): still a replay.
    resent = write_package(tmp_path / "p2-resent.jsonl", 2)
    ((_, found),) = check_packages([resent], ledger)
    assert [f.rule for f in found] == ["SE-SEQ-002"] and "new message id" in found[0].message.en
    # The records of package 1 again as package 3: a content replay (change sets); the number still counts.
    assert _one(ledger, write_package(tmp_path / "p3.jsonl", 3, seed=1))[0][0] == "SE-SEQ-003"
    assert _one(ledger, write_package(tmp_path / "p4.jsonl", 4)) == []
    with Ledger(ledger) as led:
        (state,) = led.channels()
        assert (state.accepted, state.highest, state.missing) == (4, 4, ())
        assert state.arrivals == 7 and state.events == {"replay": 2, "resent": 1, "same-content": 1}


def test_an_unchanged_snapshot_or_empty_package_is_not_a_content_replay(tmp_path: Path) -> None:
    ledger = tmp_path / "l.sqlite"
    s1 = write_package(tmp_path / "s1.json", 1, seed=7, mode="snapshot")
    s2 = write_package(tmp_path / "s2.json", 2, seed=7, mode="snapshot")
    assert _run(ledger, s1, s2) == [[], []]
    with Ledger(ledger) as led:
        # The ledger states the fact; the rule's parameters (modes: changes) decide that it is not reported.
        assert [[e.kind for e in a.events] for a in led.arrivals()] == [[], ["same-content"]]
    empty = tmp_path / "empty"
    e1 = write_package(tmp_path / "e1.json", 1, count=0, sender=OTHER)
    e2 = write_package(tmp_path / "e2.json", 2, count=0, sender=OTHER)
    assert _run(empty, e1, e2) == [[], []]


def test_conflicts_and_reused_message_ids(tmp_path: Path) -> None:
    ledger = tmp_path / "l.sqlite"
    p1, p2 = write_package(tmp_path / "p1.json", 1), write_package(tmp_path / "p2.json", 2)
    assert _run(ledger, p1, p2) == [[], []]
    other2 = write_package(tmp_path / "other2.json", 2, seed=99)
    ((_, found),) = check_packages([other2], ledger)
    assert [(f.rule, f.severity) for f in found] == [("SE-SEQ-004", "error")]
    assert "p2.json" in found[0].message.en and "different content" in found[0].message.en
    # The conflicting package sent again is a replay of it, not a new conflict.
    assert _run(ledger, other2) == [["SE-SEQ-002"]]
    # A message id already used, now on other records with another number.
    header = X.read(p1).header
    reused = write_package(tmp_path / "reused.json", 3, seed=42, message_id=header.message_id)
    assert _one(ledger, reused)[0][0] == "SE-SEQ-005"
    with Ledger(ledger) as led:
        (state,) = led.channels()
        # Neither the conflict nor the reused id moves the channel on: 3 never arrived as itself.
        assert (state.accepted, state.highest) == (2, 2)
        assert [(e.package.sequence, e.standing) for e in led.packages()] == [
            (1, "accepted"),
            (2, "accepted"),
            (2, "conflict"),
        ]
    assert _one(ledger, write_package(tmp_path / "p3.json", 3)) == []


def test_a_package_not_read_whole_is_logged_as_rejected_not_judged(tmp_path: Path) -> None:
    ledger = tmp_path / "l.sqlite"
    p1, p3 = write_package(tmp_path / "p1.jsonl", 1), write_package(tmp_path / "p3.jsonl", 3)
    cut = tmp_path / "p3-cut.jsonl"
    cut.write_text("".join(p3.read_text("utf-8").splitlines(keepends=True)[:-1]), "utf-8")
    altered = tmp_path / "p3-altered.jsonl"
    altered.write_text(p3.read_text("utf-8").replace('"add"', '"upsert"', 1), "utf-8")
    assert _run(ledger, p1) == [[]]
    # Neither file is judged against the channel nor becomes part of its history: each is logged as rejected ...
    assert _run(ledger, cut, altered) == [["SE-SYN-008", "SE-SEQ-007"], ["SE-SYN-009", "SE-SEQ-007"]]
    with Ledger(ledger) as led:
        arrivals = led.arrivals()
        assert [(a.package.sequence, [e.kind for e in a.events]) for a in arrivals] == [
            (1, []),
            (3, ["rejected"]),
            (3, ["rejected"]),
        ]
        assert arrivals[1].events[0].reasons == ("not-read-whole",)
        assert [e.package.sequence for e in led.packages()] == [1]
    # ... so the intact package is judged as if they had never come: no replay.
    assert _run(ledger, p3) == [["SE-SEQ-001"]]
    assert _run(ledger, tmp_path / "missing.jsonl") == [["SE-SYN-001"]]


def test_channels_are_independent(tmp_path: Path) -> None:
    ledger = tmp_path / "l.sqlite"
    mine = write_package(tmp_path / "a1.json", 1)
    theirs = write_package(tmp_path / "b5.json", 5, seed=1, sender=OTHER)
    back = write_package(tmp_path / "c1.json", 1, seed=1, sender=RECEIVER, receiver=OTHER)
    assert _run(ledger, mine, theirs, back) == [[], ["SE-SEQ-001"], []]
    with Ledger(ledger) as led:
        states = {s.channel.sender: s for s in led.channels()}
        assert states[OTHER].missing == ((1, 4),) and states[OTHER].highest == 5
        assert states[CHANNEL.sender].missing == ()
        assert [e.package.sequence for e in led.packages(Channel(OTHER, CHANNEL.receiver, CHANNEL.message_type))] == [5]


def test_check_is_a_pure_query_and_agrees_with_record(tmp_path: Path) -> None:
    with Ledger(tmp_path / "l.sqlite") as led:
        # A channel the ledger has not seen is judged as empty, and checking does not create it.
        assert [(e.kind, e.missing) for e in led.check(bare("z", 3, "x"))] == [("gap", ((1, 2),))]
        assert led.channels() == []
        led.record(bare("a", 1, "x"))
        preview = led.check(bare("b", 3, "y"))
        assert [e.kind for e in preview] == ["gap"] and len(led.arrivals()) == 1
        assert led.record(bare("b", 3, "y")) == preview


def test_events_round_trip_and_every_kind_has_a_finding(tmp_path: Path) -> None:
    with Ledger(tmp_path / "l.sqlite") as led:
        plan = [("a", 1, "x"), ("c", 3, "z"), ("b", 2, "y"), ("a", 1, "x"), ("d", 2, "y"), ("e", 2, "q")]
        plan += [("a", 9, "x"), ("f", 4, "x")]
        events: list[SequenceEvent] = [e for m, s, d in plan for e in led.record(bare(m, s, d))]
    kinds = [e.kind for e in events]
    assert kinds == ["gap", "late", "replay", "resent", "conflict", "id-reused", "same-content"]
    assert [SequenceEvent.from_data(e.to_data()) for e in events] == events
    ctx = FileContext(SPEC, "f.json")
    rules = [f.rule for e in events for f in event_findings(ctx, [e], _package(e))]
    assert rules == ["SE-SEQ-001", "SE-SEQ-006", "SE-SEQ-002", "SE-SEQ-002", "SE-SEQ-004", "SE-SEQ-005", "SE-SEQ-003"]


def _package(e: SequenceEvent) -> Package:
    return Package(e.channel, e.message_id, e.sequence, "sha256:" + "0" * 64, 1, "changes")


def test_files_that_are_not_ledgers_are_refused_untouched(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n" * 100, "utf-8")
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    before = {p: p.read_bytes() for p in (text, other)}
    for path in (text, other):
        with pytest.raises(LedgerError) as err:
            Ledger(path)
        assert err.value.code == "not-a-ledger" and err.value.zh and err.value.en
        assert path.read_bytes() == before[path]
    with pytest.raises(LedgerError) as err:
        Ledger(tmp_path / "none.sqlite", create=False)
    assert err.value.code == "missing" and not (tmp_path / "none.sqlite").exists()
    with pytest.raises(LedgerError) as err:
        Ledger(tmp_path)
    assert err.value.code == "not-a-ledger"


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    with Ledger(path) as led:
        led.record(bare("a", 1, "x"))
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(LedgerError) as err:
        Ledger(path, create=False)
    assert err.value.code == "newer-schema" and str(SCHEMA_VERSION + 1) in err.value.en


def test_cli_errors_are_bilingual_with_exit_code_2(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from sedata.cli.main import app

    runner = CliRunner()
    text = tmp_path / "notes.txt"
    text.write_text("hello", "utf-8")
    for args in (
        ["ledger", "show", str(text)],
        ["ledger", "show", str(tmp_path / "none.sqlite")],
        ["ledger", "check", str(text), "--ledger", str(text)],
        ["ledger", "show", str(text), "--channel", "a/b/c/d"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert "错误" in result.output and "error" in result.output and "Traceback" not in result.output
