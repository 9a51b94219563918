"""``sedata mask IN OUT``: a copy of a message with its personal data masked or pseudonymised.

The profile (``share``, ``publish``, ``pseudonymise``; spec/privacy.yaml) is declared in the output's
header. The pseudonym key comes from ``--key-file`` or the ``SEDATA_MASK_KEY`` environment variable;
``pseudonymise`` refuses to run without one. Bad input, a missing key or an output that is the input exits
2 with a Chinese and English message, never a traceback; nothing printed holds a personal value.
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from sedata.cli._inputs import message_input
from sedata.cli._out import EXIT_USAGE, console, err_console, fail, internal_error, message_output

KEY_ENV = "SEDATA_MASK_KEY"


class Profile(StrEnum):
    share = "share"
    publish = "publish"
    pseudonymise = "pseudonymise"


class Target(StrEnum):
    json = "json"
    jsonl = "jsonl"
    xml = "xml"


def _key(key_file: Path | None) -> bytes | None:
    """The key bytes from the file (a trailing line break dropped) or the environment; None if neither."""
    if key_file is not None:
        from sedata.io import InputError
        from sedata.io.limits import KEY_FILE_LIMIT, read_limited

        try:
            raw = read_limited(key_file, KEY_FILE_LIMIT)
        except InputError as exc:
            fail(
                escape(f"无法读取密钥文件 {key_file}：{exc.zh}"),
                escape(f"cannot read the key file {key_file}: {exc.en}"),
            )
        # Editors and `echo` add a line break; the same key must give the same pseudonyms whichever wrote it.
        return raw.rstrip(b"\r\n")
    text = os.environ.get(KEY_ENV)
    return text.encode("utf-8") if text else None


def mask(
    source: Annotated[
        Path,
        typer.Argument(help="报文文件（- 为标准输入）/ the message to mask (JSON, JSON Lines or XML; - for stdin)."),
    ],
    target: Annotated[
        Path,
        typer.Argument(
            help="输出文件（- 为标准输出）/ where to write; never the input, replaced atomically; - for stdout."
        ),
    ],
    profile: Annotated[Profile, typer.Option("--profile", help="脱敏方式 / masking profile.")] = Profile.share,
    key_file: Annotated[
        Path | None,
        typer.Option("--key-file", help=f"假名化密钥文件 / pseudonym key file (else ${KEY_ENV}).", dir_okay=False),
    ] = None,
    to: Annotated[Target | None, typer.Option("--to", help="输出格式 / output format (default: the input's).")] = None,
) -> None:
    """脱敏或假名化报文中的个人信息 / Mask or pseudonymise the personal data of a message."""
    from sedata.exchange import ExchangeError
    from sedata.privacy import PrivacyError, mask_message, redact

    key = _key(key_file)
    try:
        with message_input(source) as readable, message_output(target, f".{to.value}" if to else "") as written:
            summary = mask_message(readable, written, profile.value, key, to=to.value if to else None)
    except PrivacyError as exc:
        fail(escape(f"{exc.zh} [{exc.code}]"), escape(f"{exc.en} [{exc.code}]"), EXIT_USAGE)
    except ExchangeError as exc:
        where = exc.where()
        prefix = f"{where}: " if where else ""
        fail(
            escape(redact(f"{prefix}{exc.zh} [{exc.code}]")),
            escape(redact(f"{prefix}{exc.en} [{exc.code}]")),
            EXIT_USAGE,
        )
    except Exception as exc:  # a bug must still end in a message, not a traceback (and never in a value)
        internal_error(exc, source)
    counts = ", ".join(f"{kind} {n}" for kind, n in summary.masked.items()) or "—"
    keys = f"; business keys pseudonymised {summary.key_values}" if summary.key_values else ""
    scrubbed = f"; IDs in free text {summary.scrubbed}" if summary.scrubbed else ""
    (err_console if str(target) == "-" else console).print(
        f"已脱敏 / masked {summary.records} records ({summary.profile}): {source} → {target} ({summary.format}); "
        f"values {counts}{keys}{scrubbed}; {summary.header.digest_algorithm} {summary.header.digest}",
        markup=False,
        soft_wrap=True,
    )
    for zh, en in summary.warnings:
        err_console.print(f"注意 {zh}\nnote {en}", markup=False, soft_wrap=True)
