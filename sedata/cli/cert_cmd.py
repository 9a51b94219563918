"""``sedata cert qr|verify``: signed QR codes for operator certificates, verified offline.

``verify`` exits 0 when the payload is authentic and the certificate within its validity, 1 when the
signature does not hold, no given certificate matches, or the certificate is expired or not yet valid, 2 when
the input is unusable. The signature's verdict is printed first; facts that no signature vouches for are shown
under an UNVERIFIED banner, and every fact has its control characters escaped.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.markup import escape

from sedata.cli._out import EXIT_USAGE, check_output, console, fail

if TYPE_CHECKING:
    from sedata.trust.errors import TrustError
    from sedata.trust.qr import QrVerification

app = typer.Typer(help="作业人员证二维码 / Signed QR codes for operator certificates.", no_args_is_help=True)

URL_ENV = "SEDATA_CERT_URL"


class Ecc(StrEnum):
    l = "l"  # noqa: E741 (the QR level names)
    m = "m"
    q = "q"
    h = "h"


def _fail(exc: TrustError) -> NoReturn:
    where = f"{exc.file}: " if exc.file else ""
    fail(escape(f"{where}{exc.zh} [{exc.code}]"), escape(f"{where}{exc.en} [{exc.code}]"), exc.exit_code)


def _record(path: Path, index: int | None) -> dict[str, Any]:
    from sedata.io import InputError
    from sedata.io.limits import RECORD_FILE_LIMIT, read_limited

    try:
        data = json.loads(read_limited(path, RECORD_FILE_LIMIT).decode("utf-8"))
    except InputError as exc:
        fail(
            escape(f"{path}: 无法读取证书记录：{exc.zh}"),
            escape(f"{path}: cannot read the certificate record: {exc.en}"),
        )
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        fail(escape(f"{path}: 无法读取证书记录：{exc}"), escape(f"{path}: cannot read the certificate record: {exc}"))
    if isinstance(data, list):
        if index is None and len(data) != 1:
            fail(
                escape(f"{path} 含 {len(data)} 条记录，请用 --index 指定"),
                escape(f"{path} holds {len(data)} records; choose one with --index"),
            )
        try:
            data = data[index or 0]
        except IndexError:
            fail(escape(f"没有第 {index} 条记录"), escape(f"there is no record {index}"))
    if not isinstance(data, dict):
        fail(escape(f"{path}: 应为证书记录对象"), escape(f"{path}: expected a certificate record object"))
    return data


@app.command("qr")
def qr(
    cert: Annotated[Path, typer.Argument(help="An OperatorCertificate record (JSON, exchange names).")],
    key: Annotated[Path, typer.Option("--key", help="The issuer's private key, PEM.")],
    out: Annotated[Path, typer.Option("--out", help="Image to write: .png (300 dpi) or .svg (mm).")],
    index: Annotated[int | None, typer.Option("--index", help="Record number when the file holds a list.")] = None,
    url: Annotated[
        str | None,
        typer.Option("--url", envvar=URL_ENV, help="Encode the URL BASE?c=PAYLOAD instead of the bare payload."),
    ] = None,
    size_mm: Annotated[float, typer.Option("--size-mm", min=5, help="Printed width incl. quiet zone, mm.")] = 25.0,
    error: Annotated[Ecc, typer.Option("--error", help="Minimum error correction level.")] = Ecc.m,
) -> None:
    """生成作业人员证签名二维码 / Make the signed QR code of an operator certificate."""
    from sedata.trust import qr as qrcode
    from sedata.trust.errors import TrustError
    from sedata.trust.keys import load_private_file

    check_output(out)
    record = _record(cert, index)
    try:
        payload = qrcode.encode(qrcode.facts_from_record(record), load_private_file(key))
        drawn = _render(payload, out, url_base=url, error=error.value, size_mm=size_mm)
    except TrustError as exc:
        _fail(exc)
    except OSError as exc:
        fail(escape(f"无法写入 {out}：{exc}"), escape(f"cannot write {out}: {exc}"), EXIT_USAGE)
    text = qrcode.url(payload, url) if url else payload
    console.print(text, markup=False, soft_wrap=True)
    console.print(
        f"已写入 / written {out}: QR {drawn.version}-{drawn.error}, {drawn.modules}×{drawn.modules} modules, "
        f"{drawn.module_mm} mm/module, {drawn.size_mm} mm wide; {len(text)} characters",
        markup=False,
        soft_wrap=True,
    )


def _render(payload: str, out: Path, **options: Any) -> Any:
    """Draw the QR code into a temporary file beside ``out``, then rename it into place (never a half image)."""
    from sedata.io import output
    from sedata.trust import qr as qrcode

    temp, f = output.temporary(out, out.suffix)
    f.close()
    try:
        drawn = qrcode.render(payload, temp, **options)
        output.commit(temp, out)
        return drawn
    finally:
        output.discard(temp)


def _payload_text(given: str) -> str:
    """The payload text: given directly, ``-`` for standard input, or decoded from a PNG/JPEG image."""
    if given == "-":
        return sys.stdin.read()
    path = Path(given)
    if path.suffix.lower() in (".png", ".jpg", ".jpeg") and path.is_file():
        try:
            import zxingcpp
            from PIL import Image
        except ImportError:
            fail(
                "读取图片需要 zxing-cpp 与 pillow（pip install 'sedata[qr]'），或直接给出二维码文字",
                "reading an image needs zxing-cpp and pillow (pip install 'sedata[qr]'), or give the QR text",
            )
        found = zxingcpp.read_barcodes(Image.open(path))
        if not found:
            fail(escape(f"{path}: 图中未找到二维码"), escape(f"{path}: no QR code found in the image"), 1)
        return str(found[0].text)
    return given


@app.command("verify")
def verify(
    payload: Annotated[str, typer.Argument(help="The QR text (SE1:… or a URL with c=…), '-' for stdin, or an image.")],
    cert: Annotated[list[Path], typer.Option("--cert", help="Issuer certificate or public key, PEM (repeatable).")],
    today: Annotated[
        str | None, typer.Option("--today", help="Check validity on this date, YYYY-MM-DD (default: today).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """离线验证作业人员证二维码 / Verify a certificate QR code offline; print its facts and validity."""
    from sedata.trust import qr as qrcode
    from sedata.trust.errors import TrustError
    from sedata.trust.keys import load_public_file

    try:
        day = dt.date.fromisoformat(today) if today else None
    except ValueError:
        fail(escape(f"--today 应为 YYYY-MM-DD：{today}"), escape(f"--today must be YYYY-MM-DD: {today}"))
    try:
        trusted = [load_public_file(p)[0] for p in cert]
        result = qrcode.verify(_payload_text(payload), trusted, day)
    except TrustError as exc:
        _fail(exc)
    if as_json:
        console.print_json(json.dumps(_as_data(result), ensure_ascii=False))
    else:
        _print(result)
    raise typer.Exit(result.exit_code)


def _items(table: str, items: tuple[str, ...]) -> list[str]:
    from sedata.codes import operator_item
    from sedata.codes._base import InvalidCode

    out = []
    for code in items:
        try:
            item = operator_item.lookup(code, table)
            out.append(f"{code} {item.name}" + (f" / {item.en}" if item.en else ""))
        except InvalidCode:
            out.append(f"{code} (？)")
    return out


def _status(result: QrVerification) -> tuple[str, str]:
    facts = result.decoded.facts
    if result.expired:
        days = (result.today - facts.expiry_date).days
        return f"已过期（{days} 天前）", f"EXPIRED ({days} days ago)"
    if result.not_yet_valid:
        return "尚未生效", "not yet valid"
    return "在有效期内", "valid"


def _signature(result: QrVerification) -> tuple[str, str]:
    alg = result.decoded.algorithm
    if result.key is None:
        prefix = result.decoded.key_id_prefix
        return f"无匹配的证书（密钥 {prefix}…）", f"no matching certificate (key {prefix}…)"
    if result.signature_valid:
        return f"有效（{alg}）", f"valid ({alg})"
    return f"无效（{alg}）：内容被改动或伪造", f"INVALID ({alg}): altered or forged"


def _print(result: QrVerification) -> None:
    from sedata.trust.text import shown

    f = result.decoded.facts
    sig_zh, sig_en = _signature(result)
    st_zh, st_en = _status(result)
    # The verdict on the signature comes first: the facts are the payload's own text, so before they are shown
    # the reader must know whether a signature vouches for them (an authority's name could hold "verified").
    console.print(f"签名 / Signature: {sig_zh} / {sig_en}", markup=False, soft_wrap=True)
    if not result.signature_valid:
        console.print(
            "⚠ 未经验证 / UNVERIFIED：以下内容未经签名证实，不可采信 / "
            "the facts below are not vouched for by a signature",
            markup=False,
            soft_wrap=True,
            style="bold red",
        )
    lines = [
        f"证书编号 / Certificate number: {f.certificate_no}",
        f"持证人 / Holder: {f.holder_name}",
        f"作业项目 / Items ({f.item_table}): " + "; ".join(_items(f.item_table, f.items)),
        f"发证机关 / Issuing authority: {f.issuing_authority}",
        f"发证日期 / Issued: {f.issue_date.isoformat()}",
        f"有效期至 / Valid until: {f.expiry_date.isoformat()}",
        f"状态 / Status: {st_zh} / {st_en}（{result.today.isoformat()}）",
    ]
    prefix = "  ? " if not result.signature_valid else ""
    for line in lines:
        console.print(prefix + shown(line), markup=False, soft_wrap=True)
    if result.ok:
        console.print("验证通过 / verified", markup=False, style="green")
    else:
        console.print("验证未通过 / not verified", markup=False, style="bold red")


def _as_data(result: QrVerification) -> dict[str, Any]:
    f = result.decoded.facts
    return {
        "certificateNo": f.certificate_no,
        "holderName": f.holder_name,
        "itemTable": f.item_table,
        "operatorItems": list(f.items),
        "issuingAuthority": f.issuing_authority,
        "issueDate": f.issue_date.isoformat(),
        "expiryDate": f.expiry_date.isoformat(),
        "algorithm": result.decoded.algorithm,
        "keyId": result.key.key_id if result.key else None,
        "signatureValid": result.signature_valid,
        "expired": result.expired,
        "notYetValid": result.not_yet_valid,
        "today": result.today.isoformat(),
        "verified": result.ok,
    }
