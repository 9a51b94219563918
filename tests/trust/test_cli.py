"""``sedata keygen|sign|verify`` and ``sedata cert qr|verify`` from the command line: exit codes and messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sedata.cli.main import app

from .conftest import CERTIFICATES

runner = CliRunner()


@pytest.fixture(scope="module")
def key_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("keys")
    for alg in ("sm2", "ed25519"):
        done = runner.invoke(app, ["keygen", "--alg", alg, "--out", str(out), "--name", "测试签发机构"])
        assert done.exit_code == 0, done.output
    return out


def _run(*args: str) -> tuple[int, str]:
    done = runner.invoke(app, list(args))
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception  # never a traceback
    return done.exit_code, done.output


def test_keygen_files(key_dir: Path) -> None:
    assert {p.name for p in key_dir.iterdir()} >= {"sm2-key.pem", "sm2-cert.pem", "sm2-pub.pem"}
    assert (key_dir / "sm2-key.pem").stat().st_mode & 0o077 == 0
    code, out = _run("keygen", "--alg", "sm2", "--out", str(key_dir))
    assert code == 2 and "--force" in out


def test_sign_and_verify(package, key_dir: Path) -> None:
    path = package("xml")
    code, out = _run("sign", str(path), "--key", str(key_dir / "sm2-key.pem"), "--alg", "sm2")
    assert code == 0 and "已签名" in out and "signed" in out
    code, out = _run("verify", str(path), "--cert", str(key_dir / "sm2-cert.pem"))
    assert code == 0 and "验证通过 / verified" in out
    code, out = _run("verify", str(path), "--cert", str(key_dir / "sm2-pub.pem"), "--json")
    assert code == 0 and json.loads(out)["verified"] is True
    code, out = _run("verify", str(path), "--cert", str(key_dir / "ed25519-cert.pem"))
    assert code == 1 and "wrong-key" in out and "密钥" in out


def test_verify_reports_each_failure(package, key_dir: Path) -> None:
    path = package("json")
    _run("sign", str(path), "--key", str(key_dir / "sm2-key.pem"))
    path.write_text(path.read_text("utf-8").replace('"sequence":12', '"sequence":13'), "utf-8")
    code, out = _run("verify", str(path), "--cert", str(key_dir / "sm2-cert.pem"), "--json")
    report = json.loads(out)
    assert code == 1 and report["exitCode"] == 1
    failed = {c["code"] for c in report["checks"] if c["status"] == "failed"}
    assert failed == {"bytes-changed", "header-changed"}


def test_unusable_input_exits_2(package, key_dir: Path, tmp_path: Path) -> None:
    path = package("json")
    code, out = _run("verify", str(path), "--cert", str(key_dir / "sm2-cert.pem"))
    assert code == 2 and "sig-missing" in out
    (tmp_path / "bad.pem").write_text("nothing", "utf-8")
    code, out = _run("verify", str(path), "--cert", str(tmp_path / "bad.pem"))
    assert code == 2 and "key-unusable" in out
    code, out = _run("sign", str(path), "--key", str(key_dir / "sm2-key.pem"), "--alg", "ed25519")
    assert code == 2 and "ed25519" in out
    code, out = _run("sign", str(tmp_path / "none.json"), "--key", str(key_dir / "sm2-key.pem"))
    assert code == 2


def test_cert_qr_and_verify(key_dir: Path, tmp_path: Path) -> None:
    png = tmp_path / "cert.png"
    code, out = _run(
        "cert", "qr", str(CERTIFICATES), "--index", "2", "--key", str(key_dir / "sm2-key.pem"), "--out", str(png)
    )
    assert code == 0 and png.exists() and "QR 9-M" in out
    payload = out.splitlines()[0]
    code, out = _run("cert", "verify", payload, "--cert", str(key_dir / "sm2-cert.pem"), "--today", "2026-06-01")
    assert code == 0 and "田*" in out and "Q2 起重机司机" in out and "在有效期内" in out
    code, out = _run("cert", "verify", payload, "--cert", str(key_dir / "sm2-cert.pem"), "--today", "2030-01-01")
    assert code == 1 and "EXPIRED" in out
    code, out = _run("cert", "verify", payload, "--cert", str(key_dir / "ed25519-cert.pem"))
    assert code == 1 and "no matching certificate" in out
    code, out = _run("cert", "verify", "SE1:AAAA", "--cert", str(key_dir / "sm2-cert.pem"))
    assert code == 2 and "payload-malformed" in out


def test_cert_qr_url_form_and_image_input(key_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("zxingcpp", reason="zxing-cpp not installed: image input not tested")
    png = tmp_path / "url.png"
    base = "https://tzsb.example.gov.cn/verify"
    code, out = _run(
        "cert", "qr", str(CERTIFICATES), "--index", "3", "--key", str(key_dir / "ed25519-key.pem"),
        "--out", str(png), "--url", base,
    )  # fmt: skip
    assert code == 0 and out.startswith(base + "?c=SE1:")
    code, out = _run("cert", "verify", str(png), "--cert", str(key_dir / "ed25519-cert.pem"), "--json")
    facts = json.loads(out)
    assert code == 1 and facts["signatureValid"] and facts["expired"] and facts["holderName"] == "陈*"


def test_cert_qr_refuses_bad_input(key_dir: Path, tmp_path: Path) -> None:
    code, out = _run("cert", "qr", str(CERTIFICATES), "--key", str(key_dir / "sm2-key.pem"), "--out", "x.png")
    assert code == 2 and "--index" in out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"certificateNo": "1"}), "utf-8")
    code, out = _run("cert", "qr", str(bad), "--key", str(key_dir / "sm2-key.pem"), "--out", str(tmp_path / "b.png"))
    assert code == 2 and "certificate-invalid" in out


def test_keygen_into_a_folder_that_cannot_be_made_is_a_usage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", "utf-8")
    result = runner.invoke(app, ["keygen", "--out", str(blocker / "keys")])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)  # not an OSError
    assert "cannot create the folder" in result.output
