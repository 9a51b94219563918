"""The screen reading a batch in columns (a regular expression proves each line canonical) against the screen
parsing it line by line with orjson: it flags every row the row path flags, on lines mutated where the proof
is delicate (escapes, non-ASCII text, numbers as strings and strings as numbers, fractions, repeated, null,
unknown or reordered members, spaces), and on clean lines it flags none, so it is not blind and not idle.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import orjson
from hypothesis import event, given, settings
from hypothesis import strategies as st

from sedata import exchange as X
from sedata.columnar.engine import plan_of
from sedata.columnar.read import LineBatch, line_batches
from sedata.columnar.screen import Plan, Screened, _screen_columns, _screen_rows
from sedata.exchange.records import Record
from sedata.sample.generator import sample_records
from sedata.spec import current
from sedata.spec.envelope import VERSION_SEPARATOR
from sedata.validate.engine import FileRun
from sedata.validate.layers.crossfile import key_text

TODAY = dt.date(2030, 1, 1)
SENDER, RECEIVER = "91310115MA1K3BTP2B", "91110000600037341L"


@cache
def _sample() -> tuple[Plan, list[bytes]]:
    """The plan of a clean inspection upload (change set) and its record lines."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.jsonl"
        records = [r for r, _ in sample_records("inspection-upload", 40, seed=3, mode="changes")]
        X.write(path, records, message_type="inspection-upload", sender=SENDER, receiver=RECEIVER, mode="changes")
        run = FileRun(path, current(), "error", None, TODAY)
        assert run.open() and run.reader is not None
        with run.reader:
            plan = plan_of(run)
            lines = [line for batch in line_batches(run.reader.file, run.reader._offset, 2) for line in batch.lines]
    return plan, lines


def _both(plan: Plan, lines: list[bytes]) -> tuple[Screened | None, Screened]:
    """The batch screened in columns (None: left line by line), and line by line."""
    batch = LineBatch(lines, [0] * len(lines), 2)
    assert plan.layout is not None
    return _screen_columns(batch, plan, plan.layout), _screen_rows(batch, plan)


def test_clean_lines_pass_in_columns_as_line_by_line() -> None:
    plan, lines = _sample()
    cols, rows = _both(plan, lines)
    assert cols is not None, "a batch of objects with members of the expected shapes is read in columns"
    assert not any(rows.flagged)
    assert cols.flagged == rows.flagged
    assert cols.keys == rows.keys
    # What the key index reads of a row keyed in bulk is what the row path hands over of it.
    for kind, datas in cols.datas.items():
        assert [{n: d.get(n) for n in plan.read.get(kind, ())} for d in rows.datas[kind]] == datas
    assert all(cols.object(i, raw) == orjson.loads(raw) for i, raw in enumerate(lines))


def _members(line: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    obj = orjson.loads(line)
    return obj, obj["data"]


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=6)


