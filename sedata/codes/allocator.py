"""A durable sequence allocator: the next free sequence number for a key, never the same code twice.

The store is one SQLite file. Each allocation is one ``BEGIN IMMEDIATE`` transaction that reads the
key's counter, writes the issued code into a table with UNIQUE constraints and moves the counter, then
commits: the code and the counter are stored together or not at all, so a process killed in the middle
leaves no half allocation. ``BEGIN IMMEDIATE`` takes the write lock before reading, so processes that
allocate at once queue on the lock (busy timeout) instead of reading the same counter. WAL journaling lets
readers work while one process writes, and ``synchronous=FULL`` makes a commit survive a power loss —
a code already handed out must never be handed out again.

Codes issued elsewhere can be recorded (:meth:`Store.record`) so that allocation skips them.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from sedata.codes import equipment_code, legacy_registration, registration_cert

SCHEMA_VERSION = "1"
DEFAULT_TIMEOUT = 30.0
APPLICATION_ID = 0x53454441  # "SEDA": tells an allocation store from any other SQLite file (a ledger is "SEDL")
_TABLES = frozenset({"meta", "counter", "issued"})

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS counter (
    kind TEXT NOT NULL,
    key  TEXT NOT NULL,
    last INTEGER NOT NULL CHECK (last >= 0),
    PRIMARY KEY (kind, key)
);
CREATE TABLE IF NOT EXISTS issued (
    code      TEXT NOT NULL UNIQUE,
    kind      TEXT NOT NULL,
    key       TEXT NOT NULL,
    sequence  INTEGER NOT NULL,
    issued_at TEXT NOT NULL,
    origin    TEXT NOT NULL CHECK (origin IN ('allocated', 'recorded')),
    UNIQUE (kind, key, sequence)
);
"""


