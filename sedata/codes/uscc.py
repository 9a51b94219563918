"""GB 32100 统一社会信用代码 (USCC): 18 characters from ``0123456789ABCDEFGHJKLMNPQRTUWXY``.

Built on ``stdnum.cn.uscc`` for the MOD 31 check, plus what domain.md §7.1 adds: positions 9-17 must be a
valid GB 11714 organisation code and positions 3-8 a GB/T 2260 code that ever existed.

Positions 1-2 (登记管理部门代码, 机构类别代码): python-stdnum requires digits, but §7.1 confirms ``Y``
(其他) and lists ``A`` and ``N`` (UNCONFIRMED), and the spec's value domain allows any code-alphabet
character in both. So any character of the alphabet is accepted there, with a ``Note`` when its meaning
is not confirmed; python-stdnum checks codes whose first 8 characters are digits, and the check
character of any other code is computed here by the same formula. ``A1110000600037341L`` is therefore
rejected for its check character, not its first character. Positions 3-8 (the division) take digits only.
"""

from __future__ import annotations

from functools import cache

from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import uscc as stdnum_uscc

from sedata.codes import admin_division, org_code
from sedata.codes._base import (
    InvalidChecksum,
    InvalidCode,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    Note,
    Parsed,
    Segment,
    ValidationError,
    as_text,
    deprecated_alias,
)
from sedata.spec import current
from sedata.spec.model import CodeEntry

KIND = "uscc"
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

# Meanings of positions 1-2 come from the spec (code set uscc-registration-authority), read once.
_PARTS = "uscc-registration-authority"


@cache
def _parts() -> dict[str, CodeEntry]:
    (table,) = current().codesets[_PARTS].values()
    return {e.code: e for e in table.entries}


def authority(code: str) -> CodeEntry | None:
    """The 登记管理部门 entry for the first character of a USCC, if known."""
    return _parts().get(code[:1])


def compact(s: str) -> str:
    """The code without spaces or hyphens, upper-cased (python-stdnum's ``compact``)."""
    s = as_text(s)
    return stdnum_uscc.compact(s)


