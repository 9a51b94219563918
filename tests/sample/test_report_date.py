"""A sample made for a report date years from now: its identifiers are judged against that date, not the clock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from typer.testing import CliRunner

from sedata.cli.main import app
from sedata.codes import citizen_id, equipment_code, registration_cert
from sedata.sample.generator import sample_records

# Five years after the real date: devices made two years before it carry years the real date calls implausible
# (more than one year ahead), so an identifier judged against the clock instead of the report date fails.
FUTURE = dt.date(dt.date.today().year + 5, 6, 1)
# Forty years on: holders of working age then were born after the real date.
FUTURE_PEOPLE = dt.date(dt.date.today().year + 40, 6, 1)


def test_identifiers_of_a_future_report_date_read_back_with_their_own_years() -> None:
    equipment = [r.data for r, _ in sample_records("inspection-upload", 200, 0, today=FUTURE) if r.type == "Equipment"]
    ahead = [e for e in equipment if int(e["manufactureDate"][:4]) > dt.date.today().year + 1]
    assert ahead, "the sample must hold devices made after next year for this test to mean anything"
    for e in equipment:
        code = equipment_code.parse(e["equipmentCode"], FUTURE)
        assert code.segment("year").value == e["manufactureDate"][:4]
        if "registrationCertNo" in e:
            cert = registration_cert.parse(e["registrationCertNo"], variety=e["equipmentVariety"], today=FUTURE)
            year = e["registrationDate"][:4]
            assert cert.segment("year").meaning == f"{year}年 / {year}"


def test_registration_cert_generate_reads_its_year_against_the_given_day() -> None:
    year = FUTURE.year - 1
    number = registration_cert.generate("梯", "3110", "闽", "E", 3622, year, width=4, today=FUTURE)
    assert number == f"梯11闽E3622({year % 100:02d})"
    assert registration_cert.parse(number, today=FUTURE).segment("year").meaning == f"{year}年 / {year}"


def test_cli_sample_for_a_future_report_date_is_written(tmp_path: Path) -> None:
    out = tmp_path / "future.jsonl"
    args = ["sample", "inspection-upload", "--count", "200", "--today", FUTURE.isoformat(), "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "200 records" in result.output


def _holders(today: dt.date) -> list[str]:
    # Seeds far apart in the serial blocks: their people are born years apart (within a seed, serials are close).
    made = (sample_records("operator-certificate-upload", 40, seed, today=today) for seed in (0, 7, 18))
    return [r.data["holderCitizenId"] for records in made for r, _ in records]


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def test_certificate_holders_are_adults_of_working_age_on_the_report_date() -> None:
    # GB 11643 birth dates read back from the IDs; each ID must also be valid as of the report date itself, which
    # for FUTURE_PEOPLE lies after the real clock (holders born after today must be accepted by then).
    for on in (dt.date(2014, 3, 1), dt.date(2026, 11, 1), FUTURE_PEOPLE):
        ages = set()
        for holder in _holders(on):
            citizen_id.validate(holder, today=on)
            born = citizen_id.parse(holder, today=on).segment("birth_date").meaning
            ages.add(_age(dt.date.fromisoformat(born), on))
        assert min(ages) >= 18 and max(ages) <= 60, (on, min(ages), max(ages))
