"""The sequence ledger: per channel, the packages received whole, in one SQLite file that is the only state.

Every call to :meth:`Ledger.record` is one ``BEGIN IMMEDIATE`` transaction: it takes the write lock, works out
the package's events from what the file holds, stores the package (when it is new) and the arrival with its
events, and commits. A process killed at any point leaves either the whole arrival or none of it, and several
processes recording at once queue on the lock instead of judging against the same state. WAL lets readers
(``sedata ledger show``) work while a run records; ``synchronous=FULL`` makes a recorded package survive a
power cut, so it is never taken for new after a restart.

How an arriving package is judged (the same rules whether the packages come in one run or many, since all state
is in the file):

1. its message id is known on the channel: the same sequence and digest → ``replay``; otherwise ``id-reused``.
   Nothing new is stored but the arrival.
2. else its sequence is known: a known package of that sequence has the same digest → ``resent``; otherwise
   ``conflict``. The package is stored (so a replay of it is recognised) but does not move the channel on.
3. else it is a new package of the channel (``accepted``): ``gap`` when its sequence is more than one above the
   highest so far (numbering starts at 1), ``late`` when below it, and ``same-content`` when it has records and
   an earlier package of the channel has the same digest.

A package that failed a check the receiver requires (not read whole, an error in its header, a signature that
did not verify) is only logged, by :meth:`Ledger.reject`: an arrival with the event ``rejected`` and the reasons,
no package row. It is never judged, so it cannot take a sequence number from the genuine package.

The ledger file is created readable by its owner only (0600): it records who sent what, and when.

Memory does not grow with the ledger: each judgement is a few indexed look-ups.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, TypeVar, cast

from sedata.elements import MessageHeader
from sedata.exchange.header import CHINA_STANDARD_TIME
from sedata.ledger.events import Channel, Earlier, EventKind, Package, SequenceEvent, Span, Standing

SCHEMA_VERSION = 1
"""``PRAGMA user_version`` of the ledgers this release writes; a ledger of a higher version is refused."""
APPLICATION_ID = 0x5345444C  # "SEDL": tells a sedata ledger from any other SQLite file
DEFAULT_TIMEOUT = 30.0

_SCHEMA = (
    """CREATE TABLE channel (
        id           INTEGER PRIMARY KEY,
        sender       TEXT NOT NULL,
        receiver     TEXT NOT NULL,
        message_type TEXT NOT NULL,
        UNIQUE (sender, receiver, message_type)
    )""",
    # One row per message id of a channel: its first content, how it was taken, and when and where first seen.
    """CREATE TABLE package (
        id             INTEGER PRIMARY KEY,
        channel        INTEGER NOT NULL REFERENCES channel (id),
        message_id     TEXT NOT NULL,
        sequence       INTEGER NOT NULL,
        digest         TEXT NOT NULL,
        record_count   INTEGER NOT NULL CHECK (record_count >= 0),
        mode           TEXT NOT NULL,
        created_at     TEXT NOT NULL,
        standing       TEXT NOT NULL CHECK (standing IN ('accepted', 'resent', 'conflict')),
        first_received TEXT NOT NULL,
        first_file     TEXT,
        UNIQUE (channel, message_id)
    )""",
    "CREATE INDEX package_sequence ON package (channel, sequence)",
    "CREATE INDEX package_digest ON package (channel, digest)",
    # The invariant the judgement rests on: one accepted package per sequence number of a channel.
    "CREATE UNIQUE INDEX package_accepted ON package (channel, sequence) WHERE standing = 'accepted'",
    # One row per package received whole, replays included, with the events it was given.
    """CREATE TABLE arrival (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        channel      INTEGER NOT NULL REFERENCES channel (id),
        package      INTEGER REFERENCES package (id),
        message_id   TEXT NOT NULL,
        sequence     INTEGER NOT NULL,
        digest       TEXT NOT NULL,
        record_count INTEGER NOT NULL,
        mode         TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        received_at  TEXT NOT NULL,
        file         TEXT,
        kinds        TEXT NOT NULL,
        events       TEXT NOT NULL
    )""",
    "CREATE INDEX arrival_channel ON arrival (channel, id)",
    "CREATE INDEX arrival_package ON arrival (package)",
)

ErrorCode = Literal["missing", "not-a-ledger", "newer-schema", "unusable"]
_T = TypeVar("_T")


class LedgerError(RuntimeError):
    """The ledger cannot be opened or used; ``code`` is stable, ``zh`` and ``en`` are for people."""

    def __init__(self, code: ErrorCode, zh: str, en: str):
        self.code, self.zh, self.en = code, zh, en
        super().__init__(f"[{code}] {zh} / {en}")


@dataclass(frozen=True, slots=True)
class Entry:
    """A package the ledger knows (one per message id of a channel) and how often it arrived."""

    package: Package
    standing: Standing
    first_received: str
    file: str | None
    arrivals: int


@dataclass(frozen=True, slots=True)
class Arrival:
    """One recorded arrival of a package received whole, with the events it was given then."""

    number: int
    package: Package
    received_at: str
    file: str | None
    events: tuple[SequenceEvent, ...]


@dataclass(frozen=True, slots=True)
class ChannelState:
    """A channel at a glance: packages accepted, highest sequence, numbers still missing, arrivals by event."""

    channel: Channel
    accepted: int
    highest: int
    missing: tuple[Span, ...]
    arrivals: int
    events: dict[str, int]


def _now() -> str:
    return dt.datetime.now(CHINA_STANDARD_TIME).isoformat(timespec="seconds")


class Ledger:
    """A sequence ledger in one SQLite file; ``create=False`` refuses a file that does not exist yet.

    One ``Ledger`` per thread: the connection is not shared between threads. Use it as a context manager.
    """

    def __init__(self, path: str | os.PathLike[str], *, create: bool = True, timeout: float = DEFAULT_TIMEOUT):
        self.path = Path(path)
        self._db = self._connect(create, timeout)
        try:
            self._prepare(create)
        except BaseException:
            self._db.close()
            raise

    # --- opening -----------------------------------------------------------------------------------
    def _connect(self, create: bool, timeout: float) -> sqlite3.Connection:
        where = str(self.path)
        if self.path.is_dir():
            raise LedgerError("not-a-ledger", f"{where} 是目录，不是账本文件", f"{where} is a folder, not a ledger")
        if not create and not self.path.exists():
            raise LedgerError("missing", f"账本 {where} 不存在", f"there is no ledger at {where}")
        try:
            if create:
                _create_private(self.path)
                db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
            else:
                # mode=rw: never create a file just to show that there is nothing in it.
                db = sqlite3.connect(self.path.resolve().as_uri() + "?mode=rw", timeout=timeout, uri=True)
                db.isolation_level = None
        except (sqlite3.Error, OSError) as exc:
            raise LedgerError(
                "unusable", f"无法打开账本 {where}：{exc}", f"cannot open the ledger {where}: {exc}"
            ) from exc
        # isolation_level=None: transactions are begun and ended explicitly (BEGIN IMMEDIATE / COMMIT).
        db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        return db

    def _identify(self) -> Literal["ledger", "empty"]:
        where = str(self.path)
        try:
            app = self._db.execute("PRAGMA application_id").fetchone()[0]
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            tables = self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise LedgerError(
                "not-a-ledger", f"{where} 不是账本文件（{exc}）", f"{where} is not a ledger file ({exc})"
            ) from exc
        if app == 0 and version == 0 and tables == 0:
            return "empty"
        if app != APPLICATION_ID:
            raise LedgerError(
                "not-a-ledger",
                f"{where} 是 SQLite 数据库，但不是 sedata 序号账本",
                f"{where} is an SQLite database but not a sedata sequence ledger",
            )
        if version > SCHEMA_VERSION:
            raise LedgerError(
                "newer-schema",
                f"账本 {where} 的结构版本为 {version}，本版本 sedata 只能读取 {SCHEMA_VERSION} 及以下版本，请升级",
                f"the ledger {where} has schema version {version}; this sedata reads up to {SCHEMA_VERSION}: upgrade",
            )
        return "ledger"

    def _prepare(self, create: bool) -> None:
        # Identify before changing anything: another program's database must not be switched to WAL.
        if self._identify() == "empty" and not create:
            raise LedgerError("not-a-ledger", f"{self.path} 是空文件，不是账本", f"{self.path} is empty, not a ledger")
        try:
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = FULL")
            self._db.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            raise self._unusable(exc) from exc
        if create:
            self._write(self._create)

    def _create(self) -> None:
        # Checked again under the write lock: another process may have created the ledger meanwhile.
        if self._identify() == "ledger":
            return
        for statement in _SCHEMA:
            self._db.execute(statement)
        self._db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # --- transactions ------------------------------------------------------------------------------
    def _unusable(self, exc: sqlite3.Error) -> LedgerError:
        return LedgerError(
            "unusable", f"账本 {self.path} 无法使用：{exc}", f"the ledger {self.path} cannot be used: {exc}"
        )

    def _run(self, begin: str, body: Callable[[], _T]) -> _T:
        try:
            self._db.execute(begin)
            try:
                result = body()
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise self._unusable(exc) from exc
        return result

    def _write(self, body: Callable[[], _T]) -> _T:
        return self._run("BEGIN IMMEDIATE", body)

    def _read(self, body: Callable[[], _T]) -> _T:
        # One read transaction: every look-up of a judgement sees the same state (WAL snapshot).
        return self._run("BEGIN", body)

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- judging and recording ---------------------------------------------------------------------
    def check(self, header: MessageHeader | Package) -> list[SequenceEvent]:
        """The events ``header``'s package would get if it were recorded now; the ledger is not changed."""
        package = Package.of(header)

        def body() -> list[SequenceEvent]:
            # A channel not in the ledger yet is judged as empty (its first package may still open a gap).
            return self._judge(self._channel_id(package.channel, create=False), package)[0]

        return self._read(body)

    def record(
        self,
        header: MessageHeader | Package,
        path: str | os.PathLike[str] | None = None,
        *,
        received_at: dt.datetime | None = None,
    ) -> list[SequenceEvent]:
        """Record an arrival of ``header``'s package and return its events (judged under the write lock).

        Call it only for a package read whole, its record count and digest verified against the header.
        """
        package = Package.of(header)
        file = None if path is None else os.path.abspath(os.fspath(path))
        when = _now() if received_at is None else received_at.isoformat(timespec="seconds")

        def body() -> list[SequenceEvent]:
            channel = self._channel_id(package.channel, create=True)
            assert channel is not None
            events, standing, row = self._judge(channel, package)
            if standing is not None:
                row = self._db.execute(
                    "INSERT INTO package (channel, message_id, sequence, digest, record_count, mode, created_at, "
                    "standing, first_received, first_file) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (channel, *_fields(package), standing, when, file),
                ).lastrowid
            self._db.execute(
                "INSERT INTO arrival (channel, package, message_id, sequence, digest, record_count, mode, created_at, "
                "received_at, file, kinds, events) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    channel,
                    row,
                    *_fields(package),
                    when,
                    file,
                    " ".join(e.kind for e in events),
                    json.dumps([e.to_data() for e in events], ensure_ascii=False, separators=(",", ":")),
                ),
            )
            return events

        return self._write(body)

    def reject(
        self,
        header: MessageHeader | Package,
        reasons: tuple[str, ...],
        path: str | os.PathLike[str] | None = None,
        *,
        received_at: dt.datetime | None = None,
    ) -> list[SequenceEvent]:
        """Log an arrival of a package that failed a required check (``reasons``): never judged, never a package
        of its channel, so it takes no sequence number (a forged package cannot displace the genuine one)."""
        package = Package.of(header)
        file = None if path is None else os.path.abspath(os.fspath(path))
        when = _now() if received_at is None else received_at.isoformat(timespec="seconds")
        events = [SequenceEvent("rejected", package.channel, package.message_id, package.sequence, reasons=reasons)]

        def body() -> list[SequenceEvent]:
            channel = self._channel_id(package.channel, create=True)
            self._db.execute(
                "INSERT INTO arrival (channel, package, message_id, sequence, digest, record_count, mode, created_at, "
                "received_at, file, kinds, events) VALUES (?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    channel,
                    *_fields(package),
                    when,
                    file,
                    "rejected",
                    json.dumps([e.to_data() for e in events], ensure_ascii=False, separators=(",", ":")),
                ),
            )
            return events

        return self._write(body)

    def _channel_id(self, channel: Channel, *, create: bool) -> int | None:
        args = (channel.sender, channel.receiver, channel.message_type)
        row = self._db.execute(
            "SELECT id FROM channel WHERE sender = ? AND receiver = ? AND message_type = ?", args
        ).fetchone()
        if row is not None:
            return int(row[0])
        if not create:
            return None
        return self._db.execute("INSERT INTO channel (sender, receiver, message_type) VALUES (?, ?, ?)", args).lastrowid

    def _earlier(self, where: str, args: tuple[Any, ...], limit: int = -1) -> list[tuple[int, Earlier, str]]:
        """Package rows of ``where`` in the order first received: row id, as an ``Earlier``, standing."""
        rows = self._db.execute(
            f"SELECT id, message_id, sequence, digest, first_received, first_file, standing FROM package "
            f"WHERE {where} ORDER BY id LIMIT ?",
            (*args, limit),
        ).fetchall()
        return [(r[0], Earlier(r[1], r[2], r[3], r[4], r[5]), r[6]) for r in rows]

    def _judge(self, channel: int | None, p: Package) -> tuple[list[SequenceEvent], Standing | None, int | None]:
        """The events of ``p``, how it would be stored (None: not stored again) and its package row if known.

        ``channel`` None (not in the ledger yet) matches no row: ``channel = NULL`` is never true.
        """

        def event(kind: EventKind, **kw: Any) -> SequenceEvent:
            return SequenceEvent(kind, p.channel, p.message_id, p.sequence, **kw)

        same_id = self._earlier("channel = ? AND message_id = ?", (channel, p.message_id))
        if same_id:
            row, seen, _ = same_id[0]
            if (seen.sequence, seen.digest) == (p.sequence, p.digest):
                return [event("replay", earlier=seen)], None, row
            return [event("id-reused", earlier=seen)], None, None
        same_sequence = self._earlier("channel = ? AND sequence = ?", (channel, p.sequence))
        if same_sequence:
            match = next((seen for _, seen, _ in same_sequence if seen.digest == p.digest), None)
            if match is not None:
                return [event("resent", earlier=match)], "resent", None
            # The accepted package holds the number; conflicting ones came after it.
            first = next(seen for _, seen, standing in same_sequence if standing == "accepted")
            return [event("conflict", earlier=first)], "conflict", None
        events: list[SequenceEvent] = []
        top = self._db.execute("SELECT max(sequence) FROM package WHERE channel = ?", (channel,)).fetchone()[0]
        highest = 0 if top is None else int(top)
        if p.sequence > highest + 1:
            events.append(event("gap", missing=((highest + 1, p.sequence - 1),), highest=highest))
        elif p.sequence < highest:
            events.append(event("late", highest=highest))
        if p.record_count > 0:  # every empty package has the same digest: nothing to compare
            same = self._earlier("channel = ? AND digest = ?", (channel, p.digest), limit=1)
            if same:
                events.append(event("same-content", earlier=same[0][1]))
        return events, "accepted", None

    # --- listing -----------------------------------------------------------------------------------
    def channels(self) -> list[ChannelState]:
        """Every channel with its packages accepted, highest sequence, missing numbers and arrivals by event."""

        def body() -> list[ChannelState]:
            out = []
            rows = self._db.execute(
                "SELECT id, sender, receiver, message_type FROM channel ORDER BY sender, receiver, message_type"
            ).fetchall()
            for cid, sender, receiver, message_type in rows:
                accepted, highest = self._db.execute(
                    "SELECT count(*), coalesce(max(sequence), 0) FROM package WHERE channel = ? "
                    "AND standing = 'accepted'",
                    (cid,),
                ).fetchone()
                counts: dict[str, int] = {}
                arrivals = 0
                for kinds, n in self._db.execute(
                    "SELECT kinds, count(*) FROM arrival WHERE channel = ? GROUP BY kinds", (cid,)
                ):
                    arrivals += n
                    for kind in kinds.split():
                        counts[kind] = counts.get(kind, 0) + n
                state = ChannelState(
                    Channel(sender, receiver, message_type),
                    accepted,
                    highest,
                    self._missing(cid),
                    arrivals,
                    dict(sorted(counts.items())),
                )
                out.append(state)
            return out

        return self._read(body)

    def _missing(self, channel: int) -> tuple[Span, ...]:
        # Numbering starts at 1, so the first span can open at 1 (lag's default 0).
        rows = self._db.execute(
            "SELECT prev + 1, sequence - 1 FROM (SELECT sequence, lag(sequence, 1, 0) OVER (ORDER BY sequence) "
            "AS prev FROM (SELECT DISTINCT sequence FROM package WHERE channel = ?)) WHERE sequence > prev + 1 "
            "ORDER BY sequence",
            (channel,),
        )
        return tuple((int(a), int(b)) for a, b in rows)

    def missing(self, channel: Channel) -> tuple[Span, ...]:
        """The sequence numbers of ``channel`` not received yet, below its highest one."""

        def body() -> tuple[Span, ...]:
            cid = self._channel_id(channel, create=False)
            return () if cid is None else self._missing(cid)

        return self._read(body)

    def packages(self, channel: Channel | None = None) -> list[Entry]:
        """The packages known (one per message id), by channel and sequence; only ``channel``'s when given."""
        sql = (
            "SELECT c.sender, c.receiver, c.message_type, p.message_id, p.sequence, p.digest, p.record_count, "
            "p.mode, p.created_at, p.standing, p.first_received, p.first_file, "
            "(SELECT count(*) FROM arrival a WHERE a.package = p.id) "
            "FROM package p JOIN channel c ON c.id = p.channel"
        )
        sql, args = _filtered(sql, channel)

        def body() -> list[Entry]:
            rows = self._db.execute(sql + " ORDER BY c.sender, c.receiver, c.message_type, p.sequence, p.id", args)
            return [
                Entry(
                    Package(Channel(r[0], r[1], r[2]), r[3], r[4], r[5], r[6], r[7], r[8]),
                    cast(Standing, r[9]),
                    r[10],
                    r[11],
                    r[12],
                )
                for r in rows
            ]

        return self._read(body)

    def arrivals(self, channel: Channel | None = None) -> list[Arrival]:
        """Every recorded arrival in the order received (replays included); only ``channel``'s when given."""
        sql = (
            "SELECT a.id, c.sender, c.receiver, c.message_type, a.message_id, a.sequence, a.digest, a.record_count, "
            "a.mode, a.created_at, a.received_at, a.file, a.events FROM arrival a JOIN channel c ON c.id = a.channel"
        )
        sql, args = _filtered(sql, channel)
        rows = self._read(lambda: self._db.execute(sql + " ORDER BY a.id", args).fetchall())
        return [
            Arrival(
                r[0],
                Package(Channel(r[1], r[2], r[3]), r[4], r[5], r[6], r[7], r[8], r[9]),
                r[10],
                r[11],
                tuple(SequenceEvent.from_data(e) for e in json.loads(r[12])),
            )
            for r in rows
        ]

    def integrity(self) -> list[str]:
        """Problems found by SQLite's integrity check and the ledger's own invariants (empty when sound)."""

        def body() -> list[str]:
            problems = [str(r[0]) for r in self._db.execute("PRAGMA integrity_check") if r[0] != "ok"]
            problems += [f"foreign key: {tuple(r)}" for r in self._db.execute("PRAGMA foreign_key_check")]
            for (message_id,) in self._db.execute(
                "SELECT p.message_id FROM package p WHERE NOT EXISTS (SELECT 1 FROM arrival a WHERE a.package = p.id)"
            ):
                problems.append(f"package {message_id} has no arrival")
            return problems

        return self._read(body)


def _create_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it does not exist (SQLite would create it 0644 under the usual
    umask; its -wal and -shm files take the database file's mode). Never follows a symbolic link to create."""
    if path.is_symlink() and not path.exists():
        raise OSError(errno.ENOENT, "指向不存在文件的符号链接 / a symbolic link to nothing", str(path))
    if path.exists():
        return
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        os.close(os.open(path, flags, 0o600))
    except FileExistsError:
        pass  # another process created it meanwhile (or it is a dangling link, which SQLite then refuses)


def _fields(p: Package) -> tuple[str, int, str, int, str, str]:
    return (p.message_id, p.sequence, p.digest, p.record_count, p.mode, p.created_at)


def _filtered(sql: str, channel: Channel | None) -> tuple[str, tuple[str, ...]]:
    if channel is None:
        return sql, ()
    return (
        sql + " WHERE c.sender = ? AND c.receiver = ? AND c.message_type = ?",
        (channel.sender, channel.receiver, channel.message_type),
    )
