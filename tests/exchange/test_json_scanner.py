"""The JSON document scanner reads the same records wherever the file's 64 KiB chunks happen to fall.

A record is parsed where it lies in the buffer and parsed again when it runs past the buffer's end, so
every kind of token is put across a chunk boundary here: an escape, a surrogate pair, a character of
three or four UTF-8 bytes, a number, a literal and the record's own closing brace. The records read
must be exactly the JSON Lines reading of the same message. Every token at every position near the
boundary is tried (a few dozen small files).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sedata import exchange as X
from sedata.exchange.jsonscan import _CHUNK

from .conftest import WriteMessage

TOKENS = ['\\"', "\\u00e9", "\\ud83d\\ude00", "电", "😀", "\\\\"]


def _message_with_boundary_at(write_message: WriteMessage, tmp_path: Path, token: str, shift: int) -> Path:
    """The inspection upload as a JSON document whose record 1 holds a string with ``token`` at byte
    ``_CHUNK + shift`` of the file (so the chunk boundary falls in or next to it)."""
    path = write_message("json")
    body = path.read_bytes()
    marker = b'"productName":"'
    at = body.index(marker, body.index(marker) + 1) + len(marker)  # record 1's product name
    pad = _CHUNK + shift - at
    assert pad > 0
    out = tmp_path / "boundary.json"
    out.write_bytes(body[:at] + b"p" * pad + token.encode() + body[at:])
    return out


@pytest.mark.parametrize("shift", range(-6, 7))
@pytest.mark.parametrize("token", TOKENS)
def test_a_token_across_the_chunk_boundary_reads_as_it_was_written(
    write_message: WriteMessage, tmp_path: Path, token: str, shift: int
) -> None:
    path = _message_with_boundary_at(write_message, tmp_path, token, shift)
    read: list[X.Record] = []
    with pytest.raises(X.DigestMismatchError):  # the name was changed after writing; nothing else
        read.extend(X.iter_records(path))
    name = read[1].data["productName"]  # type: ignore[index]
    assert name == "p" * (len(name) - len(json.loads(f'"{token}"')) - 4) + json.loads(f'"{token}"') + "空气储罐"
    assert [r.data for i, r in enumerate(read) if i != 1] == [
        r.data for i, r in enumerate(X.read(write_message("jsonl", name="same.jsonl")).records) if i != 1
    ]


@pytest.mark.parametrize("shift", range(-3, 4))
def test_numbers_literals_and_braces_across_the_boundary(tmp_path: Path, shift: int) -> None:
    """Records whose last bytes (a number, ``true``-like ends, ``}``) straddle the boundary."""
    records = [X.Record("Equipment", {"equipmentCode": "311010523201500318", "designLifeYears": 12345})]
    path = tmp_path / "m.json"
    X.write(path, records * 3, format="json", message_type="inspection-upload", sender="123506004885497331",
            receiver="91433101772274167P")  # fmt: skip
    body = path.read_bytes()
    first = body.index(b'"records":[') + len(b'"records":[')
    digits = body.index(b"12345", first)
    pad = b" " * (_CHUNK + shift - digits)  # white space between records is allowed anywhere
    padded = tmp_path / "padded.json"
    padded.write_bytes(body[:first] + pad + body[first:])
    assert [r.data for r in X.read(padded).records] == [r.data for r in records * 3]
