"""Certificate QR payloads: round trips, masking, validity, tampering, the URL form, and rendered images.

The image round trip decodes the rendered PNG with zxing-cpp (a test dependency); where it is not installed
the test is skipped and the payload text round trip below still runs.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sedata.trust import keys, qr
from sedata.trust.errors import TrustError

from .conftest import CERTIFICATES

RECORDS: list[dict[str, Any]] = json.loads(CERTIFICATES.read_text("utf-8"))
TYPICAL = RECORDS[2]  # 田小兵: two items, a long issuing authority
EXPIRED = RECORDS[3]  # 陈国平: 2011 table, expired 2020-08-09
ON = dt.date(2026, 6, 1)
ALPHANUMERIC = re.compile(r"[0-9A-Z $%*+\-./:]+")


@pytest.mark.parametrize("algorithm", keys.ALGORITHMS)
def test_round_trip(private_keys: dict[str, keys.PrivateKey], algorithm: str) -> None:
    key = private_keys[algorithm]
    facts = qr.facts_from_record(TYPICAL)
    payload = qr.encode(facts, key)
    assert payload.startswith("SE1:") and ALPHANUMERIC.fullmatch(payload)
    result = qr.verify(payload, [key.public_key()], ON)
    assert result.ok and result.exit_code == 0
    assert result.decoded.facts == facts and result.decoded.algorithm == algorithm
    assert facts.items == ("N1", "Q2") and facts.item_table == "2019"
    assert facts.issue_date == dt.date(2025, 3, 21) and facts.expiry_date == dt.date(2029, 3, 20)


def test_personal_data_is_masked_and_the_id_never_carried(sm2_key: keys.PrivateKey) -> None:
    facts = qr.facts_from_record(TYPICAL)
    assert facts.holder_name == "田*"
    assert facts.certificate_no == "433101********0535"
    payload = qr.encode(facts, sm2_key)
    raw = base64.b32decode(payload[4:] + "=" * (-len(payload[4:]) % 8))
    citizen_id = TYPICAL["holderCitizenId"]
    for encoding in ("gb18030", "utf-8", "ascii"):
        assert citizen_id.encode(encoding) not in raw
        assert citizen_id[6:14].encode(encoding) not in raw  # not even the birth date
    assert TYPICAL["holderName"].encode("gb18030") not in raw


def test_certificate_number_that_is_not_an_id_is_kept(sm2_key: keys.PrivateKey) -> None:
    record = dict(TYPICAL, certificateNo="TS7-2025-000123")
    assert qr.facts_from_record(record).certificate_no == "TS7-2025-000123"


def test_invalid_items_and_records_are_refused() -> None:
    with pytest.raises(TrustError) as caught:
        qr.facts_from_record(dict(TYPICAL, operatorItems=["D1"]))  # a 2011 item on a 2019 certificate
    assert caught.value.code == "certificate-invalid" and "D1" in caught.value.en
    with pytest.raises(TrustError):
        qr.facts_from_record({"certificateNo": "x"})


def test_expired_and_not_yet_valid(sm2_key: keys.PrivateKey) -> None:
    payload = qr.encode(qr.facts_from_record(EXPIRED), sm2_key)
    result = qr.verify(payload, [sm2_key.public_key()], ON)
    assert result.signature_valid and result.expired and not result.ok and result.exit_code == 1
    early = qr.verify(payload, [sm2_key.public_key()], dt.date(2016, 8, 9))
    assert early.not_yet_valid and not early.ok
    assert qr.verify(payload, [sm2_key.public_key()], dt.date(2020, 8, 9)).ok  # the last valid day


def test_wrong_key(private_keys: dict[str, keys.PrivateKey]) -> None:
    payload = qr.encode(qr.facts_from_record(TYPICAL), private_keys[keys.SM2])
    others = [private_keys[keys.ED25519].public_key(), keys.PrivateKey.generate(keys.SM2).public_key()]
    result = qr.verify(payload, others, ON)
    assert result.key is None and not result.signature_valid and not result.ok


@settings(max_examples=60, deadline=None)
@given(at=st.integers(min_value=4), char=st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"))
def test_any_changed_character_fails(at: int, char: str) -> None:
    key = _KEY
    payload = _PAYLOAD
    at = 4 + (at - 4) % (len(payload) - 4)
    if payload[at] == char:
        return
    tampered = payload[:at] + char + payload[at + 1 :]
    try:
        result = qr.verify(tampered, [key.public_key()], ON)
    except TrustError as exc:
        assert exc.code in ("payload-malformed", "unknown-algorithm")
        return
    # Only the canonical text verifies: a change of the last character's unused bits is refused too.
    assert not result.ok


_KEY = keys.PrivateKey.generate(keys.ED25519)  # fast, and the payload shape is the same for every algorithm
_PAYLOAD = qr.encode(qr.facts_from_record(TYPICAL), _KEY)


def _pad(b32: str) -> str:
    return b32 + "=" * (-len(b32) % 8)


def test_url_form(sm2_key: keys.PrivateKey) -> None:
    payload = qr.encode(qr.facts_from_record(TYPICAL), sm2_key)
    link = qr.url(payload, "https://tzsb.example.gov.cn/verify")
    assert link == f"https://tzsb.example.gov.cn/verify?c={payload}"
    assert qr.url(payload, "https://x.example/v?lang=zh").endswith(f"?lang=zh&c={payload}")
    assert qr.verify(link, [sm2_key.public_key()], ON).ok
    assert qr.verify(payload.lower().replace("se1:", "SE1:"), [sm2_key.public_key()], ON).ok  # case-insensitive
    with pytest.raises(TrustError):
        qr.decode("https://tzsb.example.gov.cn/verify?x=1")
    for bad in ("", "SE2:AAAA", "SE1:!!!!", "SE1:AAAA"):
        with pytest.raises(TrustError) as caught:
            qr.decode(bad)
        assert caught.value.code == "payload-malformed"


@pytest.mark.parametrize("algorithm", keys.ALGORITHMS)
def test_qr_size_fits_a_printed_certificate(private_keys: dict[str, keys.PrivateKey], algorithm: str) -> None:
    # Measured for the README: every example certificate fits version 9 (53×53 modules) at level M, i.e.
    # 0.41 mm modules at 25 mm including the quiet zone; the URL form needs version 10.
    for record in RECORDS:
        payload = qr.encode(qr.facts_from_record(record), private_keys[algorithm])
        assert len(payload) <= 250
        plain = qr.make_qr(payload)
        assert plain.version <= 9 and plain.mode == "alphanumeric"
        assert qr.make_qr(payload, url_base="https://tzsb.example.gov.cn/verify").version <= 10


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_rendered_image(sm2_key: keys.PrivateKey, tmp_path: Path, suffix: str) -> None:
    payload = qr.encode(qr.facts_from_record(TYPICAL), sm2_key)
    out = tmp_path / f"cert{suffix}"
    drawn = qr.render(payload, out, size_mm=25)
    assert out.stat().st_size > 0 and drawn.version == 9 and drawn.modules == 53
    assert 24 <= drawn.size_mm <= 26 and 0.3 <= drawn.module_mm <= 0.45
    if suffix == ".svg":
        assert re.search(r'width="25(\.0+)?mm"', out.read_text("utf-8"))
    with pytest.raises(TrustError):
        qr.render(payload, tmp_path / "cert.gif")


@pytest.mark.parametrize("url_base", [None, "https://tzsb.example.gov.cn/verify"])
def test_image_round_trip(sm2_key: keys.PrivateKey, tmp_path: Path, url_base: str | None) -> None:
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp not installed: image decoding not tested")
    image = pytest.importorskip("PIL.Image", reason="pillow not installed: image decoding not tested")
    payload = qr.encode(qr.facts_from_record(TYPICAL), sm2_key)
    out = tmp_path / "cert.png"
    qr.render(payload, out, url_base=url_base)
    found = zxingcpp.read_barcodes(image.open(out))
    assert len(found) == 1
    text = found[0].text
    assert text == (qr.url(payload, url_base) if url_base else payload)
    result = qr.verify(text, [sm2_key.public_key()], ON)
    assert result.ok and result.decoded.facts.holder_name == "田*"
