"""Realistic, deterministic sample records for every message type, optionally with known defects.

Everything that is a rule or a table comes from the spec and ``sedata.codes`` (catalogue, conclusions
per kind, operator items, city letters, check digits); only the words (names, streets) are invented.
The same ``seed`` always gives the same records. With ``invalid_rate`` each broken record carries
exactly one defect, returned beside it so tests can expect exactly those findings.

A seed names one **population** of devices, drawn device by device (device ``i`` is the same whatever the
message): ``inspection-upload`` carries device ``i``'s Equipment and Inspection records, ``registration-download``
its registration record (a UseRegistration where the kind's certificate category is confirmed, else the
StatusChange that put it into use), so reconciling two samples of one seed finds only what was injected
(``inconsistent_rate``). Business keys (codes, report and certificate numbers) come from blocks reserved per seed,
so samples of different seeds share none (seeds 0-18; further seeds reuse blocks far apart). Dates are relative
to ``today``, the report date: most events fall within the last 30 days, as a timely sender's would, and people
are adults of working age on it.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from sedata.codes import admin_division, citizen_id, equipment_code, registration_cert, uscc
from sedata.exchange.records import Record
from sedata.exchange.rules import record_key
from sedata.sample import vocabulary as words
from sedata.spec import Spec, current
from sedata.spec.envelope import CHANGES
from sedata.spec.rule_params import Validity, ValidityParams, in_force

_KIND_WEIGHTS = {"3000": 6, "4000": 3, "5000": 1, "2000": 2}
_TODAY = dt.date(2026, 11, 1)
"""The report date of library samples when none is given (the command line uses the local date)."""
_POOL = 40  # units per role in a population
_SERIAL_BLOCK = 100_000  # report, accident, person numbers reserved per seed
_CERT_BLOCK = 5_000  # certificate serials reserved per seed and city
_MAKER_NUMBERS = 900  # 3-digit unit numbers 100-999 in a maker code
_SEQUENCE_BLOCK = 1_000  # equipment-code sequences reserved per seed and series, once maker numbers wrap


@dataclass(frozen=True)
class Defect:
    """One deliberate defect: which record, which field (exchange name), and what kind of error."""

    index: int
    record_type: str
    field: str
    kind: str
    value: Any = None

    @property
    def rule(self) -> str:
        """The id of the rule this defect breaks (``DEFECT_RULES``)."""
        return DEFECT_RULES[self.kind]


DEFECT_KINDS = ("missing-mandatory", "pattern", "unknown-code", "checksum", "impossible-date")
DEFECT_RULES = {
    "missing-mandatory": "SE-SCH-001",
    "pattern": "SE-SCH-002",
    "unknown-code": "SE-COD-001",
    "checksum": "SE-COD-002",
    "impossible-date": "SE-SCH-002",  # a text outside the YYYY-MM-DD representation, not a wrong JSON type
    "disagree": "SE-CON-005",
}
"""The rule each kind of injected defect breaks (tests check that the validator reports exactly that rule)."""
INCONSISTENCY_KINDS = ("disagree",)
"""Injected into registration-download samples: the registration record differs from the inspection data."""


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


Unit = tuple[str, str, _City, str]
"""(name, USCC, city, county) of a made-up unit."""


class Sampler:
    """Draws consistent records of one population (``seed``); one instance per sample run."""

    def __init__(self, seed: int = 0, spec: Spec | None = None, today: dt.date | None = None):
        self.seed = seed
        self.today = today or _TODAY
        self.rng = random.Random(seed)
        self.spec = spec or current()
        self.seq = 0
        self._serial = (seed % 1000) * _SERIAL_BLOCK  # report, accident and person numbers: a block per seed
        self._units: dict[tuple[str, int], Unit] = {}
        self._cert_serial: dict[tuple[str, str], int] = {}
        self._code_seq: dict[tuple[str, str, int], int] = {}
        self._device = 0

    # --- small parts -------------------------------------------------------------------------
    def _next(self) -> int:
        self._serial += 1
        return self._serial

    def _name(self) -> str:
        r = self.rng
        return r.choice(words.SURNAMES) + "".join(r.choice(words.GIVEN) for _ in range(r.choice((1, 2))))

    def _pick(self, role: str) -> tuple[Unit, int]:
        """One of the population's units in ``role``, and its number in the pool."""
        index = self.rng.randrange(_POOL)
        return self._unit_at(role, index), index

    def _unit_at(self, role: str, index: int) -> Unit:
        """Unit ``index`` of ``role``: made on first use, the same in every message of the population."""
        key = (role, index)
        if key not in self._units:
            rng = random.Random(f"unit:{self.seed}:{role}:{index}")
            number = 1 + (self.seed * len(words.TRADES) + list(words.TRADES).index(role)) * _POOL + index
            self._units[key] = self._unit(role, rng, number)
        return self._units[key]

    def _unit(self, role: str, rng: random.Random | None = None, number: int | None = None) -> Unit:
        """(name, USCC, city, county) of a made-up unit in a city whose certificate letter is known."""
        rng = rng or self.rng
        city = rng.choice(_cities())
        county = rng.choice(city.counties)
        place = admin_division.name(city.prefecture).removesuffix("市")
        name = f"{place}{rng.choice(words.BRANDS)}{rng.choice(words.TRADES[role])}"
        # A fresh unit (not of the pool) takes a number past every pool's, from this sample's serial block.
        number = number if number is not None else 10**9 + self._next()
        code = uscc.generate("9", "1", county, _base31(number, 8))
        return name, code, city, county

    def _recent(self, most: int = 365) -> dt.date:
        """A recent event date: days before ``today`` drawn so that about 95 % fall within 30 days."""
        return self.today - dt.timedelta(days=min(int(self.rng.expovariate(0.1)) + 1, most))

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
        # Unique by construction: the serial fixes (birth date, sequence); the division only adds realism. Born
        # 27 to 51 years before the report date, adults of working age then, in a division that existed in every
        # such year (a county made later gives way to an older one nearby).
        # The spec/conformance cases are built from samples of the default date: their people must stay as they are.
        n = self._next()
        first = dt.date(self.today.year - _OLDEST, 1, 1)
        born = first + dt.timedelta(days=(n // 999) % _BIRTH_DAYS)
        return citizen_id.generate(_birth_division(county, first.year), born, n % 999 + 1, today=self.today)

    # --- entities ----------------------------------------------------------------------------
    def device(self, index: int) -> dict[str, Any]:
        """Device ``index`` of the population as an Equipment record (call in order: 0, 1, 2 …)."""
        self.rng = random.Random(f"device:{self.seed}:{index}")
        return self.equipment()

    def equipment(self) -> dict[str, Any]:
        """An Equipment record: a registered device with codes that agree with each other."""
        self.seq += 1
        r = self.rng
        kind = r.choices(list(_KIND_WEIGHTS), weights=list(_KIND_WEIGHTS.values()))[0]
        category, variety, product = r.choice(_catalogue()[kind])
        (maker_name, maker_code, _, _), maker_index = self._pick("制造")
        (user_name, user_code, city, county), _ = self._pick("使用")
        # Made 2-11 years before the report date, registered after the 2014 catalogue, so certificates use
        # its variety digits.
        made = self._date(max(dt.date(2015, 1, 1), _plus_years(self.today, -11)), _plus_years(self.today, -2))
        registered = made + dt.timedelta(days=r.randint(30, 300))
        # Maker code = licence region (the maker's province) + its unit number, as in TS22xxyyy licences; the
        # unit number and a sequence block depend on the seed, so that populations share no equipment code.
        slot = self.seed * _POOL + maker_index
        maker = f"{maker_code[2:4]}{100 + slot % _MAKER_NUMBERS:03d}"
        series = (variety, maker, made.year)
        self._code_seq[series] = counter = self._code_seq.get(series, 0) + 1
        sequence = (slot // _MAKER_NUMBERS) % 99 * _SEQUENCE_BLOCK + counter
        record: dict[str, Any] = {
            "equipmentCode": equipment_code.generate(
                variety, maker_code=maker, year=made.year, sequence=sequence, on=self.today
            ),
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
            self._cert_serial[key] = counter = self._cert_serial.get(key, 0) % _CERT_BLOCK + 1
            serial = (self.seed % 19) * _CERT_BLOCK + counter
            category_char = self._category_char(kind)
            record["registrationCertNo"] = registration_cert.generate(
                category_char, variety, city.province, city.letter, serial, registered.year, today=self.today
            )
        return record

    def registration(self, equipment: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The registration-side record of ``equipment``: its UseRegistration, or (no confirmed certificate
        category for its kind, so no certificate number to key one) the StatusChange that put it into use."""
        if "registrationCertNo" not in equipment:
            return "StatusChange", {
                "equipmentCode": equipment["equipmentCode"],
                "changeDate": equipment["registrationDate"],
                "useStatus": equipment["useStatus"],
                "registrationStatus": equipment["registrationStatus"],
                "changeReason": "办理使用登记后投入使用",
            }
        return "UseRegistration", self.use_registration(equipment)

    def use_registration(self, equipment: dict[str, Any]) -> dict[str, Any]:
        """The UseRegistration (TSG 08-2017 登记表) of ``equipment``, agreeing with it element by element."""
        r = self.rng
        registered = dt.date.fromisoformat(equipment["registrationDate"])
        same = (
            "equipmentKind",
            "equipmentCategory",
            "equipmentVariety",
            "productName",
            "equipmentCode",
            "modelSpec",
            "manufacturerName",
            "userUnitName",
            "userUnitCode",
            "internalNumber",
            "useLocation",
            "commissioningDate",
            "registrationDate",
            "registrationCertNo",
            "registrationAuthority",
        )
        record = {k: equipment[k] for k in same if k in equipment}
        record.update(
            registrationCategory="新设备首次启用",
            userUnitAddress=equipment["useLocation"],
            safetyManager=self._name(),
            mobilePhone=self._phone(),
            formFiller=self._name(),
            formDate=(registered - dt.timedelta(days=r.randint(1, 20))).isoformat(),
            registrar=self._name(),
        )
        return {k: record[k] for k in _order("UseRegistration") if k in record}

    @staticmethod
    def _category_char(kind: str) -> str:
        return _cert_kinds()[kind]

    def inspection(self, equipment: dict[str, Any]) -> dict[str, Any]:
        """An Inspection of ``equipment``: statutory, passed, next date one year on (within every interval)."""
        r = self.rng
        (body_name, body_code, _, _), _ = self._pick("检验")
        kind = equipment["equipmentKind"]
        registered = dt.date.fromisoformat(equipment["registrationDate"])
        done = max(self._recent(), min(registered, self.today))
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
        (_, _, city, county), _ = self._pick("使用")
        holder_id = self._person_id(county)
        issued = self._recent()
        return {
            "certificateNo": holder_id,
            "holderName": self._name(),
            "holderCitizenId": holder_id,
            "itemTable": "2019",
            "operatorItems": sorted(r.sample(_operator_items(), r.choice((1, 1, 2)))),
            "issuingAuthority": f"{admin_division.name(city.prefecture)}市场监督管理局",
            "issueDate": issued.isoformat(),
            "expiryDate": (_plus_years(issued, self._validity_years(issued)) - dt.timedelta(days=1)).isoformat(),
        }

    def _validity_years(self, issued: dt.date) -> int:
        """The certificate validity in force on ``issued``, from SE-BIZ-007's parameters."""
        params = self.spec.rule_parameters["SE-BIZ-007"]
        assert isinstance(params, ValidityParams)
        live = in_force(params.validities, issued)
        if not live:  # pragma: no cover - samples are issued in the last weeks, long after TSG Z6001-2013
            raise ValueError(f"no certificate validity in force on {issued} / 发证日期无适用的有效期")
        version = live[0]
        assert isinstance(version, Validity)
        return version.years

    def accident(self) -> dict[str, Any]:
        r = self.rng
        equipment = self.equipment()
        deaths = r.choice((0, 0, 0, 1, 2))
        when = dt.datetime.combine(
            self._recent() - dt.timedelta(days=1),
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

    def unit(self, made: Unit | None = None, role: str = "制造") -> dict[str, Any]:
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

    def licence(self, holder: Unit) -> dict[str, Any]:
        """A manufacturing Licence held by ``holder``."""
        r = self.rng
        name, code, city, _ = holder
        start = self._recent()
        kind = r.choice(list(_KIND_WEIGHTS))
        _, variety, product = r.choice(_catalogue()[kind])
        return {
            "licenceNo": f"TS{r.choice('1234')}{self._next() % 10**7:07d}-{start.year}",
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
        when = max(self._recent(), dt.date.fromisoformat(equipment["registrationDate"]))
        return {
            "equipmentCode": equipment["equipmentCode"],
            "changeDate": when.isoformat(),
            "useStatus": "3",
            "changeReason": "使用单位申请停用",
        }

    # --- messages ----------------------------------------------------------------------------
    def bodies(self, message_type: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """An endless stream of (record type, data) for ``message_type``: of the record types the spec's message
        carries, those the sampler makes, each story (a device, a certificate, an accident, a licence) in turn."""
        message = self.spec.messages.get(message_type)
        if message is None:
            raise ValueError(f"unknown message type {message_type!r} / 未知报文类型")
        carried = {r.entity for r in message.records}
        stories = [story for story in _STORIES if carried & story.entities]
        if not stories:
            raise ValueError(f"no sample records for {message_type!r} / 无此报文类型的样例记录")
        for index in itertools.count():
            for story in stories:
                yield from story.tell(self, index, carried)

    def _device_story(self, index: int, carried: set[str]) -> Iterator[tuple[str, dict[str, Any]]]:
        """Device ``index``: its Equipment, Inspection and registration record, as far as the message carries them."""
        eq = self.device(index)
        if "Equipment" in carried:
            yield "Equipment", eq
        if "Inspection" in carried:
            self.rng = random.Random(f"inspection:{self.seed}:{index}")
            yield "Inspection", self.inspection(eq)
        if carried & {"UseRegistration", "StatusChange"}:
            self.rng = random.Random(f"registration:{self.seed}:{index}")
            yield self.registration(eq)

    def _licence_story(self, index: int, carried: set[str]) -> Iterator[tuple[str, dict[str, Any]]]:
        """A manufacturing licence and its holder's Unit record."""
        holder = self._unit("制造")
        if "Licence" in carried:
            yield "Licence", self.licence(holder)
        if "Unit" in carried:
            yield "Unit", self.unit(holder)

    def record(self, entity_id: str) -> dict[str, Any]:
        """One realistic record of ``entity_id`` (the entities in :data:`ENTITIES`), valid through every layer."""
        if entity_id == "Equipment":
            return self.equipment()
        if entity_id == "Inspection":
            return self.inspection(self.equipment())
        if entity_id == "UseRegistration":
            while "registrationCertNo" not in (eq := self.equipment()):
                pass
            return self.use_registration(eq)
        if entity_id == "OperatorCertificate":
            return self.operator_certificate()
        if entity_id == "Accident":
            return self.accident()
        if entity_id == "Licence":
            return self.licence(self._unit("制造"))
        if entity_id == "Unit":
            return self.unit(role=self.rng.choice(list(words.TRADES)))
        if entity_id == "StatusChange":
            return self.status_change()
        raise ValueError(f"no sample records of {entity_id!r} / 无此实体的样例记录")


@dataclass(frozen=True)
class _Story:
    """Records the sampler makes together (an Inspection of the Equipment drawn with it); a message's stream is
    made of the stories whose entities the spec says it carries."""

    entities: frozenset[str]
    tell: Callable[[Sampler, int, set[str]], Iterator[tuple[str, dict[str, Any]]]]


_STORIES = (
    _Story(frozenset({"Equipment", "Inspection", "UseRegistration", "StatusChange"}), Sampler._device_story),
    _Story(
        frozenset({"OperatorCertificate"}), lambda s, i, c: iter([("OperatorCertificate", s.operator_certificate())])
    ),
    _Story(frozenset({"Accident"}), lambda s, i, c: iter([("Accident", s.accident())])),
    _Story(frozenset({"Licence", "Unit"}), Sampler._licence_story),
)


ENTITIES = (
    "Equipment",
    "Inspection",
    "UseRegistration",
    "OperatorCertificate",
    "Accident",
    "Licence",
    "Unit",
    "StatusChange",
)
"""The entities :meth:`Sampler.record` draws."""


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


# People are born from 1 January of the year _OLDEST years before the report date, over _BIRTH_DAYS days (about
# 24.6 years): aged about 27 to 51 on that date (1975-1999 for the default date, 2026-11-01).
_OLDEST = 51
_BIRTH_DAYS = 9000


@cache
def _birth_division(county: str, first_year: int) -> str:
    """``county`` if it was in force in every birth year of the sample's people (from ``first_year``), else the
    nearest code that was (same prefecture, else same province)."""
    last_year = (dt.date(first_year, 1, 1) + dt.timedelta(days=_BIRTH_DAYS)).year

    def old_enough(code: str) -> bool:
        found = admin_division.periods(code)
        return all(any(v.covers(year) for v in found) for year in range(first_year, last_year + 1))

    if old_enough(county):
        return county
    for prefix in (county[:4], county[:2]):
        for code in admin_division.codes(first_year):
            if code.startswith(prefix) and code[4:] != "00" and old_enough(code):
                return code
    raise ValueError(f"no division of {county[:2]} in force in {first_year}")  # pragma: no cover


@cache
def _order(entity_id: str) -> tuple[str, ...]:
    spec = current()
    return tuple(spec.field_exchange_name(f) for f in spec.entities[entity_id].fields)


def sample_records(
    message_type: str,
    count: int,
    seed: int = 0,
    invalid_rate: float = 0.0,
    mode: str = CHANGES,
    *,
    today: dt.date | None = None,
    inconsistent_rate: float = 0.0,
) -> Iterator[tuple[Record, Defect | None]]:
    """``count`` records of ``message_type``; a fraction ``invalid_rate`` carries one known defect each.

    ``today`` is the report date the sample's dates are relative to. ``inconsistent_rate`` (registration-download
    only) makes that share of registration records disagree with the population's inspection data in one
    compared element, each returned as a Defect of kind ``disagree``.
    """
    sampler = Sampler(seed, today=today)
    breaker = random.Random(seed + 1)
    shuffler = random.Random(f"inconsistent:{seed}")
    bodies = sampler.bodies(message_type)
    for index in range(count):
        record_type, data = next(bodies)
        defect = None
        if invalid_rate and breaker.random() < invalid_rate:
            # Break a copy: later records (an Inspection of this Equipment) must stay clean.
            data = copy.deepcopy(data)
            defect = break_record(breaker, index, record_type, data)
        elif inconsistent_rate and record_type == "UseRegistration" and shuffler.random() < inconsistent_rate:
            defect = _disagree(shuffler, sampler, index, record_type, data)
        record = Record(record_type, data, index=index)
        if mode == CHANGES:
            record.operation = "add"
            record.key = record_key(record_type, data)  # key fields are never the ones a defect removes
            record.version = 1
        yield record, defect


def _disagree(rng: random.Random, sampler: Sampler, index: int, record_type: str, data: dict[str, Any]) -> Defect:
    """Make a registration record name another user unit than the inspection data does (one SE-CON-005)."""
    name = rng.choice(("userUnitName", "userUnitCode"))
    unit_name, unit_code, _, _ = sampler._unit("使用", rng)
    data[name] = value = unit_name if name == "userUnitName" else unit_code
    return Defect(index, record_type, name, "disagree", value)


def break_record(rng: random.Random, index: int, record_type: str, data: dict[str, Any]) -> Defect:
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
