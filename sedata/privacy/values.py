"""Masking one value: the methods of spec/privacy.yaml, the keyed pseudonym, and finding citizen IDs in text.

Every method is idempotent (a masked value masked again by the same profile stays as it is) and a value
already written as a pseudonym is never touched, so a package can be masked again, e.g. ``share`` then
``publish``. The pseudonym is HMAC-SHA-256 over the kind and the normalised value under a secret key: the
same value gives the same pseudonym for the same key (data sets stay joinable), nothing links it to the
value without the key, and it can never pass the citizen-ID check.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import math
import re
from collections.abc import Callable
from functools import cache, lru_cache

from sedata.codes import admin_division, citizen_id, uscc
from sedata.privacy.errors import PrivacyError
from sedata.privacy.shapes import CITIZEN_ID, is_pseudonym, masked_shapes
from sedata.spec import Spec, current
from sedata.spec.model import KindMasking, MaskingProfile

STAR = "*"
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]|[0-9]{15}")
# Candidates for the citizen-ID scan: digit runs long enough to hold a number (an 18th character may be X).
_DIGIT_RUN = re.compile(r"[0-9]{15,}[Xx]?")
_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
_CJK = re.compile(r"[一-鿿]+")
_KIND_SEPARATOR = "\x1f"  # between kind and value in the HMAC message, so kinds never collide


def profile_of(name: str, spec: Spec | None = None) -> MaskingProfile:
    """The spec's masking profile ``name``; :class:`PrivacyError` if there is none."""
    privacy = (spec or current()).privacy
    found = privacy.by_id.get(name) if privacy else None
    if found is None:
        known = ", ".join(privacy.by_id) if privacy else ""
        raise PrivacyError(
            "unknown-profile",
            f"未知脱敏方式 {name!r}（可选：{known}）",
            f"unknown masking profile {name!r} (one of: {known})",
        )
    return found


def check_key(key: bytes, spec: Spec | None = None) -> None:
    """Raise :class:`PrivacyError` when ``key`` is too short or looks made by hand rather than by a generator.

    A leaked pseudonym key lets anyone recover IDs by trying candidates, and a guessable key is as good as
    leaked: the key must carry at least 128 bits of entropy (``sedata keygen --mask`` writes one).
    """
    privacy = (spec or current()).privacy
    need = privacy.pseudonym.min_key_bytes if privacy else 16
    if len(key) < need:
        raise PrivacyError(
            "short-key",
            f"假名化密钥过短：至少需要 {need} 字节（用 sedata keygen --mask 生成）",
            f"the pseudonym key is too short: it needs at least {need} bytes (make one with sedata keygen --mask)",
        )
    bits, why = key_strength(key)
    if bits < MIN_KEY_BITS:
        raise PrivacyError(
            "weak-key",
            f"假名化密钥不像随机生成的（估计约 {bits} 位，至少需要 {MIN_KEY_BITS} 位：{why[0]}）；"
            "请用 sedata keygen --mask 生成",
            f"the pseudonym key does not look generated (about {bits} bits estimated, {MIN_KEY_BITS} needed: "
            f"{why[1]}); make one with sedata keygen --mask",
        )


