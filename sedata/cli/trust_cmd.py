"""``sedata sign``, ``sedata verify`` and ``sedata keygen``: detached signatures of exchange packages.

``verify`` reports every check (key, signature, bytes, read, header, count, digest, and with a certificate its
fitness for signing, validity now and at the signing time) and exits 0 when all hold, 1 when one fails, 2 when
the input is unusable (missing or malformed ``.sig``, unknown algorithm, unreadable certificate, missing
package). Messages are Chinese first, then English; never a traceback.
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
_SIGNED_VS_NOW = {"key", "bytes", "header", "count", "digest"}
"""Checks whose expected value is what was signed and actual value what the file holds now."""


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
    """验证报文签名、记录数与摘要 / Verify a package's signature, record count and digest, check by check.

    With a certificate, it is judged too: CA certificates and keys without digitalSignature or nonRepudiation
    usage fail, as do an expired certificate and a signing time outside its validity or in the future.
    """
    from sedata.trust.errors import TrustError
    from sedata.trust.keys import load_public_file
    from sedata.trust.package import verify_package

    try:
        public, certificate = load_public_file(cert)
    except TrustError as exc:
        _fail(exc)
    result = verify_package(file, public, sig, certificate=certificate)
    if as_json:
        console.print_json(json.dumps(_as_data(result), ensure_ascii=False))
        raise typer.Exit(result.exit_code)
    if result.error is not None:
        _fail(result.error)
    for check in result.checks:
        line = f"{_MARK[check.status]} {check.name:<11} {check.zh} / {check.en}"
        if check.status == "failed" and check.expected is not None:
            if check.name in _SIGNED_VS_NOW:
                line += f"\n      签名时 / signed: {check.expected}\n      现为 / now:     {check.actual}"
            else:
                line += f"\n      应为 / expected: {check.expected}\n      实为 / actual:   {check.actual}"
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
    uscc: Annotated[
        str | None,
        typer.Option("--uscc", help="The holder's unified social credit code, put in the certificate subject."),
    ] = None,
    days: Annotated[int, typer.Option("--days", min=1, help="Days the certificate is valid.")] = 365,
    force: Annotated[bool, typer.Option("--force", help="Replace existing files (atomically).")] = False,
    mask: Annotated[
        bool, typer.Option("--mask", help="Write a pseudonymisation key (mask-key.txt, 256 bits) instead.")
    ] = False,
) -> None:
    """生成测试密钥与自签名证书 / Make a test key pair and a self-signed certificate (PEM), or a masking key.

    Private keys are created readable by their owner only (0600), also when --force replaces a file, and are
    never written through a symbolic link.
    """
    import secrets

    from sedata.codes import uscc as uscc_code
    from sedata.trust.files import write_new
    from sedata.trust.keys import PrivateKey, self_signed_certificate

    if uscc is not None and not uscc_code.is_valid(uscc):
        fail(
            escape(f"--uscc 不是有效的统一社会信用代码：{uscc}"),
            escape(f"--uscc is not a valid unified social credit code: {uscc}"),
            EXIT_USAGE,
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(escape(f"无法创建目录 {out}：{exc.strerror}"), escape(f"cannot create the folder {out}: {exc.strerror}"))
    if mask:
        files = {"mask": (out / "mask-key.txt", (secrets.token_hex(32) + "\n").encode("ascii"), 0o600)}
    else:
        key = PrivateKey.generate(alg.value)
        files = {
            "key": (out / f"{alg.value}-key.pem", key.to_pem(), 0o600),
            "cert": (out / f"{alg.value}-cert.pem", self_signed_certificate(key, name, days, uscc=uscc), 0o644),
            "pub": (out / f"{alg.value}-pub.pem", key.public_key().to_pem(), 0o644),
        }
    for path, _, _ in files.values():
        check_output(path)  # --force replaces regular files only, never a link or a device
    existing = [str(p) for p, _, _ in files.values() if os.path.lexists(p)]
    if existing and not force:
        fail(
            escape(f"文件已存在：{', '.join(existing)}（用 --force 覆盖）"),
            escape(f"files exist: {', '.join(existing)} (use --force to overwrite)"),
            EXIT_USAGE,
        )
    try:
        for path, data, mode in files.values():
            write_new(path, data, mode=mode, replace=force)
    except FileExistsError as exc:
        fail(escape(f"文件已存在：{exc.filename}"), escape(f"the file exists: {exc.filename}"), EXIT_USAGE)
    except OSError as exc:
        fail(escape(f"无法写入：{exc}"), escape(f"cannot write: {exc}"), EXIT_USAGE)
    if mask:
        console.print(
            f"已生成 / generated {files['mask'][0]} (假名化密钥，256 位 / pseudonymisation key, 256 bits; "
            "mask --key-file)",
            markup=False,
            soft_wrap=True,
        )
        return
    console.print(
        f"已生成 / generated {alg.value} key {key.public_key().key_id}\n"
        f"  {files['key'][0]} (私钥 / private key)\n  {files['cert'][0]} (自签名证书 / self-signed certificate)\n"
        f"  {files['pub'][0]} (公钥 / public key)",
        markup=False,
        soft_wrap=True,
    )


def signers(
    trust: Annotated[
        list[Path], typer.Argument(help="Trust folders or files, as given to validate --trust (PEM, signers.yaml).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """列出信任库：谁可代表谁签名 / Show a trust store: each key, whom it may sign for, and what is wrong with it.

    What ``validate --trust`` would accept, so that a receiver can check its trust folder and signer map
    (docs/trust-model.md). Exit 0 when every signing key may sign, 1 when one may not, 2 when the store cannot
    be read.
    """
    import datetime as dt

    from sedata.trust.errors import TrustError
    from sedata.trust.policy import TrustStore
    from sedata.trust.text import shown

    try:
        store = TrustStore.load(trust)
    except TrustError as exc:
        _fail(exc)
    now = dt.datetime.now(dt.UTC)
    rows: list[dict[str, Any]] = []
    for key_id, (key, cert) in sorted(store.entries.items(), key=lambda kv: (kv[1][1] is None, kv[0])):
        problems = [] if cert is None else cert.signing_problems()
        if cert is not None and not cert.ca and not cert.valid_at(now):
            problems.append((f"现在不在有效期内（{cert.validity()}）", f"not valid now (valid {cert.validity()})"))
        chain = store.chain_problem(key_id, None)
        if chain is not None:
            problems.append(chain)
        grants = [
            {"senders": sorted(g.senders), "messageTypes": sorted(g.message_types or ()) or None, "source": g.source}
            for g in store.grants.get(key_id, [])
        ]
        if cert is not None and cert.senders:
            grants.insert(0, {"senders": list(cert.senders), "messageTypes": None, "source": "certificate"})
        kind = "public key" if cert is None else "CA" if cert.ca else "self-signed" if cert.self_signed else "issued"
        rows.append(
            {
                "keyId": key_id,
                "algorithm": key.algorithm,
                "subject": None if cert is None else shown(cert.subject),
                "kind": kind,
                "validity": None if cert is None else cert.validity(),
                "maySignFor": grants,
                "problems": [{"zh": zh, "en": en} for zh, en in problems],
            }
        )
    signing = [r for r in rows if r["kind"] != "CA"]
    code = 0 if all(not r["problems"] and r["maySignFor"] for r in signing) else 1
    if as_json:
        console.print_json(json.dumps({"keys": rows, "exitCode": code}, ensure_ascii=False))
        raise typer.Exit(code)
    for r in rows:
        head = f"{r['keyId'][:16]}… {r['algorithm']} {r['kind']}" + (f" — {r['subject']}" if r["subject"] else "")
        console.print(head, markup=False, soft_wrap=True, style="bold")
        if r["validity"]:
            console.print(f"  有效期 / valid: {r['validity']}", markup=False, soft_wrap=True)
        if r["kind"] == "CA":
            console.print("  根证书，只签发证书 / root: issues certificates only", markup=False, soft_wrap=True)
        elif not r["maySignFor"]:
            console.print("  ✗ 不能代表任何单位 / may sign for no unit", markup=False, soft_wrap=True, style="red")
        for g in r["maySignFor"]:
            types = ", ".join(g["messageTypes"]) if g["messageTypes"] else "全部 / all"
            console.print(
                f"  可代表 / may sign for: {', '.join(g['senders'])} · 报文类型 / types: {types} · {g['source']}",
                markup=False,
                soft_wrap=True,
            )
        for p in r["problems"]:
            console.print(f"  ✗ {p['zh']} / {p['en']}", markup=False, soft_wrap=True, style="red")
    raise typer.Exit(code)
