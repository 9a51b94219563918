"""The durable allocator: next free sequence, no duplicate ever, several processes, a killed process."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sqlite3
import time
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest

from sedata.codes import InvalidComponent, equipment_code, legacy_registration, registration_cert
from sedata.codes.allocator import (
    AllocationError,
    SequenceExhausted,
    Store,
    _key_text,
    next_equipment_code,
    next_legacy_registration,
    next_registration_cert_serial,
)
from tests.codes._messages import is_bilingual

KEY = ("manufacturer", "3110", "10890", "2025")
# fork keeps the workers cheap (no re-import of sedata and the spec per process); spawn where there is no fork.
CTX = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")


def test_sequences_count_up_per_key(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as s:
        a = next_equipment_code(s, "3110", maker_code="10890", year=2025)
        b = next_equipment_code(s, "3110", maker_code="10890", year=2025)
        c = next_equipment_code(s, "3110", maker_code="10890", year=2024)
        d = next_equipment_code(s, "3110", division="433100", year=2025)
        assert (a, b, c, d) == ("311010890202500001", "311010890202500002", "311010890202400001", "311043310020250001")
        assert all(equipment_code.is_valid(x) for x in (a, b, c, d))
        assert s.last("equipment_code", KEY) == 2
        assert [i.sequence for i in s.issued("equipment_code", KEY)] == [1, 2]


def test_other_kinds(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as s:
        assert next_legacy_registration(s, "3110", "350600", 2016, 5) == "31103506002016050001"
        assert next_legacy_registration(s, "3110", "350600", 2016, 5) == "31103506002016050002"
        assert next_registration_cert_serial(s, "梯", "3110", "闽", "E", 2016, width=4) == "梯11闽E0001(16)"
        # The serial space is per variety digits, not per printed width.
        assert next_registration_cert_serial(s, "梯", "3110", "闽", "E", 2016) == "梯11闽E00002(16)"
        assert legacy_registration.is_valid("31103506002016050002")
        assert registration_cert.is_valid("梯11闽E00002(16)", variety="3110")


def test_store_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store(path) as s:
        next_equipment_code(s, "3110", maker_code="10890", year=2025)
    with Store(path) as s:
        assert next_equipment_code(s, "3110", maker_code="10890", year=2025).endswith("00002")
        assert s.check() == []


def test_recorded_codes_are_skipped(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as s:
        assert s.record("equipment_code", KEY, "311010890202500001", 1)
        assert s.record("equipment_code", KEY, "311010890202500002", 2)
        assert not s.record("equipment_code", KEY, "311010890202500002", 2)  # already there
        assert next_equipment_code(s, "3110", maker_code="10890", year=2025) == "311010890202500003"
        assert [i.origin for i in s.issued("equipment_code", KEY)] == ["recorded", "recorded", "allocated"]


def test_bad_input_touches_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as s:
        with pytest.raises(InvalidComponent):
            next_equipment_code(s, "2100", maker_code="10890", year=2025)
        with pytest.raises(InvalidComponent):
            next_legacy_registration(s, "3110", "123456", 2016, 5)
        assert list(s.issued()) == []


def test_exhausted_sequence_is_a_clear_bilingual_error(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as s:
        for n in (1, 2, 3):
            assert s.allocate("test", ("k",), lambda n: f"code-{n}", 3).sequence == n
        with pytest.raises(SequenceExhausted) as exc:
            s.allocate("test", ("k",), lambda n: f"code-{n}", 3)
        assert is_bilingual(exc.value)  # type: ignore[arg-type]
        assert "9999" not in exc.value.en and "3" in exc.value.en
        # The real limits come from the spec patterns: the authority form has 4 digits.
        key = ("authority", "3110", "433100", "2025")
        s._db.execute(  # stand-in for 9998 earlier allocations
            "INSERT INTO counter (kind, key, last) VALUES (?, ?, 9998)", (equipment_code.KIND, _key_text(key))
        )
        assert next_equipment_code(s, "3110", division="433100", year=2025) == "311043310020259999"
        with pytest.raises(SequenceExhausted):
            next_equipment_code(s, "3110", division="433100", year=2025)


def test_counter_and_code_commit_together(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.db"
    with Store(path) as s:
        next_equipment_code(s, "3110", maker_code="10890", year=2025)

        def crash(*args: object) -> None:
            raise KeyboardInterrupt  # as if the process died between writing the code and the counter

        monkeypatch.setattr(Store, "_bump", crash)
        with pytest.raises(KeyboardInterrupt):
            next_equipment_code(s, "3110", maker_code="10890", year=2025)
        monkeypatch.undo()
        assert [i.sequence for i in s.issued()] == [1]
        assert s.last("equipment_code", KEY) == 1
        assert next_equipment_code(s, "3110", maker_code="10890", year=2025).endswith("00002")
        assert s.check() == []


def test_unusable_store_path(tmp_path: Path) -> None:
    with pytest.raises(AllocationError) as exc:
        Store(tmp_path / "missing" / "s.db")
    assert is_bilingual(exc.value)  # type: ignore[arg-type]
    (tmp_path / "junk.db").write_bytes(b"not a database" * 100)
    with pytest.raises(AllocationError):
        Store(tmp_path / "junk.db")


# --- several processes -----------------------------------------------------------------------------


def _allocate_many(path: str, n: int, out: mp.Queue[list[str]]) -> None:
    with Store(path) as s:
        out.put([next_equipment_code(s, "3110", maker_code="10890", year=2025) for _ in range(n)])


def test_concurrent_processes_issue_no_duplicate_and_no_gap(tmp_path: Path) -> None:
    path = str(tmp_path / "s.db")
    Store(path).close()  # create the schema once, as a deployment would
    processes, each = 4, 200
    out: mp.Queue[list[str]] = CTX.Queue()
    workers = [CTX.Process(target=_allocate_many, args=(path, each, out)) for _ in range(processes)]
    for w in workers:
        w.start()
    codes = [c for _ in workers for c in out.get(timeout=120)]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    assert len(codes) == processes * each
    assert not [c for c, k in Counter(codes).items() if k > 1]
    assert sorted(int(c[-5:]) for c in codes) == list(range(1, processes * each + 1))
    with Store(path) as s:
        assert s.last("equipment_code", KEY) == processes * each
        assert s.check() == []


def _allocate_forever(path: str) -> None:
    with Store(path) as s:
        while True:
            next_equipment_code(s, "3110", maker_code="10890", year=2025)


def test_killed_process_leaves_a_usable_store(tmp_path: Path) -> None:
    path = str(tmp_path / "s.db")
    Store(path).close()
    victims = [CTX.Process(target=_allocate_forever, args=(path,)) for _ in range(2)]
    for v in victims:
        v.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with closing(sqlite3.connect(path, timeout=30)) as db:
            if db.execute("SELECT count(*) FROM issued").fetchone()[0] >= 100:
                break
        time.sleep(0.01)
    for v in victims:
        assert v.pid is not None
        os.kill(v.pid, signal.SIGKILL)  # mid-run: very likely inside a transaction
        v.join(timeout=30)
        assert v.exitcode == -signal.SIGKILL
    with Store(path) as s:
        assert s.check() == []
        before = [i.sequence for i in s.issued("equipment_code", KEY)]
        assert before == list(range(1, len(before) + 1))
        assert s.last("equipment_code", KEY) == len(before)
        more = [next_equipment_code(s, "3110", maker_code="10890", year=2025) for _ in range(20)]
        after = [i.code for i in s.issued("equipment_code", KEY)]
    assert [int(c[-5:]) for c in more] == list(range(len(before) + 1, len(before) + 21))
    assert len(after) == len(set(after)) == len(before) + 20
