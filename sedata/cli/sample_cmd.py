"""``sedata sample``: write realistic, deterministic sample messages (optionally with known defects)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from sedata.cli._out import check_output, console, err_console, fail, message_output, write_output

if TYPE_CHECKING:
    from sedata.exchange import Record

# Sample parties: the 漳州 and 湘西 inspection institutes and supervision offices are invented units
# with valid codes (python-stdnum test vectors), not real bodies.
DEFAULT_SENDER = "91310115MA1K3BTP2B"
DEFAULT_RECEIVER = "91110000600037341L"


def sample(
    message_type: Annotated[str, typer.Argument(help="Message type, e.g. inspection-upload.")],
    out: Annotated[Path, typer.Option("--out", help="File to write (.json, .jsonl, .xml); - for stdout (with --to).")],
    count: Annotated[int, typer.Option("--count", min=0, help="Number of records.")] = 100,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same records.")] = 0,
    invalid_rate: Annotated[
        float, typer.Option("--invalid-rate", min=0.0, max=1.0, help="Share of records broken in one known way.")
    ] = 0.0,
    mode: Annotated[
        str | None, typer.Option("--mode", help="changes or snapshot (default: changes, a change set).")
    ] = None,
    sender: Annotated[str, typer.Option("--sender", help="Sender's unified social credit code.")] = DEFAULT_SENDER,
    receiver: Annotated[str, typer.Option("--receiver", help="Receiver's code.")] = DEFAULT_RECEIVER,
    sequence: Annotated[int, typer.Option("--sequence", min=1, help="Channel sequence number.")] = 1,
    to: Annotated[str | None, typer.Option("--to", help="json, jsonl or xml (default: from --out).")] = None,
    defects: Annotated[
        Path | None, typer.Option("--defects", help="Write the injected defects here (JSON Lines).")
    ] = None,
    inconsistent_rate: Annotated[
        float,
        typer.Option(
            "--inconsistent-rate",
            min=0.0,
            max=1.0,
            help="registration-download: share of registrations that disagree with the inspection data.",
        ),
    ] = 0.0,
    today: Annotated[
        str | None, typer.Option("--today", help="Report date the sample's dates lead up to (default: today).")
    ] = None,
) -> None:
    """生成样例报文 / Write a realistic sample message (deterministic for a seed and --today).

    One seed is one population of devices: registration-download's N records register the first N devices,
    inspection-upload's N records are the first N/2 devices' Equipment and Inspection records.
    """
    import datetime as dt

    from sedata.exchange import ExchangeError, write
    from sedata.sample.generator import sample_records
    from sedata.spec import current
    from sedata.spec.envelope import CHANGES

    spec = current()
    mode = mode or CHANGES
    if message_type not in spec.messages:
        fail(
            f"未知报文类型 {message_type!r}（可选：{'、'.join(spec.messages)}）",
            f"unknown message type {message_type!r} (one of: {', '.join(spec.messages)})",
        )
    if mode not in spec.messages[message_type].modes:
        fail(
            f"报文方式应为 {spec.messages[message_type].modes}",
            f"mode must be one of {spec.messages[message_type].modes}",
        )
    if str(out) == "-" and to is None:
        fail("输出到标准输出（-）时须用 --to 指定格式", "writing to standard output (-) needs --to FORMAT")
    if defects is not None and str(defects) != "-":
        check_output(defects)  # before the message is written: both are written, or neither
    try:
        report_date = dt.date.fromisoformat(today) if today else dt.date.today()
    except ValueError:
        fail(f"--today 应为 YYYY-MM-DD，而不是 {today}", f"--today is YYYY-MM-DD, not {today}")
    found: list[dict[str, object]] = []

    def records() -> Iterator[Record]:
        for record, defect in sample_records(
            message_type,
            count,
            seed,
            invalid_rate,
            mode,
            today=report_date,
            inconsistent_rate=inconsistent_rate,
        ):
            if defect is not None:
                found.append(
                    {
                        "index": defect.index,
                        "recordType": defect.record_type,
                        "field": defect.field,
                        "kind": defect.kind,
                    }
                )
            yield record

    try:
        with message_output(out, f".{to}" if to else "") as written:
            header = write(
                written,
                records(),
                message_type=message_type,
                sender=sender,
                receiver=receiver,
                sequence=sequence,
                mode=mode,
                format=to,
            )
    except ExchangeError as exc:
        where = f"{exc.file}: " if exc.file else ""
        fail(escape(f"{where}{exc.zh}"), escape(f"{where}{exc.en}"))
    except OSError as exc:
        fail(escape(f"无法写入 {out}：{exc.strerror}"), escape(f"cannot write {out}: {exc.strerror}"))
    if defects is not None:
        write_output(defects, "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in found))
    (err_console if str(out) == "-" else console).print(
        f"已写入 / wrote {out}: {header.record_count} records, {len(found)} with injected defects, "
        f"digest {header.digest_algorithm}:{header.digest[:16]}…",
        markup=False,
        soft_wrap=True,
    )
