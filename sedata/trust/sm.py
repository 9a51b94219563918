"""SM2 signatures with SM3 (GM/T 0003.2 = GB/T 32918.2, GM/T 0004 = GB/T 32905) through ``gmalg``.

``gmalg`` (pure Python, no native code) implements SM2 on the recommended curve (GM/T 0003.5) with the
signer's identity folded in as Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA). The identity defaults to
``1234567812345678``, as GM/T 0009 prescribes when the parties agree on no other. This module is the only
place that imports ``gmalg``, so another library can replace it here. SM3 comes from ``hashlib`` when the
platform's OpenSSL has it, else from ``cryptography`` (its own OpenSSL build, ~180 MiB/s), and only last from
``gmalg`` (pure Python, ~0.3 MiB/s).

``gmalg`` is not constant-time: fine for signing packages on an operator's machine, not for a signing
service exposed to timing measurements.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Protocol

import gmalg

DEFAULT_ID = b"1234567812345678"
"""The signer identity GM/T 0009 prescribes when none is agreed."""
KEY_BYTES = 32
# The recommended curve's order n (GM/T 0003.5): private keys lie in [1, n-2], r and s in [1, n-1].
ORDER = 0xFFFFFFFE_FFFFFFFF_FFFFFFFF_FFFFFFFF_7203DF6B_21C6052B_53BBF409_39D54123


class Hasher(Protocol):
    """The part of ``hashlib``'s interface the signing code streams through."""

    def update(self, data: bytes, /) -> None: ...

    def hexdigest(self) -> str: ...


class _CryptographySm3:
    """SM3 from ``cryptography`` behind ``hashlib``'s interface (when the platform's OpenSSL lacks SM3)."""

    def __init__(self) -> None:
        from cryptography.hazmat.primitives import hashes

        self._h = hashes.Hash(hashes.SM3())

    def update(self, data: bytes, /) -> None:
        self._h.update(bytes(data))

    def hexdigest(self) -> str:
        return self._h.finalize().hex()


def _cryptography_has_sm3() -> bool:
    try:
        _CryptographySm3()
    except Exception:  # UnsupportedAlgorithm, or an older cryptography without hashes.SM3
        return False
    return True


class _GmalgSm3:
    """SM3 from ``gmalg`` behind ``hashlib``'s interface (for Pythons whose OpenSSL lacks SM3)."""

    def __init__(self) -> None:
        self._h = gmalg.SM3()

    def update(self, data: bytes, /) -> None:
        self._h.update(bytes(data))

    def hexdigest(self) -> str:
        value: bytes = self._h.value()
        return value.hex()


SM3_SOURCES: tuple[str, ...] = ("hashlib", "cryptography", "gmalg")
"""Where SM3 may come from, fastest first."""


def sm3_source(available: Callable[[str], bool] | None = None) -> str:
    """The first of :data:`SM3_SOURCES` that this platform provides (``available`` overrides the probe in tests)."""
    probe = available or _available
    return next(s for s in SM3_SOURCES if s == "gmalg" or probe(s))


def _available(source: str) -> bool:
    if source == "hashlib":
        return "sm3" in hashlib.algorithms_available
    return _cryptography_has_sm3()


_SM3: dict[str, Callable[[], Hasher]] = {
    "hashlib": lambda: hashlib.new("sm3"),
    "cryptography": _CryptographySm3,
    "gmalg": _GmalgSm3,
}
_sm3_factory: Callable[[], Hasher] | None = None


def new_hash(algorithm: str, *, source: str | None = None) -> Hasher:
    """A streaming hash: ``sha256`` or ``sm3`` (from ``source``, default the fastest available)."""
    global _sm3_factory
    if algorithm != "sm3":
        return hashlib.new(algorithm)
    if source is not None:
        return _SM3[source]()
    if _sm3_factory is None:
        _sm3_factory = _SM3[sm3_source()]
    return _sm3_factory()


def sm3(data: bytes) -> bytes:
    """The SM3 hash of ``data`` (GM/T 0004)."""
    h = new_hash("sm3")
    h.update(data)
    return bytes.fromhex(h.hexdigest())


def generate() -> tuple[int, bytes]:
    """A new key pair: private key d and the uncompressed public point ``04 ‖ x ‖ y``."""
    sk, pk = gmalg.SM2().generate_keypair()
    return int.from_bytes(sk, "big"), bytes(pk)


def public_point(d: int) -> bytes:
    """The uncompressed public point ``04 ‖ x ‖ y`` of private key ``d``."""
    point: bytes = gmalg.SM2().generate_pk(d.to_bytes(KEY_BYTES, "big"))
    return bytes(point)


def valid_private(d: int) -> bool:
    """Whether ``d`` is a usable private key (1 ≤ d ≤ n-2)."""
    return 1 <= d <= ORDER - 2


def valid_point(point: bytes) -> bool:
    """Whether ``point`` (uncompressed or compressed) is a valid public key on the recommended curve."""
    try:
        ok: bool = gmalg.SM2().verify_pk(point)
    except Exception:  # gmalg raises its own errors (or IndexError) for points it cannot parse
        return False
    return ok


def sign(
    d: int, message: bytes, uid: bytes = DEFAULT_ID, *, rnd: Callable[[int], int] | None = None
) -> tuple[int, int]:
    """SM2 signature (r, s) of ``message`` with Z_A preprocessing; ``rnd`` fixes k for known-answer tests."""
    signer = gmalg.SM2(d.to_bytes(KEY_BYTES, "big"), uid, public_point(d), rnd_fn=rnd)
    r, s = signer.sign(message)
    return int.from_bytes(r, "big"), int.from_bytes(s, "big")


def verify(point: bytes, message: bytes, r: int, s: int, uid: bytes = DEFAULT_ID) -> bool:
    """Whether (r, s) is a valid SM2 signature of ``message`` by the holder of ``point``."""
    if not (1 <= r < ORDER and 1 <= s < ORDER) or not valid_point(point):
        return False
    verifier = gmalg.SM2(None, uid, point)
    ok: bool = verifier.verify(message, r.to_bytes(KEY_BYTES, "big"), s.to_bytes(KEY_BYTES, "big"))
    return ok


def uncompressed(point: bytes) -> bytes:
    """``point`` in uncompressed form ``04 ‖ x ‖ y`` (the form key ids are computed over)."""
    if point[:1] == b"\x04":
        return point
    from gmalg import sm2 as _sm2  # point conversion lives in the module, not on the SM2 class

    out: bytes = _sm2.point_to_bytes(_sm2.bytes_to_point(point), gmalg.PC_MODE.RAW)
    return out
