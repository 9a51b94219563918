"""What each figure of the data-quality scorecard means, and the parameters sedata chose for it.

The definitions are data (Chinese and English), so that ``scorecard.json`` and ``scorecard.html`` carry the
same words as this module: a province team forwarding the file forwards its definitions with it.

* **Completeness** (完整率) of a mandatory (M) or conditional (C) element of an entity: the share of the
  entity's records with data (deletes left out) in which the element has a value. A value is present when the
  member exists, is not null and is not a blank string; a nested entity or repeated field is present with at
  least one item. Conditions are documentation in the spec, not machine-checked, so C completeness is
  informative (an absent C value may be right) and weighs 0 in the score by default. Pooled over entities:
  Σ present M values ÷ Σ (records × M elements of their entity). Optional (O) elements get the same fill rate,
  shown for information only.
* **Validity** (有效率): the share of present values that no counted finding points at. Counted: findings of
  the severities in ``Parameters.validity_severities`` (default: error, i.e. a CONFIRMED rule broken), other
  than cross-record and consistency findings (SE-XRF, SE-CON: they make the consistency rate). Warnings come
  from PARTIAL or UNCONFIRMED rules, so they would rank senders on sedata's own doubts: each element counts
  them apart ("with warnings"), outside the rate. A finding is tied to the record's top-level field by its JSON
  pointer (a problem inside a nested entity counts for the nested field), else by its element reference;
  record-level findings (an envelope problem, a duplicate key) touch no element.
* **Error-free records** (无错记录率): the share of records (with data) without any finding of severity error,
  whatever its layer — the records a receiving office can accept as they are.
* **Timeliness** (及时性): for entities naming an ``event_date`` field in the spec (inspection date, accident
  time …), the days from that date to the header's creation time (SE.MSG.0006), each taken as a calendar date in
  its own UTC offset. Reported as median and 90th percentile (nearest rank: whole days seen in the data) and as
  the share within the limit (0 ≤ days ≤ limit). The limit is a parameter; its default (30 days) is sedata's
  choice and UNCONFIRMED: no source in the reference sets a reporting deadline (the 2006 Shanghai notice only
  fixes a nightly exchange of changed data). Master data (Equipment, Unit, Person) has no event date.
* **Duplicate rate** (重复率): the share of records whose business key (with the record version in a change set)
  equals that of an earlier record of the same type in the same file — SE-BIZ-010's definition. A key seen
  again in a later file is a later version, not a duplicate.
* **Consistency** (一致率): the share of records with no cross-record or consistency finding (rule id starting
  SE-XRF or SE-CON). When the validator checks neither layer and no such finding appears, it is *not measured*.
* **Score** (得分): 100 × Σ wᵢ·rᵢ ÷ Σ wᵢ over the rates rᵢ that were measured (a rate with no denominator drops
  out with its weight): M completeness, C completeness, validity, error-free records, timeliness (share within the
  limit), uniqueness (1 − duplicate rate) and consistency. The weights are sedata's choice, not a regulation, and are
  parameters. Ranks go by score, highest first; equal scores (to 0.01) share a rank.
* **Administrative division** (行政区划): the record's own division element (value domain ``admin-division``:
  SE.EQP.0014, SE.ACC.0004, SE.UNT.0008) when the entity has one and its value is a GB/T 2260 code; otherwise
  the sender's USCC registration-authority division (positions 3–8). Each division says how many records came
  from which source. Codes are rolled up to the prefecture (市/州) by default, as the Guizhou platform ranks its
  nine 市(州).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from sedata.validate.layers.registry import of_scope

SCORECARD_VERSION = "1.0"
"""Version of the ``scorecard.json`` layout; a key is never renamed or removed within a major version."""

DivisionLevel = Literal["county", "prefecture", "province"]
DIVISION_LEVELS: tuple[DivisionLevel, ...] = ("county", "prefecture", "province")

COMPONENTS: tuple[str, ...] = (
    "completenessMandatory",
    "completenessConditional",
    "validity",
    "errorFree",
    "timeliness",
    "uniqueness",
    "consistency",
)
"""The rates a score is made of, in the order tables show them."""

DEFAULT_WEIGHTS: dict[str, float] = {
    "completenessMandatory": 0.20,
    "completenessConditional": 0.0,
    "validity": 0.10,
    "errorFree": 0.40,
    "timeliness": 0.15,
    "uniqueness": 0.10,
    "consistency": 0.05,
}
"""sedata's choice (not a regulation): what a receiving office most needs is records it can accept, whole. A record
holds a dozen or more values, so one broken value moves the per-value rates by under a tenth of what it costs the
office (the record is sent back): the share of error-free records weighs most, and a sender with 10 % broken
records scores about five points below a clean one (bench: two 1 000-record samples)."""

DEFAULT_LIMIT_DAYS = 30
"""Timeliness limit in days — UNCONFIRMED: no source states a reporting deadline; a parameter, not a rule."""

CONSISTENCY_LAYERS: tuple[str, ...] = of_scope("run")
"""The layers whose findings compare records with one another (across files, or registration with inspection)."""


@dataclass(frozen=True)
class Parameters:
    """The choices behind the figures; every one is written into ``scorecard.json``."""

    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    limit_days: int = DEFAULT_LIMIT_DAYS
    limit_status: str = "UNCONFIRMED"
    division_level: DivisionLevel = "prefecture"
    validity_severities: tuple[str, ...] = ("error",)

    def __post_init__(self) -> None:
        unknown = set(self.weights) - set(COMPONENTS)
        if unknown:
            raise ValueError(f"unknown weight(s) {sorted(unknown)}; known: {', '.join(COMPONENTS)}")
        values = self.weights.values()
        if any(not math.isfinite(w) or w < 0 for w in values) or not any(w > 0 for w in values):
            raise ValueError("weights must be finite, not negative, and at least one positive")
        if self.limit_days < 0:
            raise ValueError("the timeliness limit must not be negative")
        if self.division_level not in DIVISION_LEVELS:
            raise ValueError(f"division level must be one of {', '.join(DIVISION_LEVELS)}")

    def weight(self, component: str) -> float:
        """The weight of ``component`` (0 when not given)."""
        return self.weights.get(component, 0.0)

    def to_data(self) -> dict[str, Any]:
        """The parameters as JSON data, each with who chose it."""
        return {
            "weights": {c: self.weight(c) for c in COMPONENTS},
            "weightsChosenBy": "sedata (not a regulation)",
            "timelinessLimitDays": self.limit_days,
            "timelinessLimitStatus": self.limit_status,
            "divisionLevel": self.division_level,
            "validitySeverities": list(self.validity_severities),
            "consistencyLayers": list(CONSISTENCY_LAYERS),
        }


def _text(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


DEFINITIONS: dict[str, dict[str, str]] = {
    "completeness": _text(
        "完整率：某实体有数据的记录（删除记录不计）中，某必选（M）或条件必选（C）数据元有值的记录所占比例。"
        "“有值”指字段存在、不为 null 且不是空白字符串；嵌套实体或重复字段至少有一项即为有值。条件尚不能由程序判断，"
        "C 项缺值可能是合规的，所以 C 项完整率仅供参考，默认权重为 0。"
        "汇总时：必选项有值数之和 ÷（记录数 × 该实体必选项数）之和。"
        "可选（O）项的填报率仅供参考。",
        "Completeness: among an entity's records with data (deletes left out), the share in which a mandatory (M) "
        "or conditional (C) element has a value: present, not null, not a blank string; a nested entity or repeated "
        "field with at least one item. Conditions are not machine-checked yet, so an absent C value may be right: C "
        "completeness is informative and weighs 0 by default. Pooled: Σ present M values ÷ Σ (records × M elements "
        "of their entity). Fill rates of optional (O) elements are informative.",
    ),
    "validity": _text(
        "有效率：有值的数据元中，没有计入的校验问题指向它的比例。"
        "计入：参数 validitySeverities 所列级别（默认只计 error，即违反已确认规则）的问题，"
        "跨记录和一致性问题（SE-XRF、SE-CON，计入一致率）除外。"
        "warning 来自部分确认或未确认的规则，若计入会按 sedata 自身的疑问给发送方排名，"
        "所以按数据元另行统计（“有警告”），不计入比率。"
        "问题按 JSON 指针归到记录的顶层字段（嵌套实体内的问题归到该嵌套字段），没有指针时按其数据元；"
        "记录级问题（报文封装、业务键重复）不归到任何数据元。",
        "Validity: the share of present values that no counted finding points at. Counted: findings of the "
        "severities in validitySeverities (default: error, a CONFIRMED rule broken), except cross-record and "
        "consistency findings (SE-XRF, SE-CON: they make the consistency rate). Warnings come from PARTIAL or "
        "UNCONFIRMED rules and would rank senders on sedata's own doubts, so each element counts them apart "
        "('with warnings'), outside the rate. A finding is tied to the record's top-level field by its "
        "JSON pointer (inside a nested entity: the nested field), else by its element; record-level findings "
        "(envelope, duplicate key) touch no element.",
    ),
    "errorFree": _text(
        "无错记录率：有数据的记录中，没有任何 error 级问题（不论哪一层）的记录所占比例，即接收方可原样接受的记录。",
        "Error-free records: the share of records with data that have no finding of severity error (of any layer): "
        "the records a receiving office can accept as they are.",
    ),
    "timeliness": _text(
        "及时性：记录所报事件的日期（实体在规范中指定的 event_date 字段，如检验日期、事故发生时间）到报文头生成时间"
        "（SE.MSG.0006）之间的天数，两者各按自身的 UTC 偏移取日历日相减。给出中位数、第 90 百分位（最近秩法）和时限内"
        "（0 ≤ 天数 ≤ 时限）记录的比例。时限是参数，默认 30 天为 sedata 的选择，未经确认（UNCONFIRMED）：参考资料未规定"
        "报送时限（2006 年上海通知只规定每天凌晨交换变动数据）。设备、单位、人员等主数据没有事件日期，不计。",
        "Timeliness: the days from the date of the event a record reports (the entity's event_date field in the "
        "spec: inspection date, accident time …) to the header's creation time (SE.MSG.0006), each as a calendar "
        "date in its own UTC offset. Reported as median, 90th percentile (nearest rank) and the share within the "
        "limit (0 ≤ days ≤ limit). The limit is a parameter; the default of 30 days is sedata's choice and "
        "UNCONFIRMED: no source in the reference sets a reporting deadline (the 2006 Shanghai notice only fixes a "
        "nightly exchange of changed data). Master data (Equipment, Unit, Person) has no event date.",
    ),
    "duplicates": _text(
        "重复率：同一报文文件中，业务键（变更集中连同记录版本）与前面某条同类记录相同的记录所占比例，首次出现的不算；"
        "与规则 SE-BIZ-010 的定义相同。后续文件中再次出现的同一业务键视为新版本，不算重复。",
        "Duplicate rate: the share of records whose business key (with the record version in a change set) equals "
        "that of an earlier record of the same type in the same file; first occurrences do not count. Same "
        "definition as rule SE-BIZ-010. A key seen again in a later file is a later version, not a duplicate.",
    ),
    "consistency": _text(
        "一致率：没有跨记录或一致性问题（规则编号以 SE-XRF 或 SE-CON 开头）的记录比例。校验器不检查这两层且没有出现这类"
        "问题时报告为“未测量”，不计入得分。",
        "Consistency: the share of records with no cross-record or consistency finding (rule id starting SE-XRF or "
        "SE-CON). When the validator checks neither layer and no such finding appears it is 'not measured' and "
        "left out of the score.",
    ),
    "score": _text(
        "得分 = 100 × Σ(权重 × 比率) ÷ Σ 权重，只计已测量的比率（无分母的比率连同其权重不计）。比率：必选项完整率、"
        "条件项完整率、有效率、无错记录率、及时率（时限内比例）、唯一率（1 − 重复率）、一致率。"
        "权重是 sedata 的选择，不是法规规定，可用参数修改。按得分从高到低排名，得分（保留两位小数）相同者名次相同。",
        "Score = 100 × Σ(weight × rate) ÷ Σ weight over the rates measured (a rate without denominator drops out "
        "with its weight). Rates: M completeness, C completeness, validity, error-free records, timeliness (share "
        "within the limit), uniqueness (1 − duplicate rate), consistency. The weights are sedata's choice, not a "
        "regulation, and are parameters. Ranked by score, highest first; equal scores (to 0.01) share a rank.",
    ),
    "division": _text(
        "行政区划：实体有行政区划代码数据元（值域 admin-division：SE.EQP.0014、SE.ACC.0004、SE.UNT.0008）且其值为有效的"
        " GB/T 2260 代码时取记录的值，否则取发送方统一社会信用代码第 3–8 位（登记管理机关行政区划码）；每个区划列出两种"
        "来源的记录数。按参数汇总到县、市（州）或省级，默认市（州）级。",
        "Administrative division: the record's own division element (value domain admin-division: SE.EQP.0014, "
        "SE.ACC.0004, SE.UNT.0008) when the entity has one and its value is a GB/T 2260 code; otherwise the "
        "sender's USCC registration-authority division (positions 3-8); each division counts the records of each "
        "source. Rolled up to county, prefecture (市/州, the default) or province.",
    ),
    "cost": _text(
        "计算方式：每个文件先由校验器完整读一遍，再流式读第二遍取每条记录的字段是否有值、事件日期和行政区划"
        "（第二遍只读取不校验，实测约为校验耗时的五分之一）。内存随发送方、区划、实体和数据元的组数及单个文件的业务键数增长，"
        "不随记录数增长；校验器报告中的问题本身仍保存在内存中。",
        "Cost: each file is read once by the validator and streamed a second time for presence, event dates and "
        "divisions (reading only: about a fifth of the validation time, measured). Memory grows with the number of "
        "senders, divisions, entities and elements and with one file's business keys, not with records; the "
        "validator's findings are held in memory as its report holds them.",
    ),
}
"""Definitions of every figure, Chinese (normative) and English, written into ``scorecard.json``."""
