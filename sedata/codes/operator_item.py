"""特种设备作业人员作业项目代号 (operator item codes), keyed by table version (domain.md §4).

The same code means different things in the 2011 and 2019 tables (2011 G2 二级锅炉司炉, 2019 G2 电站锅炉司炉),
so every call names its table (default 2019). A certificate may restrict an item, written
``Q2(限桥式起重机)`` (2019 table, 注3): that parses into the item and its restriction, read against the
``operator-item-restriction`` code set. Items, categories and restrictions all come from the spec.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sedata.codes import _tables
from sedata.codes._base import (
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    Note,
    Parsed,
    Segment,
    Status,
    ValidationError,
    as_text,
)
from sedata.spec import current
from sedata.spec.model import CodeEntry, CodeSet

KIND = "operator_item"
CODESET = "operator-item"
RESTRICTIONS = "operator-item-restriction"
DEFAULT_TABLE = "2019"

# An item code, optionally followed by a bracketed restriction. Item codes are letters and digits in
# both tables; the exact codes are checked against the spec, this only splits the text.
_SHAPE = re.compile(r"(?P<item>[0-9A-Z]+)(?P<restriction>\((?P<text>[^()]+)\))?")


@dataclass(frozen=True)
class Item:
    """An operator item of one table: its code, name and the category (种类) it belongs to."""

    table: str
    code: str
    name: str
    en: str | None
    category_code: str | None
    category: str | None
    status: Status | None
    note: str | None


def _table(table: str) -> CodeSet:
    versions = current().codesets[CODESET]
    if table not in versions:
        known = "、".join(sorted(versions))
        raise InvalidComponent(
            f"未知的作业项目表 {table}（已知：{known}）",
            f"unknown operator item table {table} (known: {', '.join(sorted(versions))})",
        )
    return versions[table]


def tables() -> list[str]:
    """The operator item table versions the spec holds, oldest first."""
    return [cs.version for cs in current().codeset_versions(CODESET)]


def max_code_length() -> int:
    """The longest item code of any table version (``Q10``), from the spec."""
    return max(
        len(e.code) for cs in current().codesets[CODESET].values() for e in cs.entries if e.level == _item_level(cs)
    )


def compact(s: str) -> str:
    """Without spaces, full-width brackets and letters made ASCII, the item code upper case."""
    s = as_text(s)
    text = re.sub(r"\s", "", unicodedata.normalize("NFKC", s))
    m = re.match(r"[0-9A-Za-z]+", text)
    return text if m is None else m.group(0).upper() + text[m.end() :]


def _item_level(cs: CodeSet) -> str | None:
    # Items are the deepest level of the table (种类 above them are numbered rows, not certificate codes).
    return cs.levels[-1] if cs.levels else None


def lookup(code: str, table: str = DEFAULT_TABLE) -> Item:
    """The item ``code`` of ``table`` with its category; InvalidComponent when the table has no such item."""
    cs = _table(table)
    code = compact(code)
    e = _tables.find(cs, code)
    if e is None or e.level != _item_level(cs):
        items = "、".join(x.code for x in cs.entries if x.level == _item_level(cs))
        raise InvalidComponent(
            f"{table}年作业项目表中没有项目代号 {code}（有：{items}）",
            f"the {table} operator item table has no item {code} (it has: {items.replace('、', ', ')})",
            position=0,
            segment="item",
        )
    parent: CodeEntry | None = _tables.find(cs, e.parent) if e.parent else None
    return Item(table, e.code, e.zh, e.en, e.parent, parent.zh if parent else None, e.status, e.note)


def _restriction_sets(table: str) -> list[CodeSet]:
    return [cs for cs in current().codesets.get(RESTRICTIONS, {}).values() if cs.version == table]


def parse(s: str, table: str = DEFAULT_TABLE) -> Parsed:
    """The item (with its category) and any restriction, read against the ``table`` version."""
    value = compact(s)
    m = _SHAPE.fullmatch(value)
    if m is None:
        bad = next((i for i, c in enumerate(value) if not (c.isascii() and c.isalnum())), 0)
        raise InvalidFormat(
            f"作业项目代号 {value!r} 格式不对（应为项目代号，可带括号限定范围，如 Q2(限桥式起重机)）",
            f"operator item {value!r} is malformed (an item code, optionally with a bracketed restriction such "
            "as Q2(限桥式起重机))",
            position=bad,
            segment="item",
        )
    longest = max_code_length()
    if len(m["item"]) > longest:
        raise InvalidLength(
            f"作业项目代号最长{longest}个字符，{m['item']} 有{len(m['item'])}个",
            f"an operator item code has at most {longest} characters, {m['item']} has {len(m['item'])}",
            segment="item",
        )
    item = lookup(m["item"], table)
    notes: list[Note] = []
    if item.status in ("UNCONFIRMED", "PARTIAL"):
        notes.append(
            Note(
                "item_" + item.status.lower(),
                f"{table}年表中的项目 {item.code}（{item.name}）未经来源完全证实",
                f"item {item.code} ({item.name}) of the {table} table is not fully confirmed by a source",
                item.status,
            )
        )
    meaning = f"{item.category} › {item.name}" if item.category else item.name
    if item.en:
        meaning += f" / {item.en}"
    segments = [Segment("item", "作业项目代号", "operator item", 0, item.code, meaning)]
    if m["restriction"]:
        text = m["text"]
        known = [
            (e, cs)
            for cs in _restriction_sets(table)
            if (e := _tables.find(cs, text)) is not None and (not e.applies_to or item.code in e.applies_to)
        ]
        r_meaning = None
        if known:
            e, _ = known[0]
            r_meaning = _tables.named(e)
            if e.status in ("UNCONFIRMED", "PARTIAL"):
                notes.append(
                    Note(
                        "restriction_" + e.status.lower(),
                        f"限定范围“{text}”的写法未经来源完全证实",
                        f"the restriction wording {text!r} is not fully confirmed by a source",
                        e.status,
                    )
                )
        else:
            notes.append(
                Note(
                    "restriction_unknown",
                    f"{table}年表未列出项目 {item.code} 的限定范围“{text}”（2021年修订内容未取得）",
                    f"the {table} table lists no restriction {text!r} for item {item.code} (the 2021 revision "
                    "was not retrieved)",
                    "UNCONFIRMED",
                )
            )
        segments.append(
            Segment("restriction", "限定范围", "restriction", m.start("restriction"), m["restriction"], r_meaning)
        )
    return Parsed(KIND, value, tuple(segments), tuple(notes))


def validate(s: str, table: str = DEFAULT_TABLE) -> str:
    """The compact item code (with its restriction, if any) when ``table`` has the item, else raise."""
    return parse(s, table).value


def is_valid(s: str, table: str = DEFAULT_TABLE) -> bool:
    """Whether ``s`` is an item of ``table``."""
    try:
        parse(s, table)
    except ValidationError:
        return False
    return True


def format(s: str, table: str = DEFAULT_TABLE) -> str:
    """The printed form: item code, restriction in half-width brackets."""
    return validate(s, table)
