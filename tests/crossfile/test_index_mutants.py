"""KeyIndex's promises, each checked in well under a second (bench/mutate.py runs this file first on
sedata/crossfile/index.py): exact answers whatever the digests, rows in order of first sight, the slot array
a power of two kept between a third and two thirds full (6–12 bytes a key, probes that end), key texts beyond
the 256 KiB buffer spilled and read back (the newest half kept in memory too), a batch taking exactly the keys
no key of the index and no earlier key of the batch shares a digest with.

Every test runs under an alarm: an index whose probe never ends fails the test instead of hanging the run.
"""

from __future__ import annotations

import pickle
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from unittest import mock

import numpy as np
import pytest

import sedata.crossfile.index as index_module
from sedata.crossfile import KeyIndex

CODES = [f"3110{i:014d}" for i in range(400)]  # equipment codes: ASCII, 18 characters
TEXTS = ["梯11闽E3622(16)", "容15闽E00087(17)", "", "\ud800", "a\x1e1", "ZZ2026FTC00001"]  # non-ASCII, empty, surrogate
DIGESTS: dict[str, Callable[[str], int]] = {
    "siphash": hash,
    "one value": lambda key: 0x1234_5678_9ABC_DEF0,  # every key collides with every other
    "two values": lambda key: len(key) % 2,
    "three bits": lambda key: hash(key) & 7,
}


@pytest.fixture(autouse=True)
def _no_endless_probe() -> Iterator[None]:
    def stop(_signum: int, _frame: object) -> None:
        raise TimeoutError("the index did not answer in 90 s: a probe that never ends")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, 90)  # ms-long tests; generous for a loaded machine
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def digests_and_buffer(digest: Callable[[str], int], buffer: int = 1 << 18) -> Iterator[None]:
    with mock.patch.object(index_module, "_digest", digest), mock.patch.object(index_module, "_BUFFER", buffer):
        yield


def _slots_are_sound(index: KeyIndex) -> None:
    size = len(index._slots)
    assert size >= 8 and size & (size - 1) == 0 and index._mask == size - 1  # the mask needs a power of two
    assert index.nbytes == 4 * size + 8 * len(index) + 8 * len(index) + len(index._buffer)
    assert len(index) <= size * 2 / 3  # never fuller: probes stay short, and there is always an empty slot


@pytest.mark.parametrize("digest", DIGESTS, ids=list(DIGESTS))
@pytest.mark.parametrize("buffer", [1 << 18, 8], ids=["in memory", "spilled"])
def test_one_key_at_a_time_is_exact_and_numbered_in_order(digest: str, buffer: int) -> None:
    keys = [*TEXTS, *CODES[:60]]
    with digests_and_buffer(DIGESTS[digest], buffer):
        index = KeyIndex(capacity=1)
        assert len(index) == 0 and index.find(keys[0]) == -1 and keys[0] not in index
        for row, key in enumerate(keys):
            assert index.add(key) == (row, True)
            assert index.add(key) == (row, False)
            assert len(index) == row + 1
            _slots_are_sound(index)
            assert len(index._buffer) < buffer  # the buffer never holds as much as its size: it is spilled
        for row, key in enumerate(keys):
            assert index.find(key) == row and key in index and index.key(row) == key
        for absent in ("3110", "梯", "x" * 19, CODES[-1]):
            assert index.find(absent) == -1 and absent not in index
        assert 3110 not in index and None not in index
        answers = index.contains([*keys, "absent", CODES[-1]])
        assert answers.dtype == bool and answers.tolist() == [True] * len(keys) + [False, False]
        copy = pickle.loads(pickle.dumps(index))
        assert len(copy) == len(keys) and [copy.key(r) for r in range(len(keys))] == keys
        assert all(copy.find(k) == r for r, k in enumerate(keys))
        index.close()
        index.close()  # twice is harmless
        assert index._file is None


@pytest.mark.parametrize("digest", DIGESTS, ids=list(DIGESTS))
@pytest.mark.parametrize("buffer", [1 << 18, 8], ids=["in memory", "spilled"])
def test_a_batch_takes_keys_whose_digest_is_new_to_the_index_and_to_the_batch_so_far(digest: str, buffer: int) -> None:
    with digests_and_buffer(DIGESTS[digest], buffer):
        fn = DIGESTS[digest]
        index = KeyIndex(capacity=1)
        index.add(CODES[0])
        batch = [CODES[0], *TEXTS, CODES[1], CODES[1], *CODES[2:80]]
        taken = index.add_new(batch).tolist()
        held = {fn(CODES[0])}
        expected = []
        for key in batch:  # taken: a digest neither the index nor an earlier key of the batch has
            expected.append(fn(key) not in held)
            held.add(fn(key))
        assert taken == expected
        order = [CODES[0], *(k for k, t in zip(batch, taken, strict=True) if t)]
        assert [index.key(r) for r in range(len(index))] == order
        _slots_are_sound(index)
        for key in batch:  # those not taken go the exact way; it adds each once and finds the rest
            row, _ = index.add(key)
            assert index.key(row) == key
        assert len(index) == len(set(batch)) and index.contains(batch).all()
        assert index.contains(["absent", "梯", ""]).tolist() == [False, False, True]
        assert not index.add_new([]).size and not index.add_new(batch[:1]).any()
        _slots_are_sound(index)


