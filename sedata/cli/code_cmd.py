"""``sedata code check|explain|new``: check identifiers, explain them segment by segment, allocate new codes."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from sedata.cli._out import EXIT_FINDINGS, EXIT_OK, check_database, console, err_console, fail
from sedata.codes import KINDS, InvalidCode, Note, Parsed

if TYPE_CHECKING:
    from collections.abc import Callable

    from sedata.codes.allocator import Store

app = typer.Typer(help="标识符与代码 / Identifiers: check, explain and allocate codes.", no_args_is_help=True)
new_app = typer.Typer(help="分配新代码 / Allocate a new code from a durable store.", no_args_is_help=True)
app.add_typer(new_app, name="new")

STORE_ENV = "SEDATA_CODE_STORE"
DEFAULT_STORE = "$XDG_DATA_HOME/sedata/codes.sqlite3"  # per user, never the current folder (allocator)
LANGS = ("zh", "en")

# Errors that show the value had the right shape (a table or check digit failed) say more about what was
# meant than a wrong length does; used to pick the most telling reason when no kind was given. A wrong
# length, or a wrong first character, says only that the value is not of that kind at all.
_TELLING = {"invalid_checksum": 3, "invalid_component": 3, "invalid_format": 2}

KindOpt = Annotated[
    str | None, typer.Option("--kind", "-k", help=f"Identifier kind: {', '.join(KINDS)} (default: detect).")
]
LangOpt = Annotated[str, typer.Option("--lang", help="Language of the verdict: zh or en.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (one object per value).")]
StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", help=f"SQLite allocation store (default: ${STORE_ENV} or {DEFAULT_STORE})."),
]


@dataclass
class Verdict:
    """The outcome of checking one value."""

    given: str
    parsed: Parsed | None = None
    error: InvalidCode | None = None
    error_kind: str | None = None
    also: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.parsed is not None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: kind, normalised value, parts, warnings, error."""
        p = self.parsed
        return {
            "input": self.given,
            "valid": self.valid,
            "kind": p.kind if p else self.error_kind,
            "value": p.value if p else None,
            "parts": [
                {"key": s.key, "zh": s.zh, "en": s.en, "start": s.start, "value": s.value, "meaning": s.meaning}
                for s in (p.segments if p else ())
            ],
            "warnings": [
                {"code": n.code, "status": n.status, "zh": n.zh, "en": n.en} for n in (p.warnings if p else ())
            ],
            "also_valid_as": self.also,
            "error": None
            if self.error is None
            else {
                "type": self.error.error,
                "zh": self.error.zh,
                "en": self.error.en,
                "position": self.error.position,
                "segment": self.error.segment,
            },
        }


def _kind_name(kind: str) -> str:
    normal = kind.strip().replace("-", "_").lower()
    if normal not in KINDS:
        fail(
            f"未知的标识符种类 {kind}（可选：{'、'.join(KINDS)}）",
            f"unknown identifier kind {kind} (one of: {', '.join(KINDS)})",
        )
    return normal


def _available(kind: str) -> ModuleType | None:
    name = f"sedata.codes.{kind}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:  # a broken import inside an existing module is a bug, not a missing kind
            raise
        return None


def _module(kind: str) -> ModuleType:
    module = _available(kind)
    if module is None:
        fail(f"标识符种类 {kind} 尚未实现", f"identifier kind {kind} is not available yet")
    return module


def _lang(lang: str) -> str:
    if lang not in LANGS:
        fail(f"--lang 应为 zh 或 en，而不是 {lang}", f"--lang is zh or en, not {lang}")
    return lang


def _parse(kind: str, value: str) -> Parsed:
    parsed: Parsed = _module(kind).parse(value)
    return parsed


