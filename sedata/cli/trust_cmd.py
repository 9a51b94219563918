"""``sedata sign``, ``sedata verify`` and ``sedata keygen``: detached signatures of exchange packages.

``verify`` reports every check (key, signature, bytes, read, header, count, digest) and exits 0 when all
hold, 1 when one fails, 2 when the input is unusable (missing or malformed ``.sig``, unknown algorithm,
unreadable certificate, missing package). Messages are Chinese first, then English; never a traceback.
"""

from __future__ import annotations

import json
import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.markup import escape

from sedata.cli._out import EXIT_USAGE, check_output, console, fail

if TYPE_CHECKING:
    from sedata.trust.errors import TrustError
    from sedata.trust.package import Verification


class Alg(StrEnum):
    sm2 = "sm2"
    ecdsa_p256 = "ecdsa-p256"
    ed25519 = "ed25519"


_MARK = {"ok": "✓", "failed": "✗", "not-checked": "–"}


def _fail(exc: TrustError) -> NoReturn:
    where = f"{exc.file}: " if exc.file else ""
    fail(escape(f"{where}{exc.zh} [{exc.code}]"), escape(f"{where}{exc.en} [{exc.code}]"), exc.exit_code)


def sign(
    file: Annotated[Path, typer.Argument(help="The package to sign (JSON, JSON Lines or XML).")],
    key: Annotated[Path, typer.Option("--key", help="Private key, PEM (PKCS#8 or SEC1).")],
    alg: Annotated[Alg | None, typer.Option("--alg", help="Expected algorithm (default: the key's).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Where to write the signature (default: FILE.sig).")] = None,
) -> None:
    """为报文生成分离式签名 / Sign a package: write a detached signature FILE.sig."""
    from sedata.trust.errors import TrustError
    from sedata.trust.keys import load_private_file
    from sedata.trust.package import sig_path_for, sign_package

    check_output(out or sig_path_for(file))
    try:
        private = load_private_file(key)
        if alg is not None and alg.value != private.algorithm:
            raise TrustError(
                "wrong-key",
                f"密钥算法为 {private.algorithm}，与 --alg {alg.value} 不符",
                f"the key is {private.algorithm}, not {alg.value} as --alg says",
                file=str(key),
            )
        doc = sign_package(file, private, out)
    except TrustError as exc:
        _fail(exc)
    target = out or sig_path_for(file)
    console.print(
        f"已签名 / signed {file} → {target}: {doc['algorithm']}, key {doc['keyId'][:16]}…, "
        f"{doc['payload']['recordCount']} records, {doc['payload']['digestAlgorithm']} {doc['payload']['digest']}",
        markup=False,
        soft_wrap=True,
    )


def verify(
    file: Annotated[Path, typer.Argument(help="The package to verify.")],
    cert: Annotated[Path, typer.Option("--cert", help="The signer's certificate or public key, PEM.")],
    sig: Annotated[Path | None, typer.Option("--sig", help="The signature file (default: FILE.sig).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the checks as JSON.")] = False,
) -> None:
    """验证报文签名、记录数与摘要 / Verify a package's signature, record count and digest, check by check."""
    from sedata.trust.errors import TrustError
    from sedata.trust.keys import load_public_file
    from sedata.trust.package import verify_package

    try:
        public, _certificate = load_public_file(cert)
    except TrustError as exc:
        _fail(exc)
    result = verify_package(file, public, sig)
    if as_json:
        console.print_json(json.dumps(_as_data(result), ensure_ascii=False))
        raise typer.Exit(result.exit_code)
    if result.error is not None:
        _fail(result.error)
    for check in result.checks:
        line = f"{_MARK[check.status]} {check.name:<9} {check.zh} / {check.en}"
        if check.status == "failed" and check.expected is not None:
            line += f"\n      签名时 / signed: {check.expected}\n      现为 / now:     {check.actual}"
        console.print(line, markup=False, soft_wrap=True, style="red" if check.status == "failed" else None)
    if result.ok:
        console.print(f"验证通过 / verified: {file}", markup=False, style="green")
    else:
        codes = ", ".join(c.code or c.name for c in result.failures)
        console.print(f"验证失败 / verification failed: {file} ({codes})", markup=False, style="bold red")
    raise typer.Exit(result.exit_code)


def _as_data(result: Verification) -> dict[str, Any]:
    error = result.error
    return {
        "file": result.file,
        "signature": result.sig_file,
        "verified": result.ok,
        "exitCode": result.exit_code,
        "error": None if error is None else {"code": error.code, "zh": error.zh, "en": error.en},
        "checks": [
            {
                "name": c.name,
                "status": c.status,
                "code": c.code,
                "zh": c.zh,
                "en": c.en,
                "expected": c.expected,
                "actual": c.actual,
            }
            for c in result.checks
        ],
    }


def keygen(
    out: Annotated[Path, typer.Option("--out", help="Folder to write ALG-key.pem, ALG-cert.pem and ALG-pub.pem.")],
    alg: Annotated[Alg, typer.Option("--alg", help="Signature algorithm.")] = Alg.sm2,
    name: Annotated[str, typer.Option("--name", help="Certificate common name.")] = "sedata test key",
    days: Annotated[int, typer.Option("--days", min=1, help="Days the certificate is valid.")] = 365,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
) -> None:
    """生成测试密钥与自签名证书 / Make a test key pair and a self-signed certificate (PEM)."""
    from sedata.trust.keys import PrivateKey, self_signed_certificate

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(escape(f"无法创建目录 {out}：{exc.strerror}"), escape(f"cannot create the folder {out}: {exc.strerror}"))
    paths = {part: out / f"{alg.value}-{part}.pem" for part in ("key", "cert", "pub")}
    for path in paths.values():
        check_output(path)  # --force replaces regular files only, never a link or a device
    existing = [str(p) for p in paths.values() if p.exists()]
    if existing and not force:
        fail(
            escape(f"文件已存在：{', '.join(existing)}（用 --force 覆盖）"),
            escape(f"files exist: {', '.join(existing)} (use --force to overwrite)"),
            EXIT_USAGE,
        )
    key = PrivateKey.generate(alg.value)
    try:
        # The private key is readable by its owner only.
        fd = os.open(paths["key"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key.to_pem())
        paths["cert"].write_bytes(self_signed_certificate(key, name, days))
        paths["pub"].write_bytes(key.public_key().to_pem())
    except OSError as exc:
        fail(escape(f"无法写入：{exc}"), escape(f"cannot write: {exc}"), EXIT_USAGE)
    console.print(
        f"已生成 / generated {alg.value} key {key.public_key().key_id}\n"
        f"  {paths['key']} (私钥 / private key)\n  {paths['cert']} (自签名证书 / self-signed certificate)\n"
        f"  {paths['pub']} (公钥 / public key)",
        markup=False,
        soft_wrap=True,
    )
