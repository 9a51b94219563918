"""Every value of domain.md §9 gets the verdict stated there, through the Python API and ``sedata code check``.

The table is parsed from the reference itself, so a row added there is tested here. Verdicts map as:
"valid…" → valid; "invalid…" → invalid; "questionable" → valid *with a note* (the decision is explained
in ``sedata.codes.registration_cert``); "→ 制造单位代号 …" → the licence yields those maker codes;
"platform…" → not valid as any national kind.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sedata.cli.main import app
from sedata.codes import equipment_code, kind, legacy_registration, registration_cert

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "domain.md"
pytestmark = pytest.mark.skipif(
    not REFERENCE.exists(), reason=f"domain reference not found at {REFERENCE} (it lives outside the repository)"
)

# Which module a §9 "type" cell means. The synthetic row is a 注册代码 by the §2 table it comes from.
_KINDS = (
    ("设备代码", "equipment_code"),
    ("注册代码", "legacy_registration"),
    ("synthetic", "legacy_registration"),
    ("使用登记证编号", "registration_cert"),
)
_MODULES = {
    "equipment_code": equipment_code,
    "legacy_registration": legacy_registration,
    "registration_cert": registration_cert,
}
# "Also:" under the table: an 8-digit area code (GB/T 2260 + 2 digits) that is platform-specific too.
EXTRA_PLATFORM = ["35062711"]

runner = CliRunner()


def _rows() -> list[tuple[list[str], str, str]]:
    """(values, type, verdict) of every row of the §9 table."""
    if not REFERENCE.exists():
        return []
    text = REFERENCE.read_text(encoding="utf-8")
    start = text.index("\n## 9.")
    end = text.index("\n## 10.", start)
    rows = []
    for line in text[start:end].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[0].startswith("`"):
            continue
        rows.append((re.findall(r"`([^`]+)`", cells[0]), cells[1], cells[2]))
    return rows


ROWS = _rows()


def _cases(predicate: str) -> list[tuple[str, str, str]]:
    out = []
    for values, typ, verdict in ROWS:
        if verdict.startswith(predicate) or (predicate == "platform" and "platform" in verdict):
            out.extend((v, typ, verdict) for v in values)
    return out


def _kind_of(typ: str) -> str:
    for word, k in _KINDS:
        if word in typ:
            return k
    raise AssertionError(f"§9 type {typ!r} names no identifier kind this test knows")


def check(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["code", "check", *args])


def test_the_table_was_read() -> None:
    assert len(ROWS) == 13
    assert len(LICENCES) == 2
    assert sum(len(v) for v, _, _ in ROWS) == 16
    verdicts = {v.split()[0] for _, _, v in ROWS}
    assert verdicts == {"valid", "invalid", "questionable", "→", "platform", "platform-specific"}


@pytest.mark.parametrize(("value", "typ", "verdict"), _cases("valid"))
def test_valid_values(value: str, typ: str, verdict: str) -> None:
    k = _kind_of(typ)
    assert _MODULES[k].validate(value) == value  # type: ignore[attr-defined]
    assert k in kind.detect(value)
    result = check(value)
    assert result.exit_code == 0, result.output
    assert result.stdout.split("\t")[:2] == ["有效", k]
    assert check(value, "--kind", k).exit_code == 0


@pytest.mark.parametrize(("value", "typ", "verdict"), _cases("invalid"))
def test_invalid_values(value: str, typ: str, verdict: str) -> None:
    k = _kind_of(typ)
    assert not _MODULES[k].is_valid(value)  # type: ignore[attr-defined]
    assert kind.detect(value) == []
    assert check(value).exit_code == 1
    result = check(value, "--kind", k, "--lang", "en")
    assert result.exit_code == 1 and result.stdout.startswith(f"invalid\t{k}\t")


@pytest.mark.parametrize(("value", "typ", "verdict"), _cases("questionable"))
def test_questionable_values_pass_with_a_note(value: str, typ: str, verdict: str) -> None:
    k = _kind_of(typ)
    parsed = _MODULES[k].parse(value)  # type: ignore[attr-defined]
    assert parsed.warnings and all(n.status for n in parsed.warnings)
    result = check(value, "--lang", "en")
    assert result.exit_code == 0 and "note[" in result.stdout


# "→ 制造单位代号 `10890`, `23010`": the licences of the row, in order, and the maker code of each.
LICENCE_RECORDS = Path(__file__).resolve().parents[2] / "examples/messages/licence-information.json"
LICENCES = {
    licence: maker
    for values, _, verdict in ROWS
    if verdict.startswith("→")
    for licence, maker in zip(values, re.findall(r"`([0-9]{5})`", verdict), strict=True)
}


@pytest.mark.parametrize(("licence", "maker"), sorted(LICENCES.items()))
def test_licences_give_the_maker_codes(licence: str, maker: str, tmp_path: Path) -> None:
    assert equipment_code.maker_code_from_licence(licence) == maker
    # Both example licences cover 2150 in the example licence records (the scope check passes).
    args = ["new", "equipment-code", "--variety", "2150", "--licence", licence, "--year", "2015"]
    args += ["--licences", str(LICENCE_RECORDS)]
    result = runner.invoke(app, ["code", *args, "--store", str(tmp_path / "s.db")])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip()[4:9] == maker


@pytest.mark.parametrize("value", [v for v, _, _ in _cases("platform")] + EXTRA_PLATFORM)
def test_platform_values_are_no_national_kind(value: str) -> None:
    assert kind.detect(value) == []
    result = check(value)
    assert result.exit_code == 1
    assert result.stdout.split("\t")[:2] == ["无效", "-"]
