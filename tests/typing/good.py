"""A downstream developer's code: must type-check cleanly under mypy (run by tests/test_typing.py)."""

import datetime as dt
from decimal import Decimal

from sedata.elements import Accident, Equipment, RelatedUnit

eq = Equipment(
    equipment_code="312043310020190010",
    equipment_kind="3000",
    equipment_category="3100",
    equipment_variety="3120",
    product_name="曳引驱动载货电梯",
    factory_number="F2019-0458",
    manufacturer_name="湖南某电梯有限公司",
    user_unit_name="吉首市某商贸有限公司",
    user_unit_code="91340600MA2PBM9HXD",
    use_location="吉首市人民北路18号",
    location_division="433101",
    use_status="2",
    related_units=[RelatedUnit(unit_role="维保", unit_name="湘西某电梯维保有限公司")],
)
code: str = eq.equipment_code
variety: str | None = eq.equipment_variety
acc = Accident(
    accident_id="SG-2025-001",
    occurred_at=dt.datetime(2025, 6, 1, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    accident_place="福建省漳州市芗城区胜利西路12号",
    accident_division="350602",
    equipment_kind="3000",
    accident_grade="一般事故",
    deaths=0,
    serious_injuries=0,
    direct_economic_loss=Decimal("0"),
    accident_summary="电梯困人2小时10分钟",
)
loss: Decimal = acc.direct_economic_loss
