"""Package signing details the full mutation run of sedata/trust/package.py (bench/mutate.py) showed untested:
where the detached signature lives by default and the exact bytes a signature covers (docs/trust-model.md:
the prefix line, then the document without ``signature`` as sorted, compact UTF-8 JSON).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from sedata.trust import keys
from sedata.trust.package import sig_path_for, sign_package, to_be_signed, verify_package


def test_the_signature_lives_beside_the_package(package: Callable[[str], Path], sm2_key: keys.PrivateKey) -> None:
    path = package("json")
    assert sig_path_for(path) == path.parent / "operator-certificate-upload.json.sig"
    assert sig_path_for("out/a.xml") == Path("out/a.xml.sig")
    doc = sign_package(path, sm2_key)
    written = path.parent / "operator-certificate-upload.json.sig"
    assert json.loads(written.read_text("utf-8")) == doc
    assert verify_package(path, sm2_key.public_key()).ok  # found where signing put it


def test_the_signed_bytes_are_the_prefix_and_sorted_compact_utf8_json() -> None:
    doc = {"version": 1, "header": {"sender": "漳州", "a": [1, 2]}, "signature": "ignored", "format": "x"}
    expected = '{"format":"x","header":{"a":[1,2],"sender":"漳州"},"version":1}'
    assert to_be_signed(doc) == b"sedata-signature/1\n" + expected.encode("utf-8")