def check_value(value: str, kind: str | None) -> Verdict:
    """Check ``value`` as ``kind``, or as whatever kinds it is valid as (``sedata.codes.kind.detect``)."""
    verdict = Verdict(value)
    if kind is not None:
        try:
            verdict.parsed = _parse(kind, value)
        except InvalidCode as exc:
            verdict.error, verdict.error_kind = exc, kind
        return verdict
    from sedata.codes.kind import detect

    found = detect(value)
    if found:
        verdict.parsed = _parse(found[0], value)
        verdict.also = found[1:]
        return verdict
    # Valid as nothing: report the reason of the kind the value came closest to.
    best: tuple[int, int, str, InvalidCode] | None = None
    for k in KINDS:
        module = _available(k)
        if module is None:
            continue
        try:
            module.parse(value)
        except InvalidCode as exc:
            rank = (
                _TELLING.get(exc.error, 0) if exc.position != 0 or exc.error != "invalid_format" else 0,
                exc.position or 0,
            )
            if rank[0] and (best is None or rank > best[:2]):
                best = (*rank, k, exc)
    if best is not None:
        verdict.error, verdict.error_kind = best[3], best[2]
    return verdict


def _note_text(n: Note, lang: str) -> str:
    status = f"[{n.status}]" if n.status else ""
    return f"{'注意' if lang == 'zh' else 'note'}{status}{'：' if lang == 'zh' else ': '}{n.message(lang)}"


def _line(v: Verdict, lang: str) -> str:
    zh = lang == "zh"
    if v.parsed is not None:
        extra = [_note_text(n, lang) for n in v.parsed.warnings]
        if v.also:
            extra.append(("也符合：" if zh else "also valid as: ") + ", ".join(v.also))
        cols = ["有效" if zh else "valid", v.parsed.kind, v.parsed.value, ("；" if zh else "; ").join(extra)]
    else:
        if v.error is None:
            reason = (
                "不是任何已知标识符（长度或字符不符合任何种类）"
                if zh
                else "not a known identifier: its length or characters fit no kind"
            )
        else:
            reason = v.error.message(lang)
        cols = ["无效" if zh else "invalid", v.error_kind or "-", v.given, reason]
    return "\t".join(cols).rstrip("\t")


@app.command()
def check(
    value: Annotated[str, typer.Argument(help="The value, or - to read one value per line from stdin.")],
    kind: KindOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "zh",
) -> None:
    """检查标识符：有效退出 0，无效退出 1 / Check identifiers: exit 0 when valid, 1 when not."""
    lang = _lang(lang)
    kind = _kind_name(kind) if kind else None
    if kind:
        _module(kind)  # fail early (exit 2) when the kind is not available
    values = [line.strip() for line in sys.stdin if line.strip()] if value == "-" else [value]
    all_valid = True
    for v in values:
        verdict = check_value(v, kind)
        all_valid &= verdict.valid
        if as_json:
            typer.echo(json.dumps(verdict.to_dict(), ensure_ascii=False, indent=None if value == "-" else 2))
        else:
            typer.echo(_line(verdict, lang))  # plain: tabs kept for scripts (rich would expand them)
    raise typer.Exit(EXIT_OK if all_valid else EXIT_FINDINGS)