def calc_check_digit(s: str) -> str:
    """The check character for the first 17 characters: ``ALPHABET[(31 - Σ v·w mod 31) mod 31]``."""
    body = compact(s)[:17]
    if len(body) != 17:
        raise InvalidLength(
            f"计算校验码需要17位本体，实为{len(body)}位", f"the check needs 17 characters, not {len(body)}"
        )
    _check_alphabet(body)
    # The outer mod 31 matters: a sum ≡ 0 gives check "0", not index 31 (the bug in copied JS, §7.1).
    return ALPHABET[(31 - sum(ALPHABET.index(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 31) % 31]


def _check_alphabet(code: str) -> None:
    for i, c in enumerate(code):
        if c not in ALPHABET:
            raise InvalidFormat(
                f"统一社会信用代码第{i + 1}位“{c}”不在代码字符集内（不用 I、O、S、V、Z）",
                f"character {i + 1} ({c!r}) of a USCC is not in the code alphabet (no I, O, S, V, Z)",
                position=i,
            )
        if 2 <= i < 8 and not c.isdigit():
            raise InvalidFormat(
                f"统一社会信用代码第{i + 1}位“{c}”应为数字（登记管理机关行政区划码）",
                f"character {i + 1} ({c!r}) of a USCC must be a digit (division code)",
                position=i,
                segment="division",
            )


def _wrong_check(code: str) -> InvalidChecksum:
    return InvalidChecksum(
        f"统一社会信用代码 {code} 校验码错误，应为 {calc_check_digit(code)}",
        f"USCC {code} has a wrong check character; expected {calc_check_digit(code)}",
        position=17,
        segment="check",
    )


def validate(s: str) -> str:
    """The compact code if length, alphabet, check character, embedded org code and division are valid."""
    code = compact(s)
    if len(code) != 18:
        raise InvalidLength(
            f"统一社会信用代码应为18位，实为{len(code)}位", f"a USCC has 18 characters, not {len(code)}"
        )
    _check_alphabet(code)
    if code[:8].isdigit():
        try:
            stdnum_uscc.validate(code)
        except stdnum_exceptions.InvalidChecksum:
            raise _wrong_check(code) from None
        # Not reached after _check_alphabet; kept so that no python-stdnum exception ever escapes.
        except stdnum_exceptions.ValidationError as e:
            raise InvalidFormat(f"统一社会信用代码 {code} 格式错误", f"USCC {code} is malformed") from e
    elif code[17] != calc_check_digit(code):
        raise _wrong_check(code)
    try:
        org_code.validate(code[8:17])
    except InvalidCode as e:
        raise InvalidComponent(
            f"统一社会信用代码 {code} 的主体标识码 {org_code.format(code[8:17])} 不是有效的组织机构代码：{e.zh}",
            f"USCC {code}: positions 9-17 ({org_code.format(code[8:17])}) are not a valid organisation code: {e.en}",
            position=16,
            segment="org_code",
        ) from None
    try:
        admin_division.validate(code[2:8])
    except InvalidCode as e:
        raise InvalidComponent(
            f"统一社会信用代码 {code} 的登记管理机关行政区划码无效：{e.zh}",
            f"USCC {code}: positions 3-8 are not a division code: {e.en}",
            position=2 + (e.position or 0),
            segment="division",
        ) from None
    return code


def is_valid(s: str) -> bool:
    """Whether ``s`` is a valid USCC."""
    try:
        validate(s)
    except ValidationError:
        return False
    return True


def format(s: str) -> str:
    """The display form: the 18 characters, unseparated (as printed on licences)."""
    return compact(s)


def generate(authority: str, category: str, division: str, organisation: str) -> str:
    """A valid USCC from its parts; ``organisation`` may be an 8-character body (its check is added)."""
    org = org_code.compact(organisation)
    if len(org) == 8:
        org = org_code.generate(org)
    body = f"{authority}{category}{admin_division.compact(division)}{org}".upper()
    return validate(body + calc_check_digit(body))


def parse(s: str) -> Parsed:
    """The five segments of GB 32100 with the meanings domain.md §7.1 gives, and Notes where they are unsure."""
    code = validate(s)
    warnings: list[Note] = []
    dept = _parts().get(code[0])
    if dept is None:
        warnings.append(
            Note(
                "unknown_authority",
                f"登记管理部门代码“{code[0]}”不在已知列表中",
                f"registration authority code {code[0]!r} is not among the known values",
                "UNCONFIRMED",
            )
        )
    elif dept.status != "CONFIRMED":
        warnings.append(
            Note(
                "unconfirmed_authority",
                f"登记管理部门代码“{code[0]}”={dept.zh} 未经来源确认",
                f"registration authority code {code[0]!r} = {dept.en or dept.zh} is not confirmed by a source",
                dept.status,
            )
        )
    has_categories = any(e.parent == code[0] for e in _parts().values())
    cat = _parts().get(code[:2])
    if has_categories and cat is None:
        warnings.append(
            Note(
                "unknown_category",
                f"机构类别代码“{code[1]}”不在登记管理部门“{code[0]}”的已知（不完整）列表中",
                f"institution category {code[1]!r} is not in the known (partial) list for authority {code[0]!r}",
                "PARTIAL",
            )
        )
    segments = (
        Segment(
            "registration_authority",
            "登记管理部门代码",
            "registration authority",
            0,
            code[0],
            dept.zh if dept else None,
        ),
        Segment("category", "机构类别代码", "institution category", 1, code[1], cat.zh if cat else None),
        Segment(
            "division",
            "登记管理机关行政区划码",
            "division of the registration authority",
            2,
            code[2:8],
            admin_division.full_name(code[2:8]),
        ),
        Segment(
            "org_code",
            "主体标识码（组织机构代码）",
            "subject identifier (organisation code)",
            8,
            code[8:17],
            org_code.format(code[8:17]),
        ),
        Segment("check", "校验码", "check character", 17, code[17]),
    )
    return Parsed(KIND, code, segments, tuple(warnings))


build = deprecated_alias(generate, "build")