def test_given_digests_are_used_as_they_are() -> None:
    index = KeyIndex()
    keys = CODES[:5]
    taken = index.add_new(keys, index_module.digests(keys))
    assert taken.all() and index.contains(keys, index_module.digests(keys)).all()
    assert index.contains(keys).all() and [index.find(k) for k in keys] == [0, 1, 2, 3, 4]


def test_a_single_key_batch_is_taken() -> None:
    index = KeyIndex()
    assert index.add_new(["梯11闽E3622(16)"]).tolist() == [True] and index.find("梯11闽E3622(16)") == 0


@pytest.mark.parametrize(("capacity", "slots"), [(1, 8), (5, 8), (6, 16), (682, 1024), (683, 2048), (1024, 2048)])
def test_room_for_the_capacity_asked_in_a_power_of_two_slots(capacity: int, slots: int) -> None:
    index = KeyIndex(capacity)
    assert len(index._slots) == slots and index.nbytes == 4 * slots
    assert KeyIndex().nbytes == 4 * 2048  # room for 1024 keys at first


@pytest.mark.parametrize("bulk", [False, True])
def test_the_slot_array_grows_by_doubling_past_two_thirds(bulk: bool) -> None:
    index = KeyIndex(capacity=1)
    sizes = []
    for start in range(200):
        if bulk:
            index.add_new([CODES[start]])
        else:
            index.add(CODES[start])
        sizes.append(len(index._slots))
        n = start + 1
        assert n <= len(index._slots) * 2 / 3 and (n <= 5 or n > len(index._slots) / 3)  # 6–12 bytes a key
    assert sizes[4] == 8 and sizes[5] == 16 and sizes[9] == 16 and sizes[10] == 32 and sizes[-1] == 512
    assert [index.find(c) for c in CODES[:200]] == list(range(200))


def test_a_large_batch_is_placed_with_numpy_and_found_one_by_one() -> None:
    index = KeyIndex(capacity=1)
    keys = [f"{c}\x1e1" for c in CODES]
    assert index.add_new(keys[:150]).all() and index.add_new(keys[150:]).all()
    _slots_are_sound(index)
    assert [index.find(k) for k in keys] == list(range(len(keys)))
    assert index.contains([*keys[::7], "3110"]).tolist() == [True] * len(keys[::7]) + [False]


def test_rows_re_placed_in_python_when_numpy_is_not_loaded() -> None:
    # A row-engine run over a small file never loads numpy; growing the slot array must not need it.
    with mock.patch.dict("sys.modules"):
        del sys.modules["numpy"]
        index = KeyIndex(capacity=1)
        for key in CODES[:50]:
            index.add(key)
    _slots_are_sound(index)
    assert [index.find(k) for k in CODES[:50]] == list(range(50))


def test_texts_beyond_the_buffer_are_spilled_and_read_back_across_the_boundary() -> None:
    index = KeyIndex()
    big = [f"{c}:{'梯' * 3000}" for c in CODES[:40]]  # ~9 KB each: 360 KB, past the 256 KiB buffer
    for key in big:
        index.add(key)
    assert index._written > 0 and 0 < len(index._buffer) < 256 * 1024
    assert index.nbytes < 256 * 1024 + 4 * 2048 + 16 * 40
    assert [index.key(r) for r in range(40)] == big
    assert index.contains(big).all() and not index.contains([big[0] + "x"]).any()
    with digests_and_buffer(hash, 5):  # a key whose text straddles the spill file and the buffer
        small = KeyIndex()
        small.add("abc")
        small._buffer += b"de"  # as _store leaves it before the next spill
        small._ends.append(5)
        small._digests.append(hash("de"))
        assert small._written == 0 and small.key(0) == "abc"
        small._spill()
        small._buffer += b"fg"
        small._ends[1] = 7
        assert small.key(1) == "defg" and small.key(0) == "abc"