MIN_KEY_BITS = 128
"""The entropy a pseudonym key must carry (bits)."""
_ALPHABETS: tuple[tuple[bytes, int], ...] = (
    (b"0123456789", 10),
    (b"0123456789abcdef", 16),
    (b"0123456789ABCDEF", 16),
    (b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567=", 32),
    (b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_=", 64),
)


def key_strength(key: bytes) -> tuple[int, tuple[str, str]]:
    """An upper estimate of ``key``'s entropy in bits, with why it is not higher (zh, en).

    Bits per character follow the smallest usual alphabet that holds the key (digits, hex, Base32, Base64; any
    other text ~6.5 bits, a phrase with spaces 2, binary 8); keys that repeat a pattern, run through an alphabet
    (``0123``, ``abcd``) or use few distinct characters count for what their distinct part holds.
    """
    size = 256 if any(b < 0x20 or b > 0x7E for b in key) else 95
    for alphabet, n in _ALPHABETS:
        if all(b in alphabet for b in key):
            size = n
            break
    # Printable text is mostly letters people chose; with spaces it is a phrase of words (~2 bits a character).
    per_char = math.log2(size) if size != 95 else (2.0 if b" " in key else 6.5)
    bits = int(len(key) * per_char)
    why = ("按字符集估计", "from the alphabet it uses")
    distinct = len(set(key))
    expected = size * (1 - (1 - 1 / size) ** len(key))  # distinct characters a random key of this length shows
    if distinct < expected / 2:
        bits = min(bits, int(distinct * per_char))
        why = (f"只用了 {distinct} 个不同字符", f"only {distinct} distinct characters")
    for period in range(1, len(key) // 2 + 1):
        if all(key[i] == key[i - period] for i in range(period, len(key))):
            bits = min(bits, int(period * per_char))
            why = (f"以 {period} 个字符为周期重复", f"it repeats a pattern of {period} characters")
            break
    run = longest = 1
    for a, b in itertools.pairwise(key):
        run = run + 1 if abs(b - a) == 1 else 1
        longest = max(longest, run)
    if longest >= 6:  # a random key of 64 characters has such a run with well under 1 % probability
        bits = min(bits, int((len(key) - longest) * per_char))
        why = (f"含 {longest} 个连续递增或递减的字符", f"it holds a run of {longest} consecutive characters")
    return bits, why


def normalise(kind: str, value: str) -> str:
    """The form a value is pseudonymised in, so that one person's differently written values agree."""
    if kind == CITIZEN_ID:
        number = citizen_id.compact(value)
        if len(number) == 15 and citizen_id.is_valid(number):
            return citizen_id.to_18(number)  # the legacy and the current number are one person
        return number
    if kind == "phone":
        return value.replace(" ", "").replace("-", "")
    return value.strip()


def pseudonym(kind: str, value: str, key: bytes, spec: Spec | None = None) -> str:
    """The keyed pseudonym of ``value`` (of personal-data ``kind``): ``P:`` and 16 base32 characters."""
    spec = spec or current()
    if spec.privacy is None:
        raise PrivacyError("no-privacy-spec", "规范中没有 privacy.yaml", "the spec has no privacy.yaml")
    rule = spec.privacy.pseudonym
    message = f"{kind}{_KIND_SEPARATOR}{normalise(kind, value)}".encode()
    mac = hmac.new(key, message, hashlib.sha256).digest()
    text = base64.b32encode(mac).decode("ascii")[: rule.length]
    return rule.prefix + text


def _keep_ends(value: str, start: int, end: int) -> str:
    if len(value) <= start + end:
        return STAR * len(value)
    return value[:start] + STAR * (len(value) - start - end) + (value[len(value) - end :] if end else "")


@cache
def _division_names() -> tuple[frozenset[str], frozenset[str], frozenset[str], int]:
    """GB/T 2260 names by level (every name a code ever carried), CJK only, and the longest length."""
    found: tuple[set[str], set[str], set[str]] = (set(), set(), set())
    for code in admin_division.codes():
        level = 0 if code[2:] == "0000" else 1 if code[4:] == "00" else 2
        found[level].update(v.name for v in admin_division.periods(code))
        found[0].add(admin_division.province(code))
    # Placeholder rows (市辖区, 县 …) never start an address; names with other characters would break the shape.
    generic = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
    province, prefecture, county = (frozenset(n for n in s if n not in generic and _CJK.fullmatch(n)) for s in found)
    longest = max(len(n) for names in (province, prefecture, county) for n in names)
    return province, prefecture, county, longest


_LEVELS = {"province": 1, "prefecture": 2, "county": 3}


def division_prefix(address: str, level: str) -> str:
    """The GB/T 2260 division names ``address`` starts with, down to ``level`` (never any street or number)."""
    *tables, longest = _division_names()
    kept = 0
    for names in tables[: _LEVELS[level]]:
        rest = address[kept:]
        # Longest name first, so 湘西土家族苗族自治州 wins over any shorter name it starts with.
        for size in range(min(longest, len(rest)), 1, -1):
            if rest[:size] in names:
                kept += size
                break
    return address[:kept]


def apply(how: KindMasking, kind: str, value: str, key: bytes | None, spec: Spec | None = None) -> str:
    """``value`` masked by the method ``how`` (a pseudonym needs ``key``)."""
    if not value or is_pseudonym(value, spec):
        return value
    method = how.method
    if method == "pseudonym":
        if key is None:
            raise PrivacyError("key-required", "假名化需要密钥", "pseudonymisation needs a key")
        return pseudonym(kind, value, key, spec)
    if kind == CITIZEN_ID:
        value = citizen_id.compact(value)
    if method == "keep-ends":
        return _keep_ends(value, how.keep_start, how.keep_end)
    if method == "keep-start":
        return value[: how.keep_start] + STAR
    if method == "hide":
        return STAR * len(value)
    assert how.level is not None  # the meta-model requires it for address-division
    return division_prefix(value, how.level) + STAR


def mask_value(kind: str, value: str, profile: str, key: bytes | None = None, spec: Spec | None = None) -> str:
    """``value`` of personal-data ``kind`` masked as ``profile`` says (``pseudonymise`` needs ``key``)."""
    chosen = profile_of(profile, spec)
    how = next((h for k, h in chosen.kinds.items() if k == kind), None)
    if how is None:
        raise PrivacyError("unknown-kind", f"未知个人信息类别 {kind!r}", f"unknown kind of personal data {kind!r}")
    if key is not None:
        check_key(key, spec)
    return apply(how, kind, value, key, spec)


# Unit codes repeat across a file's records, and the check-digit and table look-ups are pure.
@lru_cache(maxsize=1 << 16)
def _individual_number(number: str) -> bool:
    # A bare USCC check character decides most numbers at a tenth of the cost of the citizen-ID check (an ID
    # passes it one time in 31); only the rest need both full checks.
    if number[17:] and uscc.calc_check_digit(number) != number[17]:
        return True
    return citizen_id.is_valid(number) or not uscc.is_valid(number)


def holds_citizen_id(value: str, spec: Spec | None = None) -> bool:
    """Whether ``value`` (a unit code, a certificate number) is an individual's citizen ID, masked or not.

    True for a valid number, for one written like a number that is no valid USCC either (a mistyped ID is
    still personal), and for a value already masked or pseudonymised as one.
    """
    number = citizen_id.compact(value)
    if _ID_SHAPE.fullmatch(number):
        return _individual_number(number)
    return any(p.fullmatch(value) for (kind, _), p in masked_shapes(spec).items() if kind == CITIZEN_ID)


def scrub_citizen_ids(text: str, replace: Callable[[str], str]) -> tuple[str, int]:
    """``text`` with every valid citizen ID inside it (18 or 15 digits) replaced by ``replace(number)``."""
    found = 0
    out: list[str] = []
    last = 0
    for run in _DIGIT_RUN.finditer(text):
        s, e = run.span()
        # A legacy 15-digit number only as a run of its own: inside longer digit runs (equipment codes,
        # serial numbers) 15-digit windows that happen to pass would be false alarms.
        size = 15 if e - s == 15 else 18
        i = s
        while i + size <= e:
            if citizen_id.is_valid(text[i : i + size]):
                out.append(text[last:i])
                out.append(replace(text[i : i + size]))
                found += 1
                i += size
                last = i
            else:
                i += 1
    if not found:
        return text, 0
    out.append(text[last:])
    return "".join(out), found


def redact(text: str) -> str:
    """``text`` (an error message, a log line) with citizen IDs and mobile numbers masked."""
    text, _ = scrub_citizen_ids(text, citizen_id.mask)
    return _MOBILE.sub(lambda m: _keep_ends(m.group(), 3, 4), text)
