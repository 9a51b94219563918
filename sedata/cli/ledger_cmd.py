"""``sedata ledger``: list a sequence ledger, or check packages against one on their own.

``show`` lists each channel (sender → receiver, message type) with the numbers still missing and its packages;
``check`` reads packages whole and reports gaps, replays, conflicts and late packages (SE-SEQ), recording each
package read whole. A file that is not a ledger, or one written by a newer sedata, is an error (exit 2).
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import JustifyMethod
from rich.markup import escape
from rich.table import Table

from sedata.cli._out import EXIT_USAGE, check_database, console, fail, internal_error
from sedata.cli._report import FailOn, Lang, emit

if TYPE_CHECKING:
    from sedata.ledger import Arrival, Channel, ChannelState, Entry, LedgerError

app = typer.Typer(
    help="序号账本 / The sequence ledger: packages received per channel, across runs.",
    no_args_is_help=True,
)


class ShowFormat(StrEnum):
    text = "text"
    json = "json"


_STANDING = {"accepted": "已接收 accepted", "resent": "重发 resent", "conflict": "冲突 conflict"}
_KIND = {
    "gap": "缺号 gap",
    "late": "乱序 late",
    "replay": "重放 replay",
    "resent": "重发 resent",
    "same-content": "内容重复 same content",
    "conflict": "冲突 conflict",
    "id-reused": "标识重用 id reused",
    "rejected": "拒收 rejected",
}


def _ledger_error(exc: LedgerError) -> NoReturn:
    fail(escape(exc.zh), escape(exc.en), EXIT_USAGE)


def _matches(channel: Channel, patterns: list[tuple[str, ...]]) -> bool:
    """``SENDER/RECEIVER/TYPE`` patterns; a part that is empty or ``*`` (or left out at the end) matches anything."""
    if not patterns:
        return True
    parts = (channel.sender, channel.receiver, channel.message_type)
    return any(all(p in ("", "*") or p == v for p, v in zip(pattern, parts, strict=False)) for pattern in patterns)


def _patterns(channel: list[str] | None) -> list[tuple[str, ...]]:
    out = []
    for text in channel or ():
        parts = tuple(text.split("/"))
        if len(parts) > 3:
            fail(
                f"--channel 应为 发送方/接收方/报文类型（可省略末尾部分，* 表示任意）：{escape(text)}",
                f"--channel is SENDER/RECEIVER/TYPE (trailing parts may be left out, * matches any): {escape(text)}",
            )
        out.append(parts)
    return out


def show(
    file: Annotated[Path, typer.Argument(help="账本文件 / the ledger file.")],
    channel: Annotated[
        list[str] | None,
        typer.Option(
            "--channel",
            help="只列出此通道：发送方/接收方/报文类型，* 表示任意，可重复 / only this channel: SENDER/RECEIVER/TYPE, "
            "* for any part, repeatable.",
        ),
    ] = None,
    format: Annotated[ShowFormat, typer.Option("--format", "-f", help="输出格式 / output format.")] = ShowFormat.text,
    arrivals: Annotated[
        bool,
        typer.Option("--arrivals", help="逐次列出到达记录及其判定 / list every arrival with its verdict."),
    ] = False,
) -> None:
    """列出账本内容 / List a ledger: per channel, the numbers missing and the packages received."""
    from sedata.ledger import Ledger, LedgerError

    patterns = _patterns(channel)
    check_database(file, "通道台账", "channel ledger")
    try:
        with Ledger(file, create=False) as ledger:
            states = [s for s in ledger.channels() if _matches(s.channel, patterns)]
            listed = [(s, ledger.packages(s.channel), ledger.arrivals(s.channel) if arrivals else None) for s in states]
    except LedgerError as exc:
        _ledger_error(exc)
    if format is ShowFormat.json:
        data = {"ledger": str(file), "channels": [_channel_data(s, p, a) for s, p, a in listed]}
        console.file.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    if not listed:
        console.print("账本中没有通道 / no channel in the ledger" + (" (--channel)" if patterns else ""), markup=False)
    for state, packages, seen in listed:
        _print_channel(state, packages, seen)


def _channel_data(state: ChannelState, packages: list[Entry], seen: list[Arrival] | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "channel": state.channel.to_data(),
        "accepted": state.accepted,
        "highest": state.highest,
        "missing": [list(span) for span in state.missing],
        "arrivals": state.arrivals,
        "events": state.events,
        "packages": [
            {
                **{k: v for k, v in e.package.to_data().items() if k != "channel"},
                "standing": e.standing,
                "firstReceived": e.first_received,
                "file": e.file,
                "arrivals": e.arrivals,
            }
            for e in packages
        ],
    }
    if seen is not None:
        data["arrivalLog"] = [
            {
                "number": a.number,
                "messageId": a.package.message_id,
                "sequence": a.package.sequence,
                "digest": a.package.digest,
                "recordCount": a.package.record_count,
                "receivedAt": a.received_at,
                "file": a.file,
                "events": [e.to_data() for e in a.events],
            }
            for a in seen
        ]
    return data


def _print_channel(state: ChannelState, packages: list[Entry], seen: list[Arrival] | None) -> None:
    from sedata.ledger import spans_text

    ch = state.channel
    missing = spans_text(state.missing) if state.missing else "—"
    events = ", ".join(f"{_KIND.get(k, k)} {n}" for k, n in state.events.items()) or "—"
    console.print(
        f"[bold]通道 / channel[/] {escape(ch.sender)} → {escape(ch.receiver)} ({escape(ch.message_type)})\n"
        f"  已接收 / accepted {state.accepted} · 最大序号 / highest {state.highest} · "
        f"缺号 / missing {escape(missing)} · 到达 / arrivals {state.arrivals} · 判定 / events {escape(events)}",
        soft_wrap=True,
    )
    table = Table()
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("序号\nsequence", "right"),
        ("报文标识\nmessage id", "left"),
        ("记录数\nrecords", "right"),
        ("记录摘要\ndigest", "left"),
        ("生成时间\ncreated", "left"),
        ("首次收到\nfirst received", "left"),
        ("收到次数\narrivals", "right"),
        ("状态\nstanding", "left"),
        ("文件\nfile", "left"),
    )
    for head, justify in columns:
        table.add_column(head, justify=justify)
    for e in packages:
        p = e.package
        table.add_row(
            str(p.sequence),
            escape(p.message_id),
            str(p.record_count),
            escape(_short(p.digest)),
            escape(p.created_at),
            escape(e.first_received),
            str(e.arrivals),
            _STANDING.get(e.standing, e.standing),
            escape(Path(e.file).name if e.file else "—"),
        )
    console.print(table)
    if seen is not None:
        log = Table(title="到达记录 / arrivals")
        for head in ("#", "序号\nsequence", "报文标识\nmessage id", "收到时间\nreceived", "文件\nfile"):
            log.add_column(head)
        log.add_column("判定\nverdict")
        for a in seen:
            log.add_row(
                str(a.number),
                str(a.package.sequence),
                escape(a.package.message_id),
                escape(a.received_at),
                escape(Path(a.file).name if a.file else "—"),
                escape(", ".join(_verdict(e.kind, e.missing) for e in a.events) or "—"),
            )
        console.print(log)
    console.print()


def _verdict(kind: str, missing: tuple[tuple[int, int], ...]) -> str:
    from sedata.ledger import spans_text

    return f"{_KIND.get(kind, kind)} {spans_text(missing)}" if missing else _KIND.get(kind, kind)


def _short(digest: str) -> str:
    algorithm, _, value = digest.partition(":")
    return f"{algorithm}:{value[:12]}…" if len(value) > 12 else digest


def check(
    files: Annotated[list[Path], typer.Argument(help="报文文件，按收到的顺序 / message files, in the order received.")],
    ledger: Annotated[
        Path, typer.Option("--ledger", help="账本文件（不存在则新建）/ the ledger file (created if missing).")
    ],
    format: Annotated[ShowFormat, typer.Option("--format", "-f", help="报告格式 / report format.")] = ShowFormat.text,
    lang: Annotated[Lang, typer.Option("--lang", help="报告语言 / report language.")] = Lang.zh,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="达到此级别即不通过 / lowest severity that fails the check.")
    ] = FailOn.error,
) -> None:
    """按账本检查报文序号 / Check packages against a ledger (gaps, replays, conflicts, order) and record them."""
    from sedata.ledger import LedgerError
    from sedata.validate.layers.sequence import check_report
    from sedata.validate.report import severity

    check_database(ledger, "通道台账", "channel ledger")
    try:
        report = check_report(files, ledger, fail_on=severity(fail_on.value))
    except LedgerError as exc:
        _ledger_error(exc)
    except Exception as exc:  # a bug must still end in a message, not a traceback
        internal_error(exc)
    emit(report, format.value, lang.value)


app.command("show")(show)
app.command("check")(check)
