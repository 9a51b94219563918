"""``sedata code check|explain|new``: verdicts and exit codes, JSON, stdin, bilingual failures, allocation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sedata.cli.main import app
from sedata.codes import equipment_code, legacy_registration, registration_cert

runner = CliRunner()


def invoke(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["code", *args], input=stdin)


def assert_clean_failure(result, code: int = 2) -> None:  # type: ignore[no-untyped-def]
    """Exit ``code`` with a bilingual message and no traceback."""
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "错误" in result.stderr and "error" in result.stderr


# --- check -----------------------------------------------------------------------------------------


def test_check_valid_detects_the_kind() -> None:
    result = invoke("check", "215010890201500098")
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip("\n").split("\t") == ["有效", "equipment_code", "215010890201500098"]


def test_check_invalid_exits_1_with_the_reason_in_the_chosen_language() -> None:
    zh = invoke("check", "32201234562018090460")
    assert zh.exit_code == 1
    assert zh.stdout.startswith("无效\tlegacy_registration\t") and "123456 不存在" in zh.stdout
    en = invoke("check", "32201234562018090460", "--lang", "en")
    assert en.exit_code == 1
    assert en.stdout.startswith("invalid\tlegacy_registration\t") and "does not exist" in en.stdout
    assert not any("\u4e00" <= c <= "\u9fff" for c in en.stdout.split("\t")[3].replace("GB/T", ""))


def test_check_with_kind() -> None:
    result = invoke("check", "41702156120190307", "--kind", "equipment-code", "--lang", "en")
    assert result.exit_code == 1
    assert "18 characters, not 17" in result.stdout
    assert invoke("check", "Q2(限桥式起重机)", "--kind", "operator_item").exit_code == 0


def test_check_prints_notes() -> None:
    result = invoke("check", "起17辽JG0033(24)", "--lang", "en")
    assert result.exit_code == 0
    assert "note[UNCONFIRMED]" in result.stdout and "G0033" in result.stdout


def test_check_json() -> None:
    result = invoke("check", "梯11闽E3622（16）", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["valid"] and data["kind"] == "registration_cert"
    assert data["value"] == "梯11闽E3622(16)"
    assert [p["key"] for p in data["parts"]] == ["category", "variety", "province", "city", "serial", "year"]
    assert "".join(p["value"] for p in data["parts"]) == data["value"]
    assert data["warnings"] == [] and data["error"] is None
    bad = json.loads(invoke("check", "31103506002016133337", "--json").stdout)
    assert not bad["valid"]
    assert bad["error"]["type"] == "invalid_component" and bad["error"]["segment"] == "registered"


def test_check_stdin_one_verdict_per_line() -> None:
    values = ["215010890201500098", "TE37493", "", "31104331002017053117", "梯12湘U00019(19)"]
    result = invoke("check", "-", stdin="\n".join(values) + "\n")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["有效", "无效", "有效", "有效"]
    ok = invoke("check", "-", "--json", stdin="215010890201500098\n312043310020190010\n")
    assert ok.exit_code == 0
    assert [json.loads(line)["kind"] for line in ok.stdout.splitlines()] == ["equipment_code", "equipment_code"]


@pytest.mark.parametrize(
    "args",
    [
        ("check", "x", "--kind", "nonsense"),
        ("check", "x", "--lang", "fr"),
        ("explain", "x", "--kind", "nonsense"),
    ],
)
def test_check_usage_errors(args: tuple[str, ...]) -> None:
    assert_clean_failure(invoke(*args))


# --- explain ---------------------------------------------------------------------------------------


def test_explain_segments_in_both_languages() -> None:
    result = invoke("explain", "312043310020190010")
    assert result.exit_code == 0, result.output
    for text in ("登记机关行政区划代码", "registration authority's division code", "433100", "湘西", "note [PARTIAL]"):
        assert text in result.stdout


def test_explain_invalid() -> None:
    result = invoke("explain", "32201234562018090460")
    assert result.exit_code == 1
    assert "123456" in result.stdout and "does not exist" in result.stdout and "位置 / position: 5" in result.stdout


def test_explain_json() -> None:
    data = json.loads(invoke("explain", "21603101012006010101", "--json").stdout)
    assert data["kind"] == "legacy_registration"
    assert [w["status"] for w in data["warnings"]] == ["UNCONFIRMED"]


# --- new -------------------------------------------------------------------------------------------


LICENCE_RECORDS = str(Path(__file__).resolve().parents[2] / "examples/messages/licence-information.xml")


def test_new_equipment_code_from_a_licence(tmp_path: Path) -> None:
    store = str(tmp_path / "s.db")
    # TS2210890-2015's scope in the example licence records is 2100 (固定式压力容器), which holds 2150.
    args = ("new", "equipment-code", "--variety", "2150", "--licence", "TS2210890-2015", "--year", "2025")
    first = invoke(*args, "--licences", LICENCE_RECORDS, "--store", store)
    assert first.exit_code == 0, first.output
    assert first.stdout.strip() == "215010890202500001"
    assert "PARTIAL" in first.stderr  # the licence rule is derived from two examples
    assert invoke(*args, "--licences", LICENCE_RECORDS, "--store", store).stdout.strip() == "215010890202500002"
    auth = invoke(
        "new", "equipment-code", "--variety", "3120", "--division", "433100", "--year", "2019", "--store", store
    )
    assert auth.stdout.strip() == "312043310020190001"
    assert equipment_code.is_valid(auth.stdout.strip())


def test_new_equipment_code_refuses_a_variety_outside_the_licence_scope(tmp_path: Path) -> None:
    store = str(tmp_path / "s.db")
    elevator = ("new", "equipment-code", "--variety", "3110", "--licence", "TS2210890-2015", "--year", "2025")
    outside = invoke(*elevator, "--licences", LICENCE_RECORDS, "--store", store)
    assert_clean_failure(outside)
    assert "许可范围（2100）不涵盖品种 3110" in outside.stderr
    assert "(2100) does not cover variety 3110" in outside.stderr and "--outside-scope" in outside.stderr
    unknown = invoke(*elevator, "--store", store)  # no licence records: the scope is not known
    assert_clean_failure(unknown)
    assert "--licences" in unknown.stderr
    missing = invoke(*elevator[:5], "TS2299999-2015", "--year", "2025", "--licences", LICENCE_RECORDS, "--store", store)
    assert_clean_failure(missing)
    assert "holds no record of licence TS2299999-2015" in missing.stderr
    # Nothing was allocated by the refusals; the override allocates and still says why it is doubtful.
    forced = invoke(*elevator, "--licences", LICENCE_RECORDS, "--outside-scope", "--store", store)
    assert forced.exit_code == 0, forced.output
    assert forced.stdout.strip() == "311010890202500001"
    assert "does not cover variety 3110" in forced.stderr


def test_scope_covers_reads_the_catalogue_levels() -> None:
    assert equipment_code.scope_covers(["2100"], "2150")  # category covers its variety
    assert equipment_code.scope_covers(["3000"], "3110")  # kind covers its variety
    assert equipment_code.scope_covers(["2170", "2150"], "2150")
    assert not equipment_code.scope_covers(["2100"], "3110")
    assert not equipment_code.scope_covers(["2150"], "2170")


def test_new_store_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEDATA_CODE_STORE", str(tmp_path / "env.db"))
    result = invoke("new", "legacy-registration", "--class", "3110", "--division", "350600", "--month", "2016-05")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "31103506002016050001"
    assert legacy_registration.is_valid(result.stdout.strip())
    assert (tmp_path / "env.db").exists()


def test_new_default_store_is_per_user_not_the_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEDATA_CODE_STORE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = invoke("new", "equipment-code", "--variety", "3120", "--division", "433100", "--year", "2019")
    assert result.stdout.strip() == "312043310020190001"
    store = tmp_path / "data" / "sedata" / "codes.sqlite3"
    assert store.exists() and store.stat().st_mode & 0o777 == 0o600
    assert list(work.iterdir()) == []
    # A second folder draws from the same store: the next code, not the first again.
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.chdir(other)
    result = invoke("new", "equipment-code", "--variety", "3120", "--division", "433100", "--year", "2019")
    assert result.stdout.strip() == "312043310020190002"


def test_new_registration_cert(tmp_path: Path) -> None:
    store = str(tmp_path / "s.db")
    args = ("new", "registration-cert", "--category", "梯", "--variety", "3110", "--province", "闽", "--city", "E")
    result = invoke(*args, "--year", "2016", "--width", "4", "--store", store)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "梯11闽E0001(16)"
    assert registration_cert.is_valid(result.stdout.strip(), variety="3110")


@pytest.mark.parametrize(
    "args",
    [
        ("new", "equipment-code", "--variety", "2100", "--maker-code", "10890", "--year", "2025"),
        ("new", "equipment-code", "--variety", "3110", "--maker-code", "10890", "--year", "abc"),
        ("new", "equipment-code", "--year", "2025", "--maker-code", "10890"),
        ("new", "equipment-code", "--variety", "3110", "--year", "2025"),
        (
            "new",
            "equipment-code",
            "--variety",
            "3110",
            "--year",
            "2025",
            "--maker-code",
            "10890",
            "--division",
            "433100",
        ),
        ("new", "equipment-code", "--variety", "3110", "--year", "2025", "--licence", "XX123"),
        ("new", "legacy-registration", "--class", "3110", "--division", "123456", "--month", "2016-05"),
        ("new", "legacy-registration", "--class", "3110", "--division", "350600", "--month", "2016-13"),
        (
            "new",
            "registration-cert",
            "--category",
            "起",
            "--variety",
            "3110",
            "--province",
            "闽",
            "--city",
            "E",
            "--year",
            "2016",
        ),
        (
            "new",
            "registration-cert",
            "--category",
            "梯",
            "--variety",
            "3110",
            "--province",
            "闽",
            "--city",
            "E",
            "--year",
            "2016",
            "--width",
            "9",
        ),
    ],
)
def test_new_bad_input_exits_2_bilingually(args: tuple[str, ...], tmp_path: Path) -> None:
    assert_clean_failure(invoke(*args, "--store", str(tmp_path / "s.db")))


def test_new_unusable_store(tmp_path: Path) -> None:
    result = invoke(
        "new",
        "equipment-code",
        "--variety",
        "3110",
        "--maker-code",
        "10890",
        "--year",
        "2025",
        "--store",
        str(tmp_path / "no" / "such" / "s.db"),
    )
    assert_clean_failure(result)
