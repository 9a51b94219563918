"""Memory grows with the number of distinct keys, not with the number of records (issue 6, part 5).

Measured with tracemalloc (every allocation of the index, its arrays and kept strings), on generated keys. The
bounds are the README's figures with head room; the Python ``dict`` of tuples they replace costs about 210 bytes
a key.
"""

from __future__ import annotations

import datetime as dt
import gc
import tracemalloc
from collections.abc import Callable, Iterator

from sedata.crossfile import KeyTable
from sedata.exchange import Record
from sedata.validate.context import Where
from sedata.validate.layers.consistency import Reconciler
from sedata.validate.layers.crossfile import CrossRecord

from .conftest import SPEC

KEYTABLE_BYTES = 64  # an 18-character equipment code: 18 bytes of text + 8 hash + 8 offset + 8-16 slot
CROSS_RECORD_BYTES = 100  # a key with its first location, plus the device's entry in the reference targets
DEVICE_BYTES = 450  # both sides' latest values, dates, locations, and the latest inspection's report number

USERS = [(f"漳州市第{i}物业服务有限公司", f"91350602MA2XP3KC{i:02d}") for i in range(40)]


def device_records(n: int, start: int = 0) -> Iterator[tuple[str, Record]]:
    """Per device: its registry record, the inspection body's Equipment record and one inspection."""
    for i in range(start, start + n):
        code = f"3110{i:014d}"
        name, unit = USERS[i % len(USERS)]
        eq = {
            "equipmentCode": code,
            "registrationCertNo": f"梯11闽E{i % 99999:05d}({16 + i % 9})",
            "userUnitName": name,
            "userUnitCode": unit,
            "useStatus": "2",
            "registrationStatus": "1",
        }
        day = dt.date(2025, 1, 1) + dt.timedelta(days=i % 365)
        inspection = {
            "reportNo": f"ZZ{day.year}FTC{i:08d}",
            "equipmentCode": code,
            "registrationCertNo": eq["registrationCertNo"],
            "inspectionKind": "定期检验",
            "inspectionDate": day.isoformat(),
            "nextInspectionDate": (day + dt.timedelta(days=365)).isoformat(),
        }
        yield "reg.jsonl", Record("Equipment", eq, index=i, line=i + 2)
        yield "ins.jsonl", Record("Equipment", dict(eq), index=2 * i, line=2 * i + 2)
        yield "ins.jsonl", Record("Inspection", inspection, index=2 * i + 1, line=2 * i + 3)


def traced(build: Callable[[], object], feed: Callable[[object], None]) -> int:
    """Bytes still allocated after ``feed`` filled what ``build`` made (input records are freed as they go)."""
    gc.collect()
    tracemalloc.start()
    try:
        made = build()
        before = tracemalloc.get_traced_memory()[0]
        feed(made)
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_key_table_bytes_per_key() -> None:
    keys = 50_000

    def feed(table: object) -> None:
        assert isinstance(table, KeyTable)
        for i in range(keys):
            table.add(f"3110{i:014d}")

    used = traced(KeyTable, feed)
    assert used / keys < KEYTABLE_BYTES, used / keys


def reconciler_bytes(devices: int, rounds: int = 1) -> float:
    def build() -> Reconciler:
        layer = Reconciler(SPEC, dt.date(2026, 1, 1))
        layer.begin_file("reg.jsonl", "registration")
        layer.begin_file("ins.jsonl", "inspection")
        return layer

    def feed(layer: object) -> None:
        assert isinstance(layer, Reconciler)
        for _ in range(rounds):
            for file, record in device_records(devices):
                layer.observe(file, record)
        assert len(layer.devices) == devices

    return traced(build, feed) / devices


def test_reconciler_bytes_per_device_and_not_per_record() -> None:
    once = reconciler_bytes(6 * 4096)  # whole blocks of the columns: no half-used block inflates the figure
    assert once < DEVICE_BYTES, once
    # The same devices sent three times (three times the records): the state does not grow. (8192 devices fill
    # whole blocks of the columns, so no block is half used in one case and not the other.)
    assert reconciler_bytes(8192, rounds=3) <= reconciler_bytes(8192) * 1.02


def test_cross_record_index_bytes_per_key() -> None:
    records = 0

    def build() -> CrossRecord:
        layer = CrossRecord(SPEC)
        layer.begin_file("ins.jsonl", "inspection-upload")
        return layer

    def feed(layer: object) -> None:
        nonlocal records
        assert isinstance(layer, CrossRecord)
        for file, record in device_records(25_000):  # 50,000 keys: 25,000 Equipment and 25,000 Inspection
            if file == "ins.jsonl":
                records += 1
                where = Where(line=record.line, index=record.index, record_type=record.type)
                layer.observe(file, record, where)

    used = traced(build, feed)
    assert used / records < CROSS_RECORD_BYTES, used / records
