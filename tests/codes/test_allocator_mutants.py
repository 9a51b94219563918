"""The allocation store's quick tests (seconds, one process): what its file says on disk, which SQLite files it
opens or refuses, where the per-user store lives, what each query returns. The slow ones (several processes, a
killed process) are in test_allocator.py; bench/mutate.py runs this file first."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from sedata.codes import equipment_code
from sedata.codes.allocator import (
    AllocationError,
    Issued,
    SequenceExhausted,
    Store,
    default_store_path,
    next_equipment_code,
    next_legacy_registration,
    next_registration_cert_serial,
)
from tests.codes._messages import is_bilingual

MAKER_KEY = ("manufacturer", "3110", "10890", "2025")
AUTHORITY_KEY = ("authority", "3110", "433100", "2025")

# The tables as the first sedata that had a store wrote them (schema "1", no application id yet): such a store
# must still open and count on.
_OLD_STORE = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE counter (kind TEXT NOT NULL, key TEXT NOT NULL, last INTEGER NOT NULL CHECK (last >= 0),
                      PRIMARY KEY (kind, key));
CREATE TABLE issued (code TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, key TEXT NOT NULL, sequence INTEGER NOT NULL,
                     issued_at TEXT NOT NULL,
                     origin TEXT NOT NULL CHECK (origin IN ('allocated', 'recorded')), UNIQUE (kind, key, sequence));
INSERT INTO counter VALUES ('equipment_code', '["manufacturer","3110","10890","2025"]', 1);
INSERT INTO issued VALUES ('311010890202500001', 'equipment_code', '["manufacturer","3110","10890","2025"]', 1,
                           '2025-01-02T03:04:05+00:00', 'allocated');
"""


@pytest.fixture(autouse=True)
def _umask() -> Iterator[None]:
    # The file and folder modes are asserted exactly: a umask of 077 would hide a wrong "other" bit.
    old = os.umask(0o022)
    yield
    os.umask(old)


