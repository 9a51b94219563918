"""Layer 6, sequence: the packages of a channel across runs, from a ledger (SE-SEQ-…).

The ledger (:mod:`sedata.ledger`) judges a package by its header against the packages received before; this
module turns its events into findings. Only a package that passed the checks the receiver requires is judged
and recorded: read whole (count and digest verified), no error in its header, and no error of the trust layer
when signatures are checked. Any other is logged as rejected with the rules that failed (SE-SEQ-007), so a
broken, cut-off or forged file never becomes part of the channel's history nor takes a sequence number from
the genuine package. The findings are about the header, so they carry no record index.

:func:`check_packages` runs this layer alone over files (``sedata ledger check``); in a validation,
:func:`file_findings` is called once per file, after the file's records were read and the trust layer ran.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from sedata import __version__
from sedata.elements import MessageHeader
from sedata.ledger import Earlier, Ledger, Package, SequenceEvent, spans_text
from sedata.spec import Spec, current
from sedata.spec.envelope import HEADER, HEADER_ENTITY
from sedata.validate.context import FileContext, Where
from sedata.validate.layers._stream import stream
from sedata.validate.layers.base import FileAt
from sedata.validate.report import FileReport, Finding, Report, Severity, Text
from sedata.validate.shapes import FieldShape, pointer, shapes

RULES: dict[str, str] = {
    "gap": "SE-SEQ-001",
    "replay": "SE-SEQ-002",
    "resent": "SE-SEQ-002",
    "same-content": "SE-SEQ-003",
    "conflict": "SE-SEQ-004",
    "id-reused": "SE-SEQ-005",
    "late": "SE-SEQ-006",
    "rejected": "SE-SEQ-007",
}
"""The rule of each ledger event kind."""

_WHERE = Where(record_type=HEADER_ENTITY)


def findings(
    ctx: FileContext,
    ledger: Ledger,
    header: MessageHeader,
    *,
    whole: bool,
    path: str | os.PathLike[str] | None = None,
    prior: Iterable[Finding] = (),
) -> list[Finding]:
    """The sequence findings of one file's ``header``: judged and recorded in ``ledger`` when it passed, else
    logged as rejected (SE-SEQ-007).

    ``whole``: every record was read and count and digest matched the header (``reader.verified``). ``prior``:
    the file's findings so far; an error of the trust layer or in the header rejects the package.
    Raises :class:`sedata.ledger.LedgerError` when the ledger cannot be used.
    """
    where = path if path is not None else ctx.file
    reasons = rejections(ctx, prior, whole=whole)
    if reasons:
        return event_findings(ctx, ledger.reject(header, reasons, where), header)
    return event_findings(ctx, ledger.record(header, where), header)


def file_findings(at: FileAt) -> list[Finding]:
    """The sequence layer's call in a validation: judge the package against the ledger ``at`` gives."""
    if at.given.ledger is None or at.header is None:
        return []
    report = at.report
    return findings(at.ctx, at.given.ledger, at.header, whole=report.verified, path=at.path, prior=report.findings)


_NOT_WHOLE = "not-read-whole"


def rejections(ctx: FileContext, prior: Iterable[Finding], *, whole: bool) -> tuple[str, ...]:
    """Why a package may not enter its channel: the rules of ``prior``'s errors in the trust layer or the header,
    and ``not-read-whole`` when its records were not all read with matching count and digest."""
    layers = ctx.spec.rule_layers
    rules = {
        f.rule
        for f in prior
        if f.severity == "error"
        and layers.get(f.rule) not in ("sequence", "cross-record")
        and (layers.get(f.rule) == "trust" or (f.pointer or "").startswith(f"/{HEADER}"))
    }
    if not whole:
        rules.add(_NOT_WHOLE)
    return tuple(sorted(rules))