class AllocationError(RuntimeError):
    """Allocation failed (sequence space exhausted, store unusable); ``zh`` and ``en`` hold the message."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en
        super().__init__(f"{zh} / {en}")

    def message(self, lang: str = "zh") -> str:
        """The message in one language (``zh`` or ``en``)."""
        return self.zh if lang == "zh" else self.en


class SequenceExhausted(AllocationError):
    """Every sequence number of a key has been issued."""


@dataclass(frozen=True)
class Issued:
    """One code in the store."""

    code: str
    kind: str
    key: tuple[str, ...]
    sequence: int
    issued_at: str
    origin: str


def _key_text(key: Sequence[str]) -> str:
    # JSON keeps the parts of a key apart whatever characters they hold.
    return json.dumps([str(k) for k in key], ensure_ascii=False, separators=(",", ":"))


def default_store_path() -> Path:
    """The per-user store used when none is named: ``$XDG_DATA_HOME/sedata/codes.sqlite3`` (XDG base directory
    specification; ``~/.local/share`` when unset). Never the current folder: two folders would issue one code."""
    base = os.environ.get("XDG_DATA_HOME") or ""
    root = Path(base) if os.path.isabs(base) else Path.home() / ".local" / "share"  # relative values are ignored
    return root / "sedata" / "codes.sqlite3"


def _create_private(path: Path) -> None:
    """Create the store file empty with mode 0600 (its -wal and -shm files take its mode), never through a link."""
    if path.is_symlink() and not path.exists():
        raise OSError(errno.ENOENT, "a symbolic link to nothing", str(path))
    if path.exists():
        return
    if path == default_store_path():  # the per-user folder is made on first use; a named store's must exist
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600))
    except FileExistsError:
        pass  # made by another process meanwhile


class Store:
    """The allocation store in one SQLite file (created on first use, readable by its owner only)."""

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = DEFAULT_TIMEOUT):
        self.path = Path(path)
        try:
            _create_private(self.path)
        except OSError as exc:
            raise AllocationError(
                f"无法创建分配库 {self.path}：{exc.strerror}",
                f"cannot create the allocation store {self.path}: {exc.strerror}",
            ) from exc
        try:
            # isolation_level=None: transactions are begun and ended explicitly (BEGIN IMMEDIATE / COMMIT).
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
            self._db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            # Identify before changing anything: another program's database must not be switched to WAL.
            self._identify()
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = FULL")
            self._transaction(lambda: self._create())
        except sqlite3.DatabaseError as exc:
            raise AllocationError(
                f"无法打开分配库 {self.path}：{exc}", f"cannot open the allocation store {self.path}: {exc}"
            ) from exc

    def _identify(self) -> None:
        """Refuse an SQLite file that is neither empty nor an allocation store (a ledger, another program's)."""
        app = self._db.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if app == APPLICATION_ID or (app == 0 and not tables):
            return
        # Stores made before the application id was set hold exactly our tables and a schema row.
        if app == 0 and tables == _TABLES:
            row = self._db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
            if row is not None:
                return
        raise AllocationError(
            f"{self.path} 是 SQLite 数据库，但不是分配库，拒绝改动它",
            f"{self.path} is an SQLite database but not an allocation store: left untouched",
        )

    def _create(self) -> None:
        # One statement at a time: executescript() would commit the open transaction first.
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                self._db.execute(statement)
        row = self._db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
        self._db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        if row is None:
            self._db.execute("INSERT INTO meta (name, value) VALUES ('schema', ?)", (SCHEMA_VERSION,))
        elif row[0] != SCHEMA_VERSION:
            raise AllocationError(
                f"分配库结构版本为 {row[0]}，本程序需要 {SCHEMA_VERSION}",
                f"the store has schema version {row[0]}, this sedata needs {SCHEMA_VERSION}",
            )

    def _transaction(self, body: Callable[[], object]) -> None:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            body()
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _bump(self, kind: str, key: str, last: int) -> None:
        self._db.execute(
            "INSERT INTO counter (kind, key, last) VALUES (?, ?, ?) "
            "ON CONFLICT (kind, key) DO UPDATE SET last = excluded.last",
            (kind, key, last),
        )

    def allocate(
        self,
        kind: str,
        key: Sequence[str],
        build: Callable[[int], str],
        max_sequence: int,
        *,
        first: int = 1,
    ) -> Issued:
        """Issue the next free sequence of ``key`` (from ``first``); ``build`` turns it into the code."""
        key_text = _key_text(key)
        result: list[Issued] = []

        def body() -> None:
            row = self._db.execute("SELECT last FROM counter WHERE kind = ? AND key = ?", (kind, key_text)).fetchone()
            n = max(first, (row[0] if row else 0) + 1)
            now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            while True:
                if n > max_sequence:
                    raise SequenceExhausted(
                        f"{kind} {'/'.join(key)} 的顺序号已用尽（最大 {max_sequence}）；"
                        "超出后以字母代替的规则未经证实，不予分配",
                        f"the sequence of {kind} {'/'.join(key)} is exhausted (maximum {max_sequence}); the letter "
                        "overflow rule is unconfirmed, so nothing further is issued",
                    )
                code = build(n)
                cur = self._db.execute(
                    "INSERT INTO issued (code, kind, key, sequence, issued_at, origin) "
                    "VALUES (?, ?, ?, ?, ?, 'allocated') ON CONFLICT DO NOTHING",
                    (code, kind, key_text, n, now),
                )
                if cur.rowcount == 1:
                    break
                n += 1  # taken: recorded from elsewhere, so the next number is the next free one
            self._bump(kind, key_text, n)
            result.append(Issued(code, kind, tuple(key), n, now, "allocated"))

        self._transaction(body)
        return result[0]

    def record(self, kind: str, key: Sequence[str], code: str, sequence: int) -> bool:
        """Record a code issued elsewhere so it is never allocated; False when it is already in the store."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        added: list[bool] = []

        def body() -> None:
            cur = self._db.execute(
                "INSERT INTO issued (code, kind, key, sequence, issued_at, origin) "
                "VALUES (?, ?, ?, ?, ?, 'recorded') ON CONFLICT DO NOTHING",
                (code, kind, _key_text(key), sequence, now),
            )
            added.append(cur.rowcount == 1)

        self._transaction(body)
        return added[0]

    def last(self, kind: str, key: Sequence[str]) -> int:
        """The last sequence allocated for ``key`` (0 when none)."""
        row = self._db.execute("SELECT last FROM counter WHERE kind = ? AND key = ?", (kind, _key_text(key))).fetchone()
        return int(row[0]) if row else 0

    def issued(self, kind: str | None = None, key: Sequence[str] | None = None) -> Iterator[Issued]:
        """Every code in the store (of ``kind`` / ``key`` when given), in sequence order."""
        sql = "SELECT code, kind, key, sequence, issued_at, origin FROM issued"
        where, args = [], []
        if kind is not None:
            where.append("kind = ?")
            args.append(kind)
        if key is not None:
            where.append("key = ?")
            args.append(_key_text(key))
        if where:
            sql += " WHERE " + " AND ".join(where)
        for code, k, key_text, seq, at, origin in self._db.execute(sql + " ORDER BY kind, key, sequence", args):
            yield Issued(code, k, tuple(json.loads(key_text)), seq, at, origin)

    def check(self) -> list[str]:
        """Problems found by SQLite's integrity check and the counter invariant (empty when sound)."""
        problems = [r[0] for r in self._db.execute("PRAGMA integrity_check") if r[0] != "ok"]
        for kind, key, last, top in self._db.execute(
            "SELECT c.kind, c.key, c.last, (SELECT max(sequence) FROM issued i "
            "WHERE i.kind = c.kind AND i.key = c.key AND i.origin = 'allocated') FROM counter c"
        ):
            if top != last:
                problems.append(f"counter {kind} {key} is {last}, last allocated is {top}")
        return problems


def next_equipment_code(
    store: Store,
    variety: str,
    *,
    year: int,
    maker_code: str | None = None,
    division: str | None = None,
    on: dt.date | None = None,
) -> str:
    """Allocate the next equipment code for (variety, maker code or division, year)."""
    form: equipment_code.Form = "manufacturer" if maker_code is not None else "authority"
    middle = maker_code if maker_code is not None else division or ""
    variety = equipment_code.compact(variety)
    middle = equipment_code.compact(middle)
    # Check the parts once outside the lock, so bad input fails fast without touching the store.
    equipment_code.generate(variety, maker_code=maker_code, division=division, year=year, sequence=1, on=on)

    def build(n: int) -> str:
        return equipment_code.generate(variety, maker_code=maker_code, division=division, year=year, sequence=n, on=on)

    key = (form, variety, middle, str(year))
    return store.allocate(equipment_code.KIND, key, build, equipment_code.max_sequence(form)).code


def next_legacy_registration(store: Store, class_code: str, division: str, year: int, month: int) -> str:
    """Allocate the next 20-digit registration code for (class, division, year-month)."""
    class_code = legacy_registration.compact(class_code)
    legacy_registration.generate(class_code, division, year, month, 1)

    def build(n: int) -> str:
        return legacy_registration.generate(class_code, division, year, month, n)

    key = (class_code, division, f"{year:04d}{month:02d}")
    return store.allocate(legacy_registration.KIND, key, build, legacy_registration.max_sequence()).code


def next_registration_cert_serial(
    store: Store,
    category: str,
    variety: str,
    province: str,
    city: str,
    year: int,
    *,
    width: int = registration_cert.DEFAULT_SERIAL_WIDTH,
) -> str:
    """Allocate the next serial for (category, variety digits, province, city, year) and return the full number."""
    registration_cert.generate(category, variety, province, city, 1, year, width=width)

    def build(n: int) -> str:
        return registration_cert.generate(category, variety, province, city, n, year, width=width)

    # The number carries only the variety's digits 2-3, so those (not the variety) share one serial space;
    # the width is not part of the key: serial 19 is the same serial whether printed 0019 or 00019.
    digits = variety.strip().upper()[registration_cert.VARIETY_DIGITS]
    key = (category, digits, province, city.strip().upper(), f"{year % 100:02d}")
    return store.allocate(registration_cert.KIND, key, build, 10**width - 1).code
