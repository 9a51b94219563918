"""Realistic, deterministic sample records for every message type, optionally with known defects.

Everything that is a rule or a table comes from the spec and ``sedata.codes`` (catalogue, conclusions
per kind, operator items, city letters, check digits); only the words (names, streets) are invented.
The same ``seed`` always gives the same records. With ``invalid_rate`` each broken record carries
exactly one defect, returned beside it so tests can expect exactly those findings.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from sedata.codes import admin_division, citizen_id, equipment_code, registration_cert, uscc
from sedata.exchange.records import Record
from sedata.exchange.rules import record_key
from sedata.sample import vocabulary as words
from sedata.spec import Spec, current
from sedata.spec.envelope import CHANGES

_KIND_WEIGHTS = {"3000": 6, "4000": 3, "5000": 1, "2000": 2}
_TODAY = dt.date(2026, 11, 1)


@dataclass(frozen=True)
class Defect:
    """One deliberate defect: which record, which field (exchange name), and what kind of error."""

    index: int
    record_type: str
    field: str
    kind: str
    value: Any = None


DEFECT_KINDS = ("missing-mandatory", "pattern", "unknown-code", "checksum", "impossible-date")


@dataclass(frozen=True)
class _City:
    province: str  # one-character abbreviation, e.g. 闽
    letter: str  # e.g. E
    prefecture: str  # GB/T 2260, e.g. 350600
    counties: tuple[str, ...]


@cache
def _cities() -> tuple[_City, ...]:
    """Cities whose certificate letter the spec knows, with their current counties."""
    (letters,) = current().codesets["registration-city-letter"].values()
    year_codes = admin_division.codes(_TODAY.year)
    out = []
    for e in letters.entries:
        if e.status != "CONFIRMED":
            continue
        prefecture = e.applies_to[0]
        counties = tuple(c for c in year_codes if c[:4] == prefecture[:4] and c[4:] != "00")
        if counties:
            out.append(_City(e.code[0], e.code[1:], prefecture, counties))
    return tuple(out)


@cache
def _cert_kinds() -> dict[str, str]:
    """Kinds whose certificate category character is CONFIRMED, with that character (others would warn)."""
    (cs,) = current().codesets["registration-cert-category"].values()
    return {kind: e.code for e in cs.entries if e.status == "CONFIRMED" for kind in e.applies_to}


@cache
def _catalogue() -> dict[str, list[tuple[str, str, str]]]:
    """Per kind: (category, variety, name) choices from the 2014 catalogue (categories without varieties too)."""
    cs = current().codesets["equipment-catalogue"]["2014"]
    parent = {e.code: e.parent for e in cs.entries}
    out: dict[str, list[tuple[str, str, str]]] = {}
    for e in cs.entries:
        if e.level == "品种" and e.parent and parent.get(e.parent):
            kind = parent[e.parent]
            if kind in _KIND_WEIGHTS:
                out.setdefault(kind, []).append((e.parent, e.code, e.zh))
    return out


@cache
def _conclusions() -> dict[str, list[str]]:
    """Passing conclusions per equipment kind (from inspection-conclusion's applies_to)."""
    (cs,) = current().codesets["inspection-conclusion"].values()
    out: dict[str, list[str]] = {}
    for e in cs.entries:
        if "不" in e.code:  # sample data passes; failures are injected as defects, not generated
            continue
        for kind in e.applies_to:
            out.setdefault(kind, []).append(e.code)
    return out


@cache
def _operator_items() -> list[str]:
    cs = current().codesets["operator-item"]["2019"]
    return [e.code for e in cs.entries if e.level == "项目" and (e.status or cs.status) == "CONFIRMED"]


class Sampler:
    """Draws consistent records; one instance per sample run."""

    def __init__(self, seed: int = 0, spec: Spec | None = None):
        self.rng = random.Random(seed)
        self.spec = spec or current()
        self.seq = 0
        self._serial = 0  # drives every identifier that must be unique within a sample
        self.units = {role: [self._unit(role) for _ in range(40)] for role in words.TRADES}
        self._cert_serial: dict[tuple[str, str], int] = {}
        self._code_seq: dict[tuple[str, str, int], int] = {}

    # --- small parts -------------------------------------------------------------------------
    def _next(self) -> int:
        self._serial += 1
        return self._serial

    def _name(self) -> str:
        r = self.rng
        return r.choice(words.SURNAMES) + "".join(r.choice(words.GIVEN) for _ in range(r.choice((1, 2))))

    def _unit(self, role: str) -> tuple[str, str, _City, str]:
        """(name, USCC, city, county) of a made-up unit in a city whose certificate letter is known."""
        city = self.rng.choice(_cities())
        county = self.rng.choice(city.counties)
        place = admin_division.name(city.prefecture).removesuffix("市")
        name = f"{place}{self.rng.choice(words.BRANDS)}{self.rng.choice(words.TRADES[role])}"
        code = uscc.generate("9", "1", county, _base31(self._next(), 8))
        return name, code, city, county

    def _address(self, county: str) -> str:
        return (
            f"{admin_division.full_name(county).replace(' ', '')}"
            f"{self.rng.choice(words.STREETS)}{self.rng.randint(1, 300)}号{self.rng.choice(words.SITES)}"
        )

    def _date(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))

    def _phone(self) -> str:
        return f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}"

    def _person_id(self, county: str) -> str:
        # Unique by construction: the serial fixes (birth date, sequence); the county only adds realism.
        n = self._next()
        first = max([1965, *(v.start or 0 for v in admin_division.periods(county))])
        born = dt.date(max(first, 1970), 1, 1) + dt.timedelta(days=(n // 999) % 9000)
        return citizen_id.generate(county, born, n % 999 + 1)

    # --- entities ----------------------------------------------------------------------------
    def equipment(self) -> dict[str, Any]:
        """An Equipment record: a registered device with codes that agree with each other."""
        self.seq += 1
        r = self.rng
        kind = r.choices(list(_KIND_WEIGHTS), weights=list(_KIND_WEIGHTS.values()))[0]
        category, variety, product = r.choice(_catalogue()[kind])
        maker_name, maker_code, maker_city, maker_county = r.choice(self.units["制造"])
        user_name, user_code, city, county = r.choice(self.units["使用"])
        # Made and registered after the 2014 catalogue, so certificates use its variety digits.
        made = self._date(dt.date(2015, 1, 1), dt.date(2024, 12, 31))
        registered = made + dt.timedelta(days=r.randint(30, 300))
        # Maker code = licence region (the maker's province) + its unit number, as in TS22xxyyy licences.
        maker = (
            f"{maker_code[2:4]}{self.units['制造'].index((maker_name, maker_code, maker_city, maker_county)) + 100:03d}"
        )
        # One counter per (variety, maker, year), so that no two devices ever share a code.
        series = (variety, maker, made.year)
        self._code_seq[series] = sequence = self._code_seq.get(series, 0) + 1
        record: dict[str, Any] = {
            "equipmentCode": equipment_code.generate(variety, maker_code=maker, year=made.year, sequence=sequence),
            "equipmentKind": kind,
            "equipmentCategory": category,
            "equipmentVariety": variety,
            "productName": product,
            "modelSpec": f"{r.choice('THKQ')}{r.randint(1, 9)}-{r.randint(100, 2000)}",
            "factoryNumber": f"{made.year}{r.randrange(10**6):06d}",
            "internalNumber": f"{r.choice('ABCDEF')}-{r.randint(1, 99):02d}",
            "manufactureDate": made.isoformat(),
            "manufacturerName": maker_name,
            "userUnitName": user_name,
            "userUnitCode": user_code,
            "useLocation": self._address(county),
            "locationDivision": county,
            "commissioningDate": registered.isoformat(),
            "useStatus": "2",
            "registrationStatus": "1",
            "registrationAuthority": f"{admin_division.name(city.prefecture)}市场监督管理局",
            "registrationDate": registered.isoformat(),
        }
        if kind in _cert_kinds():
            key = (city.province, city.letter)
            self._cert_serial[key] = serial = self._cert_serial.get(key, 0) % 99999 + 1
            category_char = self._category_char(kind)
            record["registrationCertNo"] = registration_cert.generate(
                category_char, variety, city.province, city.letter, serial, registered.year
            )
        return record

    @staticmethod
    def _category_char(kind: str) -> str:
        return _cert_kinds()[kind]

    def inspection(self, equipment: dict[str, Any]) -> dict[str, Any]:
        """An Inspection of ``equipment``: statutory, passed, next date one year on (within every interval)."""
        r = self.rng
        body_name, body_code, _, _ = r.choice(self.units["检验"])
        kind = equipment["equipmentKind"]
        done = self._date(dt.date.fromisoformat(equipment["registrationDate"]), _TODAY - dt.timedelta(days=1))
        record = {
            "reportNo": f"JY{done.year}{self._next():08d}",
            "equipmentCode": equipment["equipmentCode"],
            "equipmentKind": kind,
            "equipmentVariety": equipment["equipmentVariety"],
            "inspectionBodyName": body_name,
            "inspectionBodyCode": body_code,
            "inspectionKind": "定期检验",
            "inspectionNature": "法定",
            "inspectionDate": done.isoformat(),
            "inspectionConclusion": r.choice(_conclusions()[kind]),
            "nextInspectionDate": done.replace(year=done.year + 1).isoformat()
            if not (done.month == 2 and done.day == 29)
            else (done + dt.timedelta(days=365)).isoformat(),
        }
        if kind == "2000":
            record["safetyGrade"] = r.choice("12")
        if "registrationCertNo" in equipment:
            record["registrationCertNo"] = equipment["registrationCertNo"]
        return {k: record[k] for k in _order("Inspection") if k in record}

    def operator_certificate(self) -> dict[str, Any]:
        r = self.rng
        _, _, city, county = r.choice(self.units["使用"])
        holder_id = self._person_id(county)
        issued = self._date(dt.date(2019, 6, 1), dt.date(2025, 12, 31))
        return {
            "certificateNo": holder_id,
            "holderName": self._name(),
            "holderCitizenId": holder_id,
            "itemTable": "2019",
            "operatorItems": sorted(r.sample(_operator_items(), r.choice((1, 1, 2)))),
            "issuingAuthority": f"{admin_division.name(city.prefecture)}市场监督管理局",
            "issueDate": issued.isoformat(),
            "expiryDate": (_plus_years(issued, 4) - dt.timedelta(days=1)).isoformat(),
        }

    def accident(self) -> dict[str, Any]:
        r = self.rng
        equipment = self.equipment()
        deaths = r.choice((0, 0, 0, 1, 2))
        when = dt.datetime.combine(
            self._date(dt.date(2020, 1, 1), _TODAY - dt.timedelta(days=2)),
            dt.time(r.randrange(24), r.randrange(60)),
            tzinfo=dt.timezone(dt.timedelta(hours=8)),
        )
        return {
            "accidentId": f"SG{when.year}{self._next():08d}",
            "occurredAt": when.isoformat(),
            "accidentPlace": equipment["useLocation"],
            "accidentDivision": equipment["locationDivision"],
            "equipmentCodes": [equipment["equipmentCode"]],
            "equipmentKind": equipment["equipmentKind"],
            "userUnitName": equipment["userUnitName"],
            # Within 一般事故 on every criterion: 1-2 deaths or 1-9 serious injuries, loss under 1000万元.
            "accidentGrade": "一般事故",
            "deaths": deaths,
            "seriousInjuries": 0 if deaths else r.randint(1, 9),
            "directEconomicLoss": f"{r.randint(10_000, 9_000_000)}.{r.randrange(100):02d}",
            "accidentCause": "设备维护保养不到位，安全部件失效",
            "accidentSummary": f"{equipment['productName']}在使用中发生事故，现场已处置。",
            "reportedAt": (when + dt.timedelta(hours=r.randint(1, 24))).isoformat(),
        }

    def unit(self, made: tuple[str, str, _City, str] | None = None, role: str = "制造") -> dict[str, Any]:
        """A Unit record (a fresh unit unless ``made`` names one), in the given role."""
        name, code, _, county = made or self._unit(role)
        return {
            "unitCode": code,
            "unitName": name,
            "unitRoles": [role],
            "unitAddress": self._address(county),
            "unitDivision": county,
            "unitPhone": f"0{self.rng.randint(10, 999)}-{self.rng.randrange(10**7, 10**8)}",
        }

    def licence(self, holder: tuple[str, str, _City, str]) -> dict[str, Any]:
        """A manufacturing Licence held by ``holder``."""
        r = self.rng
        name, code, city, _ = holder
        start = self._date(dt.date(2021, 1, 1), dt.date(2025, 6, 30))
        kind = r.choice(list(_KIND_WEIGHTS))
        _, variety, product = r.choice(_catalogue()[kind])
        return {
            "licenceNo": f"TS{r.choice('1234')}{self._next():07d}-{start.year}",
            "holderName": name,
            "holderCode": code,
            "licenceItem": "制造",
            "scope": [{"scopeEquipment": variety, "scopeParameters": product}],
            "issuingAuthority": f"{admin_division.province(city.prefecture)}市场监督管理局",
            "validFrom": start.isoformat(),
            "validUntil": (_plus_years(start, 4) - dt.timedelta(days=1)).isoformat(),
        }

    def status_change(self) -> dict[str, Any]:
        equipment = self.equipment()
        when = self._date(dt.date.fromisoformat(equipment["registrationDate"]), _TODAY)
        return {
            "equipmentCode": equipment["equipmentCode"],
            "changeDate": when.isoformat(),
            "useStatus": "3",
            "changeReason": "使用单位申请停用",
        }

    # --- messages ----------------------------------------------------------------------------
    def bodies(self, message_type: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """An endless stream of (record type, data) for ``message_type``."""
        while True:
            if message_type == "inspection-upload":
                eq = self.equipment()
                yield "Equipment", eq
                yield "Inspection", self.inspection(eq)
            elif message_type == "operator-certificate-upload":
                yield "OperatorCertificate", self.operator_certificate()
            elif message_type == "accident-report":
                yield "Accident", self.accident()
            elif message_type == "licence-information":
                holder = self._unit("制造")
                yield "Licence", self.licence(holder)
                yield "Unit", self.unit(holder)
            elif message_type == "registration-download":
                yield "StatusChange", self.status_change()
            else:
                raise ValueError(f"unknown message type {message_type!r} / 未知报文类型")


def _base31(n: int, width: int) -> str:
    """``n`` written in the USCC alphabet, so that every unit gets a different organisation code."""
    out = ""
    for _ in range(width):
        n, digit = divmod(n, len(uscc.ALPHABET))
        out = uscc.ALPHABET[digit] + out
    return out


def _plus_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@cache
def _order(entity_id: str) -> tuple[str, ...]:
    spec = current()
    return tuple(spec.field_exchange_name(f) for f in spec.entities[entity_id].fields)


def sample_records(
    message_type: str, count: int, seed: int = 0, invalid_rate: float = 0.0, mode: str = CHANGES
) -> Iterator[tuple[Record, Defect | None]]:
    """``count`` records of ``message_type``; a fraction ``invalid_rate`` carries one known defect each."""
    sampler = Sampler(seed)
    breaker = random.Random(seed + 1)
    bodies = sampler.bodies(message_type)
    for index in range(count):
        record_type, data = next(bodies)
        defect = None
        if invalid_rate and breaker.random() < invalid_rate:
            # Break a copy: later records (an Inspection of this Equipment) must stay clean.
            data = copy.deepcopy(data)
            defect = _break(breaker, index, record_type, data)
        record = Record(record_type, data, index=index)
        if mode == CHANGES:
            record.operation = "add"
            record.key = record_key(record_type, data)  # key fields are never the ones a defect removes
            record.version = 1
        yield record, defect


def _break(rng: random.Random, index: int, record_type: str, data: dict[str, Any]) -> Defect:
    """Corrupt ``data`` in one way chosen among those that apply to it, and say how."""
    spec = current()
    entity = spec.entities[record_type]
    options: list[tuple[str, str]] = []
    for f in entity.fields:
        if f.element is None:
            continue
        name = spec.field_exchange_name(f)
        if name not in data:
            continue
        d = spec.domains[f.element]
        if f.obligation == "M" and f.element and spec.field_key(f) not in entity.business_key:
            options.append(("missing-mandatory", name))
        if d.codes is not None and not f.repeated:
            options.append(("unknown-code", name))
        if d.pattern and d.codes is None and not f.repeated:
            options.append(("pattern", name))
        if "uscc" in d.identifiers and not f.repeated:
            options.append(("checksum", name))
        if d.data_type == "date":
            options.append(("impossible-date", name))
    kind, name = rng.choice(options)
    value: Any = None
    if kind == "missing-mandatory":
        del data[name]
    elif kind == "unknown-code":
        data[name] = value = "未知代码"
    elif kind == "pattern":
        data[name] = value = "#" + str(data[name])[1:]
    elif kind == "checksum":
        good = str(data[name])
        data[name] = value = good[:-1] + uscc.ALPHABET[(uscc.ALPHABET.index(good[-1]) + 1) % len(uscc.ALPHABET)]
    elif kind == "impossible-date":
        data[name] = value = "2023-02-29"
    return Defect(index, record_type, name, kind, value)
