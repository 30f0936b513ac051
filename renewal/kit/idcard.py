"""Citizen ID numbers (GB 11643-1999) and their masking."""

import datetime
from dataclasses import dataclass
from functools import lru_cache

from stdnum import numdb
from stdnum.cn import ric


class IdNumberError(ValueError):
    """Carries a message in Chinese, fit to show next to the field."""


@dataclass(frozen=True)
class IdNumberInfo:
    number: str
    birth_date: datetime.date
    sex: str  # "M" or "F"


def parse_id_number(raw: str) -> IdNumberInfo:
    # Not cached per number: a cache would keep people's ID numbers in clear in every
    # long-lived process. The costly part, the region lookup, is cached by region code.
    value = (raw or "").strip().upper()
    if not value:
        raise IdNumberError("请填写公民身份号码。")
    if len(value) != 18:
        raise IdNumberError(f"公民身份号码应为 18 位，当前为 {len(value)} 位。")
    if not value[:17].isdecimal() or not (value[17].isdecimal() or value[17] == "X"):
        raise IdNumberError("公民身份号码前 17 位须为数字，最后一位为数字或 X。")
    try:
        datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise IdNumberError(f"公民身份号码中的出生日期 {value[6:14]} 不是有效日期。") from None
    if ric.calc_check_digit(value) != value[17]:
        raise IdNumberError("公民身份号码校验位不正确，请核对。")
    birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    region_problem = check_region(value[:6], birth.year)
    if region_problem:
        raise IdNumberError(region_problem)
    sex = "M" if int(value[16]) % 2 == 1 else "F"
    return IdNumberInfo(number=value, birth_date=birth, sex=sex)


@lru_cache(maxsize=8192)
def check_region(code: str, birth_year: int) -> str:
    """Why a number's region code cannot be a person's born in ``birth_year`` ("" if it can).

    The code is the county's where the number was first given: at the birth registration,
    or, for those born before numbers were given at birth, with the first ID card, years
    later. So a code brought in after the birth year is normal (和林格尔县 has been 150123
    since 1995: a man born there in 1980 who got his card in 1996 has it); only a code
    unknown, or retired before the person was born, is wrong.
    """
    known = {k: v for _part, props in numdb.get("cn/loc").info(code) for k, v in props.items()}
    if not known.get("county"):
        return "公民身份号码中的地区码无效。"
    retired = []
    for county in known["county"].split(","):
        if not county.startswith("["):
            return ""
        years, _name = county[1:].split("]", 1)
        end = years.split("-")[1]
        if not end or int(end) >= birth_year:
            return ""
        retired.append(int(end))
    return (
        f"公民身份号码中的地区码 {code} 于 {max(retired)} 年停用，"
        f"不能是 {birth_year} 年出生的人的号码，请核对。"
    )


def check_id_number_matches(info: IdNumberInfo, *, birth_date, sex) -> list[str]:
    """Problems between an ID number and the record's birth date and sex."""
    problems = []
    if birth_date and info.birth_date != birth_date:
        problems.append(
            f"身份证号码中的出生日期为 {info.birth_date:%Y-%m-%d}，与填写的出生日期"
            f" {birth_date:%Y-%m-%d} 不一致。"
        )
    if sex and info.sex != sex:
        shown = "男" if info.sex == "M" else "女"
        problems.append(f"身份证号码显示性别为{shown}，与填写的性别不一致。")
    return problems


def make_id_number(region6: str, birth_date: datetime.date, sequence: int, sex: str) -> str:
    """Build a valid number (for demo data): region, birth date, sequence and sex digit."""
    seq = sequence % 100
    sex_digit = (sequence // 100) % 5 * 2 + (1 if sex == "M" else 0)
    body = f"{region6}{birth_date:%Y%m%d}{seq:02d}{sex_digit}"
    return body + ric.calc_check_digit(body + "0")


def mask_id_number(value: str) -> str:
    if not value:
        return ""
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    if not value:
        return ""
    return value[:3] + "****" + value[-4:] if len(value) >= 7 else "****"