def event_findings(ctx: FileContext, events: Iterable[SequenceEvent], header: MessageHeader | Package) -> list[Finding]:
    """Findings for the ledger's ``events`` about one package (SE-SEQ-003 only in the modes its parameters name)."""
    package = Package.of(header)
    fields = shapes(ctx.spec)[HEADER_ENTITY]
    modes = set(ctx.spec.rule_parameters[RULES["same-content"]].modes)
    channel = Text(
        f"通道 {package.channel.sender} → {package.channel.receiver}（{package.channel.message_type}）",
        f"channel {package.channel.sender} → {package.channel.receiver} ({package.channel.message_type})",
    )

    def add(kind: str, key: str, value: str, expected: Text | str | None, detail: Text) -> Finding:
        field: FieldShape = fields.by_key(key)
        return ctx.finding(
            RULES[kind],
            _WHERE,
            pointer=pointer(HEADER, field.name),
            element=field.ref,
            value=value,
            expected=expected,
            detail=detail,
        )

    out: list[Finding] = []
    for e in events:
        if e.kind == "gap":
            before = (
                Text(f"此前收到的最大序号为 {e.highest}", f"highest received before: {e.highest}")
                if e.highest
                else Text("此前未收到该通道的报文", "nothing received on it before")
            )
            missing = Text(spans_text(e.missing, "、"), spans_text(e.missing))
            out.append(add("gap", "sequence", str(e.sequence), missing, _join(channel, before)))
        elif e.kind == "late":
            out.append(add("late", "sequence", str(e.sequence), str(e.highest), channel))
        elif e.kind in ("replay", "resent") and e.earlier is not None:
            how = (
                Text("报文标识、序号与记录摘要均相同", "same message id, sequence and records digest")
                if e.kind == "replay"
                else Text(
                    "报文标识不同，序号与记录摘要相同（报文头重新生成）",
                    "a new message id with the same sequence and records digest (the header was made anew)",
                )
            )
            out.append(add(e.kind, "message_id", e.message_id, _earlier(e.earlier), _join(how, channel)))
        elif e.kind == "same-content" and e.earlier is not None:
            if package.mode in modes:
                out.append(add(e.kind, "digest", _short(package.digest), _earlier(e.earlier), channel))
        elif e.kind == "conflict" and e.earlier is not None:
            mine = Text(f"本报文记录摘要 {_short(package.digest)}", f"this package's digest {_short(package.digest)}")
            out.append(add(e.kind, "sequence", str(e.sequence), _earlier(e.earlier, digest=True), _join(mine, channel)))
        elif e.kind == "rejected":
            why = ", ".join(e.reasons)
            not_whole = Text("报文未能完整读取或记录数、摘要不符", "not read whole, or count or digest mismatched")
            reasons = (
                Text(
                    "；".join(not_whole.zh if r == _NOT_WHOLE else r for r in e.reasons),
                    why.replace(_NOT_WHOLE, not_whole.en),
                )
                if e.reasons
                else Text("—", "—")
            )
            out.append(add(e.kind, "sequence", str(e.sequence), None, _join(reasons, channel)))
        elif e.kind == "id-reused" and e.earlier is not None:
            mine = Text(
                f"本报文序号 {package.sequence}、记录摘要 {_short(package.digest)}",
                f"this package: sequence {package.sequence}, digest {_short(package.digest)}",
            )
            out.append(add(e.kind, "message_id", e.message_id, _earlier(e.earlier, digest=True), _join(mine, channel)))
    return out


def _short(digest: str) -> str:
    algorithm, _, value = digest.partition(":")
    return f"{algorithm}:{value[:16]}…" if len(value) > 16 else digest


def _join(*parts: Text) -> Text:
    return Text("；".join(p.zh for p in parts), "; ".join(p.en for p in parts))


def _earlier(e: Earlier, *, digest: bool = False) -> Text:
    """The earlier package as people identify it: sequence, message id, when and in which file it came."""
    zh = [f"序号 {e.sequence}", f"报文标识 {e.message_id}"]
    en = [f"sequence {e.sequence}", f"message id {e.message_id}"]
    if digest:
        zh.append(f"记录摘要 {_short(e.digest)}")
        en.append(f"digest {_short(e.digest)}")
    zh.append(f"{e.received_at} 收到")
    en.append(f"received {e.received_at}")
    if e.file:
        zh.append(f"文件 {Path(e.file).name}")
        en.append(f"file {Path(e.file).name}")
    return Text("，".join(zh), ", ".join(en))


# --- this layer on its own: ``sedata ledger check`` ---------------------------------------------------
def check_file(ledger: Ledger, path: str | os.PathLike[str], spec: Spec | None = None) -> FileReport:
    """Read one message whole (count and digest checked), then check it against ``ledger`` and record it if whole.

    A reading error is reported as its SE-SYN finding; a file whose header cannot be read has no channel, so it
    gets no sequence finding.
    """
    spec = spec or current()
    headers: list[MessageHeader] = []
    report = stream(path, spec, _nothing, _nothing, "error", on_header=headers.append)
    if headers:
        ctx = FileContext(spec, str(path))
        report.findings.extend(findings(ctx, ledger, headers[0], whole=report.verified, path=path))
    return report


def _nothing(*_args: object) -> None:
    """This layer reads records only so that count and digest are checked."""


def check_report(
    paths: Iterable[str | os.PathLike[str]],
    ledger_path: str | os.PathLike[str],
    spec: Spec | None = None,
    *,
    fail_on: Severity = "error",
) -> Report:
    """Check each file against the ledger at ``ledger_path`` (created if missing), in order, as one report."""
    spec = spec or current()
    with Ledger(ledger_path) as ledger:
        files = [check_file(ledger, p, spec) for p in paths]
    for fr in files:
        fr.fail_on = fail_on
    return Report(files, spec.info.spec_version, __version__, fail_on)


def check_packages(
    paths: Iterable[str | os.PathLike[str]], ledger_path: str | os.PathLike[str], spec: Spec | None = None
) -> list[tuple[str, list[Finding]]]:
    """Each file with its findings (SE-SEQ, and SE-SYN when it could not be read whole), in the order given."""
    return [(fr.file, fr.findings) for fr in check_report(paths, ledger_path, spec).files]