@app.command()
def explain(
    value: Annotated[str, typer.Argument(help="The value to explain.")],
    kind: KindOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """逐段解释标识符（中英文） / Explain an identifier segment by segment, in Chinese and English."""
    verdict = check_value(value, _kind_name(kind) if kind else None)
    if as_json:
        typer.echo(json.dumps(verdict.to_dict(), ensure_ascii=False, indent=2))
        raise typer.Exit(EXIT_OK if verdict.valid else EXIT_FINDINGS)
    p = verdict.parsed
    if p is None:
        err = verdict.error
        head = f"{value}  ({verdict.error_kind})" if verdict.error_kind else value
        console.print(f"[bold red]无效 / invalid[/]  {head}", soft_wrap=True, highlight=False)
        if err is not None:
            console.print(f"  {err.zh}\n  {err.en}", markup=False, soft_wrap=True)
            if err.position is not None:
                console.print(f"  位置 / position: {err.position + 1}", markup=False)
        else:
            console.print("  不是任何已知标识符\n  not a known identifier of any kind", markup=False)
        raise typer.Exit(EXIT_FINDINGS)
    console.print(f"[bold]{p.value}[/]  ({p.kind})", soft_wrap=True, highlight=False)
    table = Table(show_lines=False)
    for column in ("位置 / pos", "段 / segment", "值 / value", "含义 / meaning"):
        table.add_column(column, overflow="fold")
    for s in p.segments:
        where = f"{s.start + 1}" if len(s.value) == 1 else f"{s.start + 1}-{s.end}"
        table.add_row(where, f"{s.zh} / {s.en}", s.value, s.meaning or "")
    console.print(table)
    for n in p.warnings:
        status = f" [{n.status}]" if n.status else ""
        console.print(f"注意{status}：{n.zh}\nnote{status}: {n.en}", markup=False, soft_wrap=True)
    if verdict.also:
        console.print(f"也符合 / also valid as: {', '.join(verdict.also)}", markup=False)


# --- new ------------------------------------------------------------------------------------------


def _need(value: str | None, option: str) -> str:
    if value is None or not value.strip():
        fail(f"缺少选项 {option}", f"missing option {option}")
    return value.strip()


def _int(value: str | None, option: str) -> int:
    text = _need(value, option)
    if not text.isdigit():
        fail(f"{option} 应为整数，而不是 {text}", f"{option} must be a whole number, not {text}")
    return int(text)


def _store_path(store: Path | None) -> Path:
    import os

    from sedata.codes.allocator import default_store_path

    return store or Path(os.environ.get(STORE_ENV) or default_store_path())


def _allocate(store: Path | None, run: Callable[[Store], str]) -> None:
    """Open the store, run the allocation and print the code; bad input exits 2 with a bilingual message."""
    from sedata.codes.allocator import AllocationError
    from sedata.codes.allocator import Store as Opened

    path = _store_path(store)
    check_database(path, "分配库", "allocation store")
    try:
        with Opened(path) as s:
            code = run(s)
    except (InvalidCode, AllocationError) as exc:
        fail(exc.zh, exc.en)
    console.print(code, markup=False, highlight=False)


def _warn(notes: tuple[Note, ...]) -> None:
    for n in notes:
        err_console.print(_note_text(n, "zh") + "\n" + _note_text(n, "en"), markup=False, soft_wrap=True)


@new_app.command("equipment-code")
def new_equipment_code(
    variety: Annotated[
        str | None, typer.Option("--variety", help="Variety code from the catalogue, e.g. 3110.")
    ] = None,
    year: Annotated[str | None, typer.Option("--year", help="Year of manufacture (or of assignment).")] = None,
    licence: Annotated[
        str | None, typer.Option("--licence", help="Manufacturing licence, e.g. TS2210890-2015 (gives the maker code).")
    ] = None,
    maker_code: Annotated[
        str | None, typer.Option("--maker-code", help="The 制造单位代号 (licensing region + unit number).")
    ] = None,
    division: Annotated[
        str | None, typer.Option("--division", help="GB/T 2260 division of the registration authority.")
    ] = None,
    licences: Annotated[
        Path | None,
        typer.Option("--licences", help="Licence records (a licence-information message) giving the licence's scope."),
    ] = None,
    outside_scope: Annotated[
        bool,
        typer.Option("--outside-scope", help="Allocate although the licence's scope is unknown or does not cover it."),
    ] = False,
    store: StoreOpt = None,
) -> None:
    """分配下一个设备代码 / Allocate the next equipment code (manufacturer or authority form)."""
    from sedata.codes import equipment_code
    from sedata.codes.allocator import next_equipment_code

    variety_code = _need(variety, "--variety")
    year_number = _int(year, "--year")
    given = [o for o, v in (("--licence", licence), ("--maker-code", maker_code), ("--division", division)) if v]
    if len(given) != 1:
        fail(
            "须且只能给出 --licence、--maker-code、--division 之一",
            "give exactly one of --licence, --maker-code or --division",
        )
    if licence:
        try:
            parsed = equipment_code.parse_licence(licence)
        except InvalidCode as exc:
            fail(exc.zh, exc.en)
        _warn(parsed.warnings)
        maker_code = parsed.segment("maker").value
        _check_scope(parsed.value, variety_code, licences, outside_scope)
    _allocate(
        store,
        lambda s: next_equipment_code(s, variety_code, year=year_number, maker_code=maker_code, division=division),
    )


def _licence_scope(licence: str, path: Path) -> list[str] | None:
    """The catalogue codes in the scope of ``licence`` as the Licence records in ``path`` give it (None: not there)."""
    from sedata.elements import Licence, LicenceScope
    from sedata.exchange import ExchangeError, iter_records

    number = Licence.model_fields["licence_no"].serialization_alias or "licence_no"
    scope = Licence.model_fields["scope"].serialization_alias or "scope"
    equipment = LicenceScope.model_fields["scope_equipment"].serialization_alias or "scope_equipment"
    try:
        for record in iter_records(path):
            if (
                record.type == Licence.__entity__
                and isinstance(record.data, dict)
                and record.data.get(number) == licence
            ):
                return [str(s.get(equipment)) for s in record.data.get(scope) or () if isinstance(s, dict)]
    except ExchangeError as exc:
        fail(f"{path}：{exc.zh}", f"{path}: {exc.en}")
    return None


def _check_scope(licence: str, variety: str, licences: Path | None, override: bool) -> None:
    """Refuse (exit 2) a licence whose scope is unknown or does not cover ``variety``, unless ``override``."""
    from sedata.codes import equipment_code

    if licences is None:
        zh = f"许可证 {licence} 的许可范围未知，无法确认其涵盖品种 {variety}：请用 --licences 给出其许可记录"
        en = f"the scope of licence {licence} is unknown, so it cannot be seen to cover variety {variety}: " + (
            "give its record with --licences"
        )
    else:
        scope = _licence_scope(licence, licences)
        if scope is None:
            zh = f"{licences} 中没有许可证 {licence} 的记录，无法确认其涵盖品种 {variety}"
            en = f"{licences} holds no record of licence {licence}, so it cannot be seen to cover variety {variety}"
        elif equipment_code.scope_covers(scope, variety):
            return
        else:
            zh = f"许可证 {licence} 的许可范围（{'、'.join(scope)}）不涵盖品种 {variety}"
            en = f"the scope of licence {licence} ({', '.join(scope)}) does not cover variety {variety}"
    if not override:
        fail(zh + "（确属无误时加 --outside-scope）", en + " (add --outside-scope if this is really meant)")
    err_console.print(f"注意：{zh}\nnote: {en}", markup=False, soft_wrap=True)


@new_app.command("legacy-registration")
def new_legacy_registration(
    class_code: Annotated[str | None, typer.Option("--class", help="4-digit equipment class code.")] = None,
    division: Annotated[str | None, typer.Option("--division", help="GB/T 2260 division of the authority.")] = None,
    month: Annotated[str | None, typer.Option("--month", help="Registration month, YYYY-MM.")] = None,
    store: StoreOpt = None,
) -> None:
    """分配下一个20位注册代码 / Allocate the next 20-digit registration code."""
    from sedata.codes.allocator import next_legacy_registration

    cls = _need(class_code, "--class")
    div = _need(division, "--division")
    text = _need(month, "--month")
    try:
        when = dt.datetime.strptime(text, "%Y-%m")
    except ValueError:
        fail(f"--month 应为 YYYY-MM，而不是 {text}", f"--month is YYYY-MM, not {text}")
    _allocate(store, lambda s: next_legacy_registration(s, cls, div, when.year, when.month))


@new_app.command("registration-cert")
def new_registration_cert(
    category: Annotated[str | None, typer.Option("--category", help="Category character, e.g. 梯.")] = None,
    variety: Annotated[str | None, typer.Option("--variety", help="Variety code, e.g. 3110.")] = None,
    province: Annotated[str | None, typer.Option("--province", help="Province abbreviation, e.g. 闽.")] = None,
    city: Annotated[str | None, typer.Option("--city", help="City letter, e.g. E.")] = None,
    year: Annotated[str | None, typer.Option("--year", help="Year of issue, e.g. 2025.")] = None,
    width: Annotated[str | None, typer.Option("--width", help="Serial digits (default 5).")] = None,
    store: StoreOpt = None,
) -> None:
    """分配下一个使用登记证编号 / Allocate the next registration certificate number."""
    from sedata.codes import registration_cert
    from sedata.codes.allocator import next_registration_cert_serial

    cat = _need(category, "--category")
    var = _need(variety, "--variety")
    prov = _need(province, "--province")
    letter = _need(city, "--city")
    year_number = _int(year, "--year")
    digits = _int(width, "--width") if width is not None else registration_cert.DEFAULT_SERIAL_WIDTH
    _allocate(store, lambda s: next_registration_cert_serial(s, cat, var, prov, letter, year_number, width=digits))