@st.composite
def _mutated(draw: st.DrawFn, line: bytes) -> bytes:
    """``line`` changed in one place where a canonical line differs from JSON read loosely."""
    obj, data = _members(line)
    name = draw(st.sampled_from(sorted(data)))
    how = draw(
        st.sampled_from(
            [
                "escape",
                "text",
                "as-number",
                "int-as-string",
                "fraction",
                "repeat",
                "null",
                "unknown",
                "swap",
                "space",
                "nested",
                "bool",
                "big",
                "envelope",
            ]
        )
    )
    value = data[name]
    raw = line.decode()
    member = orjson.dumps(name).decode() + ":" + orjson.dumps(value).decode()
    if how == "escape" and isinstance(value, str) and value:
        # The same value written with an escape: equal once parsed, not canonical.
        first = value[0]
        escaped = orjson.dumps(name).decode() + ':"' + f"\\u{ord(first):04x}" + orjson.dumps(value[1:]).decode()[1:]
        return raw.replace(member, escaped, 1).encode()
    if how == "text" and isinstance(value, str):
        data[name] = value + draw(_TEXT)  # quotes, backslashes, controls come out escaped; other text raw
    elif how == "as-number" and isinstance(value, str) and value.isdigit():
        return raw.replace(member, orjson.dumps(name).decode() + ":" + value, 1).encode()
    elif how == "int-as-string" and isinstance(obj.get("recordVersion"), int):
        return raw.replace('"recordVersion":1', '"recordVersion":"1"', 1).encode()
    elif how == "fraction":
        written = draw(st.sampled_from(["1.0", "1e0", "-0", "01", "1.5"]))
        return raw.replace('"recordVersion":1', '"recordVersion":' + written, 1).encode()
    elif how == "repeat":
        return raw.replace(member, member + "," + member, 1).encode()
    elif how == "null":
        data[name] = None
    elif how == "unknown":
        data["notAMember"] = draw(_TEXT)
    elif how == "swap" and len(data) > 1:
        items = list(data.items())
        i = draw(st.integers(0, len(items) - 2))
        items[i], items[i + 1] = items[i + 1], items[i]
        obj["data"] = dict(items)
    elif how == "space":
        return raw.replace(member, member.replace(":", ": ", 1), 1).encode()
    elif how == "nested":
        data[name] = {"value": value}
    elif how == "bool":
        data[name] = draw(st.booleans())
    elif how == "big":
        data[name] = draw(st.sampled_from([2**63, -(2**63) - 1, 2**64 + 5]))
    elif how == "envelope":
        obj["operation"] = draw(st.sampled_from(["delete", "merge", "", "add "]))
    try:
        return orjson.dumps(obj)
    except orjson.JSONEncodeError:  # an integer orjson does not write: the standard library's line
        import json

        return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


@settings(max_examples=60, deadline=None)  # about 4 s on a loaded 2-core machine
@given(data=st.data())
def test_columns_flag_every_row_the_row_path_flags(data: st.DataObject) -> None:
    plan, lines = _sample()
    # Lines the batch holds once only: the row path flags both rows of a repeated key, the column path only the
    # one it cannot read (the other's key is then held back from the bulk index, so the index reports the repeat).
    sources = data.draw(st.lists(st.sampled_from(lines[10:]), min_size=1, max_size=3, unique=True))
    mutated = [data.draw(_mutated(line)) for line in sources]
    batch = [*lines[:5], *mutated, *lines[5:10]]
    cols, rows = _both(plan, batch)
    event("read in columns" if cols is not None else "left line by line")
    if cols is None:
        return  # a member of a shape the column reader refuses (an object for a text): the row path screens it
    missed = [i for i, (c, r) in enumerate(zip(cols.flagged, rows.flagged, strict=True)) if r and not c]
    assert not missed, [batch[i] for i in missed]
    for i, raw in enumerate(batch):
        if not cols.flagged[i]:
            # What an unflagged row stands for: the line is the canonical line of what it parses to.
            assert orjson.dumps(orjson.loads(raw)) == raw
    # A key handed over in bulk is its row's key as the index makes it, and no other row of the batch has it.
    made: list[str | None] = []
    for raw in batch:
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError:
            made.append(None)
            continue
        es = plan.screens.get(obj.get("recordType"))
        record = Record(obj.get("recordType"), obj.get("data"), key=obj.get("recordKey"))
        text = key_text(es.key_names, record) if es is not None else None
        version = obj.get("recordVersion")
        made.append(text if text is None or version is None else f"{text}{VERSION_SEPARATOR}{version}")
    for where, keys in cols.keys.values():
        for i, key in zip(where, keys, strict=True):
            assert made[i] == key and made.count(key) == 1, (batch[i], key)


def test_a_batch_the_columns_cannot_take_goes_line_by_line() -> None:
    """A blank line (the column reader would skip it) and a line that is no object leave the batch to orjson."""
    plan, lines = _sample()
    assert plan.layout is not None
    for odd in (b"", b"  ", b"[1]", b"{", b"\xff"):
        batch = LineBatch([*lines[:3], odd, *lines[3:6]], [0] * 7, 2)
        cols, rows = _screen_columns(batch, plan, plan.layout), _screen_rows(batch, plan)
        if cols is not None:  # read after all: the odd line is flagged, told blank or opaque as line by line
            assert cols.flagged == rows.flagged and cols.blank == rows.blank and cols.opaque == rows.opaque