def _raw(path: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as db:
        return db.execute(sql).fetchall()


def _old_store(path: Path, *, schema: str = "1", app_id: int = 0) -> None:
    with closing(sqlite3.connect(path)) as db:
        db.executescript(_OLD_STORE)
        db.execute("INSERT INTO meta VALUES ('schema', ?)", (schema,))
        db.execute(f"PRAGMA application_id = {app_id}")
        db.commit()


# --- what the file says on disk -------------------------------------------------------------------------------


def test_a_new_store_is_marked_as_one_and_private(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    Store(path).close()
    # Bytes 68-71 of an SQLite file are its application id: "SEDA" tells the store from a ledger ("SEDL").
    assert path.read_bytes()[68:72] == b"SEDA"
    assert _raw(path, "PRAGMA application_id") == [(0x53454441,)]
    assert _raw(path, "SELECT name, value FROM meta") == [("schema", "1")]
    assert _raw(path, "PRAGMA journal_mode") == [("wal",)]
    assert path.stat().st_mode & 0o777 == 0o600


def test_keys_are_stored_as_compact_json_text(tmp_path: Path) -> None:
    # The key text is the store's on-disk format: written otherwise, an existing counter would not be found and
    # numbering would start again at 1 for every key a store already holds.
    path = tmp_path / "s.db"
    with Store(path) as s:
        next_equipment_code(s, "3110", maker_code="10890", year=2025)
        next_registration_cert_serial(s, "梯", "3110", "闽", "e ", 2016)
    assert sorted(_raw(path, "SELECT kind, key, last FROM counter")) == [
        ("equipment_code", '["manufacturer","3110","10890","2025"]', 1),
        ("registration_cert", '["梯","11","闽","E","16"]', 1),
    ]


# --- which SQLite files it opens --------------------------------------------------------------------------------


def test_a_store_made_before_the_application_id_opens_and_counts_on(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _old_store(path)
    with Store(path) as s:
        assert next_equipment_code(s, "3110", maker_code="10890", year=2025) == "311010890202500002"
        assert s.check() == []
    with Store(path) as s:  # now marked as a store, it opens again by its id
        assert s.last("equipment_code", MAKER_KEY) == 2
    assert _raw(path, "PRAGMA application_id") == [(0x53454441,)]


def _refused(path: Path) -> AllocationError:
    with pytest.raises(AllocationError) as exc:
        Store(path)
    assert is_bilingual(exc.value)  # type: ignore[arg-type]
    return exc.value


def test_another_programs_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE songs (title TEXT)")
        db.commit()
    assert _refused(path).en == f"{path} is an SQLite database but not an allocation store: left untouched"
    assert _raw(path, "PRAGMA journal_mode") == [("delete",)]  # not switched to WAL
    assert _raw(path, "SELECT name FROM sqlite_master") == [("songs",)]


def test_a_database_with_another_application_id_is_refused_even_when_empty(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA application_id = 1397048396")  # "SEDL", a ledger, still without tables
    assert path.read_bytes()[68:72] == b"SEDL"
    assert _refused(path).en == f"{path} is an SQLite database but not an allocation store: left untouched"
    assert _raw(path, "SELECT name FROM sqlite_master") == []


def test_our_tables_under_another_application_id_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    _old_store(path, app_id=0x5345444C)
    assert _refused(path).en == f"{path} is an SQLite database but not an allocation store: left untouched"


def test_our_tables_without_a_schema_row_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "half.db"
    _old_store(path)
    with closing(sqlite3.connect(path)) as db:
        db.execute("DELETE FROM meta")
        db.commit()
    assert _refused(path).en == f"{path} is an SQLite database but not an allocation store: left untouched"


def test_a_store_of_another_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    _old_store(path, schema="2", app_id=0x53454441)
    assert _refused(path).en == "the store has schema version 2, this sedata needs 1"


def test_a_file_that_is_no_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"not a database" * 100)
    assert _refused(path).en.startswith(f"cannot open the allocation store {path}: ")


def test_a_named_store_in_a_missing_folder_is_not_made(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "s.db"
    assert _refused(path).en == f"cannot create the allocation store {path}: No such file or directory"
    assert not path.parent.exists()


def test_a_link_to_nothing_is_refused_not_followed(tmp_path: Path) -> None:
    path, target = tmp_path / "s.db", tmp_path / "elsewhere.db"
    path.symlink_to(target)
    assert _refused(path).en == f"cannot create the allocation store {path}: a symbolic link to nothing"
    assert not target.exists()


def test_a_link_to_a_store_opens_that_store(tmp_path: Path) -> None:
    target, path = tmp_path / "real.db", tmp_path / "s.db"
    with Store(target) as s:
        next_equipment_code(s, "3110", maker_code="10890", year=2025)
    path.symlink_to(target)
    with Store(path) as s:
        assert next_equipment_code(s, "3110", maker_code="10890", year=2025) == "311010890202500002"


# --- where the per-user store lives -------------------------------------------------------------------------------


def test_the_default_store_follows_xdg_data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # not made yet: the folders are made on first use
    path = default_store_path()
    assert path == tmp_path / "data" / "sedata" / "codes.sqlite3"
    Store(path).close()
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert path.stat().st_mode & 0o777 == 0o600


def test_the_default_store_in_a_folder_that_exists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    (tmp_path / "sedata").mkdir()
    with Store(default_store_path()) as s:
        assert next_legacy_registration(s, "3110", "350600", 2016, 5) == "31103506002016050001"


@pytest.mark.parametrize("value", [None, "", "relative/data"])
def test_without_an_absolute_xdg_data_home_the_store_is_under_home(
    value: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    if value is None:
        monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_DATA_HOME", value)
    assert default_store_path() == tmp_path / ".local" / "share" / "sedata" / "codes.sqlite3"


# --- allocating, recording, reading back -------------------------------------------------------------------------


def test_allocate_counts_from_one_or_from_first(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as s:
        first = s.allocate("test", ("k",), lambda n: f"code-{n}", 9)
        assert (first.code, first.sequence, first.key, first.origin) == ("code-1", 1, ("k",), "allocated")
        assert list(s.issued("test")) == [first]  # what allocate returns is what the store holds
        assert s.allocate("test", ("k",), lambda n: f"code-{n}", 9).sequence == 2
        assert s.allocate("test", ("j",), lambda n: f"j-{n}", 9, first=5).sequence == 5
        assert s.allocate("test", ("j",), lambda n: f"j-{n}", 9, first=5).sequence == 6
        assert (s.last("test", ("k",)), s.last("test", ("j",)), s.last("test", ("none",))) == (2, 6, 0)


def test_the_last_sequence_is_issued_then_the_key_is_exhausted(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as s:
        assert [s.allocate("test", ("k",), lambda n: f"code-{n}", 2).code for _ in range(2)] == ["code-1", "code-2"]
        with pytest.raises(SequenceExhausted) as exc:
            s.allocate("test", ("k",), lambda n: f"code-{n}", 2)
        assert is_bilingual(exc.value)  # type: ignore[arg-type]
        assert exc.value.message() == exc.value.zh and "(maximum 2)" in exc.value.message("en")
        # The refusal rolled back: the store is still usable and nothing moved.
        assert s.last("test", ("k",)) == 2 and s.check() == []
        assert s.allocate("test", ("k",), lambda n: f"code-{n}", 3).code == "code-3"


def test_recorded_codes_are_skipped_one_by_one(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as s:
        assert s.record("equipment_code", MAKER_KEY, "311010890202500001", 1) is True
        assert s.record("equipment_code", MAKER_KEY, "311010890202500001", 1) is False
        assert next_equipment_code(s, "3110", maker_code="10890", year=2025) == "311010890202500002"
        assert s.record("equipment_code", MAKER_KEY, "311010890202500003", 3) is True
        assert s.record("equipment_code", MAKER_KEY, "311010890202500004", 4) is True
        assert next_equipment_code(s, "3110", maker_code="10890", year=2025) == "311010890202500005"
        rows = [(i.sequence, i.origin) for i in s.issued("equipment_code", MAKER_KEY)]
        assert rows == [(1, "recorded"), (2, "allocated"), (3, "recorded"), (4, "recorded"), (5, "allocated")]
        assert all(len(i.issued_at) == 25 and i.issued_at.endswith("+00:00") for i in s.issued())


def test_issued_filters_by_kind_and_key_and_orders_by_sequence(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as s:
        s.record("b", ("x",), "b-x-2", 2)
        s.record("b", ("x",), "b-x-1", 1)
        s.record("a", ("x",), "a-x-1", 1)
        s.record("b", ("y",), "b-y-1", 1)
        assert [i.code for i in s.issued()] == ["a-x-1", "b-x-1", "b-x-2", "b-y-1"]
        assert [i.code for i in s.issued("b")] == ["b-x-1", "b-x-2", "b-y-1"]
        assert [i.code for i in s.issued(key=("x",))] == ["a-x-1", "b-x-1", "b-x-2"]
        assert [i.code for i in s.issued("b", ("x",))] == ["b-x-1", "b-x-2"]
        assert list(s.issued("c")) == []


def test_check_reports_a_counter_that_disagrees_with_the_codes(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store(path) as s:
        next_equipment_code(s, "3110", maker_code="10890", year=2025)
        assert s.check() == []
        s._db.execute("UPDATE counter SET last = 7")
        assert s.check() == ['counter equipment_code ["manufacturer","3110","10890","2025"] is 7, last allocated is 1']


# --- the three kinds of code --------------------------------------------------------------------------------------


def test_equipment_codes_count_per_form_variety_middle_and_year(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as s:
        assert next_equipment_code(s, "3110", maker_code="10890", year=2025) == "311010890202500001"
        assert next_equipment_code(s, "3110", division="433100", year=2025) == "311043310020250001"
        assert next_equipment_code(s, "3110", division="433100", year=2025) == "311043310020250002"
        assert s.last(equipment_code.KIND, MAKER_KEY) == 1
        assert s.last(equipment_code.KIND, AUTHORITY_KEY) == 2
        assert s.last(equipment_code.KIND, ("authority", "3110", "", "2025")) == 0


def test_legacy_registration_counts_per_class_division_and_month(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as s:
        assert next_legacy_registration(s, "3110", "350600", 2016, 5) == "31103506002016050001"
        assert next_legacy_registration(s, "3110", "350600", 2016, 6) == "31103506002016060001"
        assert s.last("legacy_registration", ("3110", "350600", "201605")) == 1


def test_registration_cert_serials_end_at_the_widths_largest(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as s:
        s.record("registration_cert", ("梯", "11", "闽", "E", "16"), "梯11闽E9998(16)", 9998)
        s._db.execute(  # stand-in for 9998 earlier allocations
            """INSERT INTO counter VALUES ('registration_cert', '["梯","11","闽","E","16"]', 9998)"""
        )
        assert next_registration_cert_serial(s, "梯", "3110", "闽", "E", 2016, width=4) == "梯11闽E9999(16)"
        with pytest.raises(SequenceExhausted):
            next_registration_cert_serial(s, "梯", "3110", "闽", "E", 2016, width=4)
        # Serial 10000 exists only at width 5: the space is the same, only its end moves.
        assert next_registration_cert_serial(s, "梯", "3110", "闽", "E", 2016, width=5) == "梯11闽E10000(16)"


def test_an_issued_code_compares_as_a_value(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as s:
        got = s.allocate("test", ("k", "l"), lambda n: f"code-{n}", 9)
    assert got == Issued("code-1", "test", ("k", "l"), 1, got.issued_at, "allocated")
