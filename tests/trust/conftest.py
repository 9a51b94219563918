"""Keys made once per session (one per algorithm) and fresh copies of the example packages per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sedata.trust import keys

REPO = Path(__file__).resolve().parents[2]
MESSAGES = REPO / "examples" / "messages"
CERTIFICATES = REPO / "examples" / "entities" / "OperatorCertificate.json"
FORMATS = ("json", "jsonl", "xml")


@pytest.fixture(scope="session")
def private_keys() -> dict[str, keys.PrivateKey]:
    return {alg: keys.PrivateKey.generate(alg) for alg in keys.ALGORITHMS}


@pytest.fixture(scope="session")
def sm2_key(private_keys: dict[str, keys.PrivateKey]) -> keys.PrivateKey:
    return private_keys[keys.SM2]


@pytest.fixture
def package(tmp_path: Path):
    """``package(fmt)``: a fresh copy of the operator-certificate upload in ``fmt``."""

    def make(fmt: str, name: str = "operator-certificate-upload") -> Path:
        target = tmp_path / f"{name}.{fmt}"
        shutil.copyfile(MESSAGES / f"{name}.{fmt}", target)
        return target

    return make