def _readings(plan: Plan, optional: int | None) -> dict[str, Any]:
    """The plan's readings with the first ``optional`` members of each record type made optional (None: all)."""
    import dataclasses

    from sedata.columnar.screen import _layout

    screens = {}
    for kind, es in plan.screens.items():
        order = (
            [name for name, _ in plan.layout.kinds[kind].fields] if plan.layout and kind in plan.layout.kinds else []
        )
        loosened = set(order if optional is None else order[:optional])
        screens[kind] = dataclasses.replace(
            es,
            fields=[
                dataclasses.replace(fs, shape=dataclasses.replace(fs.shape, mandatory=False))
                if fs.shape.name in loosened
                else fs
                for fs in es.fields
            ],
            lists=[
                dataclasses.replace(ls, shape=dataclasses.replace(ls.shape, mandatory=False))
                if ls.shape.name in loosened
                else ls
                for ls in es.lists
            ],
        )
    kinds = tuple(sorted(plan.layout.kinds)) if plan.layout else ()
    layout = _layout(plan.spec, screens, plan.names, kinds, frozenset(plan.operations) - {plan.delete}, plan.changes)
    assert layout is not None
    return {kind: (reading, screens[kind]) for kind, reading in layout.kinds.items()}


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_proof_anchored_on_a_mandatory_member_proves_what_the_comma_proof_does(data: st.DataObject) -> None:
    """The proof that matches a line as it is (members before the first mandatory one end with a comma, those
    after it start with one) accepts exactly the lines the proof on a copy with a comma put after ``"data":{``
    accepts that hold that member: the same canonical lines, none more."""
    import polars as pl

    from sedata.columnar.screen import _RAW

    plan, lines = _sample()
    line = data.draw(st.sampled_from(lines))
    obj, members = _members(line)
    dropped = data.draw(st.sets(st.sampled_from(sorted(members))))
    obj["data"] = {k: v for k, v in members.items() if k not in dropped}
    made = orjson.dumps(obj)
    if data.draw(st.booleans()) and obj["data"]:
        made = data.draw(_mutated(made))
    optional = data.draw(st.integers(0, 4))
    comma = _readings(plan, None)
    anchored = _readings(plan, optional)
    frame = pl.DataFrame({_RAW: [made.decode()]})
    kind = obj["recordType"]
    reading, es = anchored[kind]
    first = next(
        name for name, _ in reading.fields if any(f.shape.name == name and f.shape.mandatory for f in es.fields)
    )
    assert "(?:," not in reading.pattern.split(first, 1)[0]  # members before it are matched as "m,"
    got = frame.select(reading.proof).item()
    base = frame.select(comma[kind][0].proof).item()
    try:
        present = first in orjson.loads(made).get("data", {})
    except (orjson.JSONDecodeError, AttributeError):
        present = False
    assert got == (base and present), made
    if got:
        assert orjson.dumps(orjson.loads(made)) == made


def test_a_value_shared_by_record_types_is_refused_in_each() -> None:
    """An equipment code is checked once on the distinct values of the equipment and inspection rows together
    (when its values are mostly new): a wrong code in either record type flags its row, and only that row."""
    from sedata.columnar.screen import _same_checks

    plan, lines = _sample()
    same = _same_checks(plan.screens)
    code = {
        kind: next(fs for fs in plan.screens[kind].fields if fs.shape.name == "equipmentCode")
        for kind in ("Equipment", "Inspection")
    }
    assert same[id(code["Equipment"])] == same[id(code["Inspection"])]
    inspection = next(i for i, line in enumerate(lines) if orjson.loads(line)["recordType"] == "Inspection")
    obj = orjson.loads(lines[inspection])
    obj["data"]["equipmentCode"] = "ZZZZ" + obj["data"]["equipmentCode"][4:]  # the pattern's shape, no variety
    batch = list(lines)
    batch[inspection] = orjson.dumps(obj)
    fields = [fs for es in plan.screens.values() for fs in es.fields if fs.vector]
    try:
        for probe in (3, 0):  # checked on the batch's values, then looked up among remembered verdicts
            for fs in fields:
                fs.probe = probe
            cols, rows = _both(plan, batch)
            assert cols is not None
            assert [i for i, f in enumerate(cols.flagged) if f] == [inspection]
            assert cols.flagged == rows.flagged
    finally:
        for fs in fields:
            fs.probe = 0