def test_contains_confirms_by_text_where_the_buffer_holds_part_of_the_rows() -> None:
    with digests_and_buffer(lambda key: len(key) % 2, 64):
        index = KeyIndex()
        keys = [f"K{i:03d}" for i in range(40)]  # 4 bytes each: the first are spilled, the last in the buffer
        assert index.add_new(keys[:1]).all()
        for key in keys[1:]:
            index.add(key)
        assert index._written > 0 and index._buffer
        probe = [*keys, "K999", "K0", "", *reversed(keys)]
        assert index.contains(probe).tolist() == [k in keys for k in probe]


def test_digests_are_int64_as_python_hashes_them() -> None:
    keys = ["3110", "梯11闽E3622(16)", ""]
    found = index_module.digests(keys)
    assert found.dtype == np.int64 and found.tolist() == [hash(k) for k in keys]


def test_keys_added_one_by_one_never_load_numpy() -> None:
    # The row engine over a small file adds its keys one at a time: growing the index must not cost numpy's
    # import (10–13 MiB, 0.1–0.3 s). A fresh interpreter, since this one has numpy loaded.
    code = (
        "import sys\n"
        "from sedata.crossfile import KeyIndex\n"
        "index = KeyIndex(1)\n"
        "for n in range(100):\n"
        "    index.add(f'3110{n:014d}')\n"
        "assert [index.find(f'3110{n:014d}') for n in range(100)] == list(range(100))\n"
        "print(len(index._slots), 'numpy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.split() == ["256", "False"]


@pytest.mark.parametrize("digest", ["one value", "two values"])
@pytest.mark.parametrize("spill", [None, 1, 3], ids=["in memory", "first spilled", "three spilled"])
@pytest.mark.parametrize(
    "keys",
    [["a", "bc", "xab", "de", "梯1", "bcd"], ["a", "bc", "xab", "de", "", "梯1", "bcd"], ["xy", "a", "bc", "de", "fg"]],
    ids=["no empty key", "an empty key", "even then odd"],
)
def test_a_key_is_confirmed_only_by_a_text_equal_to_it_never_by_neighbouring_bytes(
    digest: str, spill: int | None, keys: list[str]
) -> None:
    # Texts lie end to end in the buffer (the first ones perhaps spilled): a key that is a run of bytes across or
    # inside other keys' texts (the empty run too), with a digest they share, must still be absent.
    with digests_and_buffer(DIGESTS[digest]):
        index = KeyIndex()
        for n, key in enumerate(keys):
            if n == spill:
                index._spill()
            index.add(key)
        joined = "".join(keys)
        runs = sorted({joined[i:j] for i in range(len(joined)) for j in range(i, len(joined) + 1)})
        assert index.contains(runs).tolist() == [run in keys for run in runs]
        assert [index.find(run) >= 0 for run in runs] == [run in keys for run in runs]


@pytest.mark.parametrize("bulk", [False, True])
def test_texts_that_fill_the_buffer_exactly_are_spilled(bulk: bool) -> None:
    with digests_and_buffer(hash, 36):  # two 18-character codes
        index = KeyIndex()
        if bulk:
            assert index.add_new(CODES[:2]).all()
        else:
            index.add(CODES[0])
            index.add(CODES[1])
        # All written; the newest half stays in memory as well, read from there.
        assert (bytes(index._buffer), index._written, index._base) == (CODES[1].encode(), 36, 18)
        assert [index.key(0), index.key(1)] == CODES[:2]


def test_recent_keys_are_confirmed_from_memory_after_a_spill() -> None:
    with digests_and_buffer(hash, 18 * 40):
        index = KeyIndex()
        assert index.add_new(CODES[:30]).all() and index.add_new(CODES[30:60]).all()
        assert index._written > 0 and index._base > 0  # spilled, the newest half still at hand
        recent = CODES[60 - 20 :]  # the last 20 texts (360 bytes, half the buffer)
        with mock.patch.object(index_module.os, "pread", side_effect=AssertionError("read from disk")):
            assert index.contains([*recent, "3110x"]).tolist() == [*[k in CODES[:60] for k in recent], False]
            assert [index.key(r) for r in range(40, 60)] == CODES[40:60]
        assert index.contains(CODES[:60]).all() and [index.key(r) for r in range(60)] == CODES[:60]


def test_a_key_that_straddles_the_spill_file_and_the_kept_buffer_reads_whole() -> None:
    with digests_and_buffer(hash, 8):
        index = KeyIndex()
        index.add("ab")
        index.add("cdefgh")  # 8 bytes: written, and "efgh" kept (the buffer starts at byte 4)
        assert (index._written, index._base, bytes(index._buffer)) == (8, 4, b"efgh")
        index._buffer += b"ij"  # as _store leaves a longer key before the next spill, its text half on disk
        index._ends[1] = 10
        assert index.key(1) == "cdefghij" and index.key(0) == "ab"
